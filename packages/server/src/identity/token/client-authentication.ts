import crypto from 'node:crypto';
import { EntraError } from '../../http/errors.js';
import type { Stores } from '../../store/interfaces.js';
import type { KeyCredentialRow } from '../../store/schema.js';
import type { Application } from '../application-model.js';
import type { Clock } from '../../clock.js';
import type { DirectoryReadCache } from '../directory-read-cache.js';
import type { MasterKey } from '../master-key.js';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Tolerance for clocks of clients that sign assertions. */
const ASSERTION_SKEW_S = 300;

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

interface DecodedAssertion {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function decodeAssertion(assertion: string): DecodedAssertion {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw new EntraError('assertionInvalid', { reason: 'The assertion is not a compact JWS.' });
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) throw new Error('not objects');
    return { header, payload, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`), signature: Buffer.from(parts[2]!, 'base64url') };
  } catch (e) {
    if (e instanceof EntraError) throw e;
    throw new EntraError('assertionInvalid', { reason: 'The assertion header or payload is not base64url JSON.' });
  }
}

/** The client id named by an assertion (`iss`), for requests that send no client_id. */
export function assertionIssuer(assertion: string): string | undefined {
  try {
    const iss = decodeAssertion(assertion).payload.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies client secrets (keyed hash, constant time) and certificate assertions (RS256 / PS256). */
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
    const { header, payload, signingInput, signature } = decodeAssertion(assertion);
    const alg = header.alg;
    if (alg !== 'RS256' && alg !== 'PS256')
      throw new EntraError('assertionInvalid', { reason: `Unsupported signing algorithm '${String(alg)}'; use RS256 or PS256.` });
    const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
    const x5tS256 = typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
    if (!x5t && !x5tS256) throw new EntraError('assertionNoThumbprint');
    const keys = await this.stores.credentials.listKeys(app.id);
    let key: KeyCredentialRow | undefined;
    let thumbHex: string;
    if (x5tS256) {
      thumbHex = Buffer.from(x5tS256, 'base64url').toString('hex');
      key = keys.find((k) => k.thumbprint_sha256 === thumbHex);
    } else {
      thumbHex = Buffer.from(x5t!, 'base64url').toString('hex');
      key = keys.find((k) => k.thumbprint_sha1 === thumbHex);
    }
    if (!key) throw new EntraError('assertionKeyNotFound', { thumbprint: thumbHex.toUpperCase(), clientId });
    const cert = new crypto.X509Certificate(Buffer.from(key.cert_der_b64, 'base64'));
    const ok =
      alg === 'RS256'
        ? crypto.verify('sha256', signingInput, cert.publicKey, signature)
        : crypto.verify(
            'sha256',
            signingInput,
            { key: cert.publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
            signature,
          );
    if (!ok) throw new EntraError('assertionBadSignature', { thumbprint: thumbHex.toUpperCase() });

    const nowMs = this.clock.now();
    if (nowMs < key.start_at || nowMs >= key.end_at) {
      throw new EntraError('assertionExpired', { reason: 'The certificate credential is outside its validity period.' });
    }
    const now = Math.floor(nowMs / 1000);
    const { iss, sub, aud, exp, nbf, jti } = payload;
    if (iss !== sub) throw new EntraError('assertionSubjectMismatch');
    if (typeof iss !== 'string' || iss.toLowerCase() !== clientId.toLowerCase()) throw new EntraError('assertionClientMismatch');
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((a) => typeof a === 'string' && acceptedAudiences(a))) {
      throw new EntraError('assertionAudience', { audience: audiences.map(String).join(', ') });
    }
    if (typeof exp !== 'number') throw new EntraError('assertionInvalid', { reason: "The 'exp' claim is missing." });
    if (exp < now - ASSERTION_SKEW_S) throw new EntraError('assertionExpired', { reason: `The assertion expired at ${exp}.` });
    if (typeof nbf === 'number' && nbf > now + ASSERTION_SKEW_S) {
      throw new EntraError('assertionExpired', { reason: `The assertion is not valid before ${nbf}.` });
    }
    if (typeof jti !== 'string' || jti === '') throw new EntraError('assertionInvalid', { reason: "The 'jti' claim is missing." });
    // MSAL reuses one assertion (same jti) for every resource until it expires, so a jti is
    // refused only when it comes back for a resource it already obtained a token for.
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
