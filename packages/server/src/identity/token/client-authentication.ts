import crypto from 'node:crypto';
import { EntraError } from '../../http/errors.js';
import type { Stores } from '../../store/interfaces.js';
import type { KeyCredentialRow } from '../../store/schema.js';
import type { Application } from '../application-model.js';
import type { Clock } from '../../clock.js';
import type { DirectoryReadCache } from '../directory-read-cache.js';
import { decodeUnverifiedJwt, JwtRejected, verifyJwt, type UnverifiedJwt } from '../jwt.js';
import type { MasterKey } from '../master-key.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Tolerance for clocks of clients that sign assertions. */
const ASSERTION_SKEW_S = 300;
/**
 * Longest an assertion may still be valid when presented. MSAL signs assertions for 10 minutes;
 * an hour leaves room for other libraries while keeping a leaked assertion short-lived and the
 * replay store (which keeps each jti until its exp) small. Past it: AADSTS700024.
 */
export const ASSERTION_MAX_REMAINING_S = 3600;

export interface PresentedCredential {
  kind: 'secret' | 'assertion' | 'none';
  secret?: string;
  assertion?: string;
  assertionType?: string;
}

export interface ClientAuthResult {
  /** appidacr / azpacr: "1" secret, "2" certificate. */
  method: '1' | '2';
}

/** The client id named by an assertion (`iss`), for requests that send no client_id. */
export function assertionIssuer(assertion: string): string | undefined {
  const iss = decodeUnverifiedJwt(assertion)?.payload.iss;
  return typeof iss === 'string' ? iss : undefined;
}

/** The Entra error for an assertion jose refused. */
function assertionRejected(e: JwtRejected, assertion: string, thumbHex: string): EntraError {
  const exp = e.verifiedClaims?.exp;
  const nbf = e.verifiedClaims?.nbf;
  switch (e.reason) {
    case 'algorithm':
      return new EntraError(
        'assertionInvalid',
        { reason: `Unsupported signing algorithm '${String(e.header?.alg)}'; use RS256 or PS256.` },
        e.message,
      );
    case 'signature':
      return new EntraError('assertionBadSignature', { thumbprint: thumbHex.toUpperCase() }, e.message);
    case 'key':
      return new EntraError('assertionInvalid', { reason: 'The certificate key must be RSA of 2048 bits or more.' }, e.message);
    case 'expired':
      return new EntraError('assertionExpired', { reason: `The assertion expired at ${String(exp)}.` }, e.message);
    case 'not-yet-valid':
      return new EntraError('assertionExpired', { reason: `The assertion is not valid before ${String(nbf)}.` }, e.message);
    case 'missing-claim':
      return new EntraError('assertionInvalid', { reason: `The '${e.claim ?? 'exp'}' claim is missing.` }, e.message);
    case 'claim-type':
      return new EntraError('assertionInvalid', { reason: `The '${e.claim ?? 'exp'}' claim is not a number.` }, e.message);
    case 'malformed':
    case 'issuer':
      return new EntraError(
        'assertionInvalid',
        {
          reason:
            assertion.split('.').length !== 3
              ? 'The assertion is not a compact JWS.'
              : 'The assertion header or payload is not base64url JSON.',
        },
        e.message,
      );
  }
}

/** Verifies client secrets (keyed hash, constant time) and certificate assertions (RS256 / PS256, through jose). */
export class ClientAuthenticator {
  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly clock: Clock,
    private readonly cache?: DirectoryReadCache,
  ) {}

  async authenticate(
    app: Application,
    clientId: string,
    credential: PresentedCredential,
    acceptedAudiences: (aud: string) => boolean,
    replayScope: string,
  ): Promise<ClientAuthResult> {
    if (credential.kind === 'secret') return this.verifySecret(app, clientId, credential.secret ?? '');
    if (credential.kind === 'assertion') {
      if (credential.assertionType !== JWT_BEARER_ASSERTION) throw new EntraError('unsupportedAssertionType');
      return this.verifyAssertion(app, clientId, credential.assertion ?? '', acceptedAudiences, replayScope);
    }
    throw new EntraError('missingClientCredential');
  }

  private async verifySecret(app: Application, clientId: string, secret: string): Promise<ClientAuthResult> {
    const now = this.clock.now();
    const list = () => this.stores.credentials.listPasswords(app.id);
    const passwords = this.cache ? await this.cache.get(`passwords ${app.id}`, list) : await list();
    for (const p of passwords) {
      if (!this.master.verifySecret(secret, p.secret_hash)) continue;
      if (now >= p.end_at) throw new EntraError('expiredClientSecret', { clientId }, `secret ${p.key_id} expired`);
      if (now < p.start_at) throw new EntraError('invalidClientSecret', { clientId }, `secret ${p.key_id} not yet valid`);
      return { method: '1' };
    }
    throw new EntraError('invalidClientSecret', { clientId }, 'no matching secret');
  }

  private async verifyAssertion(
    app: Application,
    clientId: string,
    assertion: string,
    acceptedAudiences: (aud: string) => boolean,
    replayScope: string,
  ): Promise<ClientAuthResult> {
    let thumbHex = '';
    let key: KeyCredentialRow | undefined;
    const resolveKey = async ({ header }: UnverifiedJwt): Promise<crypto.KeyObject> => {
      const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
      const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
      if (!x5t && !x5tS256) throw new EntraError('assertionNoThumbprint');
      const keys = await this.stores.credentials.listKeys(app.id);
      if (x5tS256) {
        thumbHex = Buffer.from(x5tS256, 'base64url').toString('hex');
        key = keys.find((k) => k.thumbprint_sha256 === thumbHex);
      } else {
        thumbHex = Buffer.from(x5t!, 'base64url').toString('hex');
        key = keys.find((k) => k.thumbprint_sha1 === thumbHex);
      }
      if (!key) throw new EntraError('assertionKeyNotFound', { thumbprint: thumbHex.toUpperCase(), clientId });
      return new crypto.X509Certificate(Buffer.from(key.cert_der_b64, 'base64')).publicKey;
    };
    const nowMs = this.clock.now();
    // Checks that Entra makes once the signature holds and before the assertion's lifetime: the
    // certificate's validity, then who signed and for whom.
    const checkSignedClaims = (payload: Record<string, unknown>): void => {
      if (nowMs < key!.start_at || nowMs >= key!.end_at) {
        throw new EntraError('assertionExpired', { reason: 'The certificate credential is outside its validity period.' });
      }
      const { iss, sub, aud } = payload;
      if (iss !== sub) throw new EntraError('assertionSubjectMismatch');
      if (typeof iss !== 'string' || iss.toLowerCase() !== clientId.toLowerCase()) throw new EntraError('assertionClientMismatch');
      const audiences = Array.isArray(aud) ? aud : [aud];
      if (!audiences.some((a) => typeof a === 'string' && acceptedAudiences(a))) {
        throw new EntraError('assertionAudience', { audience: audiences.map(String).join(', ') });
      }
    };
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await verifyJwt(assertion, resolveKey, {
        algorithms: ['RS256', 'PS256'],
        requiredClaims: ['exp'],
        clock: this.clock,
        skewSeconds: ASSERTION_SKEW_S,
      }));
    } catch (e) {
      if (!(e instanceof JwtRejected)) throw e;
      if (e.verifiedClaims) checkSignedClaims(e.verifiedClaims);
      throw assertionRejected(e, assertion, thumbHex);
    }
    checkSignedClaims(payload);
    const { exp, jti } = payload as { exp: number; jti: unknown };
    if (typeof jti !== 'string' || jti === '') throw new EntraError('assertionInvalid', { reason: "The 'jti' claim is missing." });
    if (exp * 1000 > nowMs + (ASSERTION_MAX_REMAINING_S + ASSERTION_SKEW_S) * 1000) {
      throw new EntraError('assertionExpired', {
        reason: `The assertion expires at ${String(exp)}, more than ${ASSERTION_MAX_REMAINING_S} seconds from now.`,
      });
    }
    // MSAL reuses one assertion (same jti) for every resource until it expires, so a jti is
    // refused only when it comes back for a resource it already obtained a token for. The caller
    // passes the resource in one canonical form (its appId), so spellings do not open new slots.
    // Python MSAL sends `exp` as a float (time.time() + 600); the store keeps integer milliseconds.
    const fresh = await this.stores.assertions.markUsed(
      clientId.toLowerCase(),
      `${jti} ${replayScope}`,
      Math.ceil((exp + ASSERTION_SKEW_S) * 1000),
      nowMs,
    );
    if (!fresh) throw new EntraError('assertionReplayed', { jti });
    return { method: '2' };
  }
}
