import type { SigningKeyService } from './signing-keys.js';
import { GUID_RE, type TenantService, type Tenant } from './tenant-service.js';
import { v1Issuer, v2Issuer } from './token/access-token.js';
import type { Clock } from '../clock.js';
import { JwtRejected, verifyJwt } from './jwt.js';
import { TokenRejected } from './token-rejected.js';

/** Clock skew allowed on `nbf`/`exp` of presented tokens. */
export const TOKEN_SKEW_S = 300;

export { TokenRejected };

export interface VerifiedToken {
  tenant: Tenant;
  claims: Record<string, unknown> & { tid: string; roles?: string[] };
  /** The calling application (appid / azp). */
  clientAppId: string;
  roles: string[];
}

/**
 * Epoch-ms bounds within which `verify` accepts a token with these (verified) claims, for caches
 * of verified tokens. jose's rule, on whole seconds of the clock: `nbf <= now + skew` and
 * `exp > now - skew`.
 */
export function acceptanceWindowMs(claims: Record<string, unknown>): { notBefore: number; notAfter: number } | undefined {
  if (typeof claims.exp !== 'number') return undefined;
  const notBefore = typeof claims.nbf === 'number' ? Math.ceil(claims.nbf - TOKEN_SKEW_S) * 1000 : -Infinity;
  return { notBefore, notAfter: Math.ceil(claims.exp + TOKEN_SKEW_S) * 1000 - 1 };
}

/**
 * Verifies bearer tokens for Appwarden's resource servers (management and Cloud Apps API) with
 * jose: RS256 only, strict compact syntax, `kid` required and found among the keys of the tenant
 * named by `tid`, `iss` exactly that tenant's v1 or v2 issuer, `aud` in the accepted list,
 * `exp` required, `nbf`/`exp`/`iat` numeric when present and within the skew of the clock.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly tenants: TenantService,
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    private readonly origin: () => string,
  ) {}

  async verify(token: string, audiences: readonly string[]): Promise<VerifiedToken> {
    let tenant: Tenant | undefined;
    let claims: Record<string, unknown>;
    const origin = this.origin();
    try {
      ({ payload: claims } = await verifyJwt(
        token,
        async ({ header, payload }) => {
          if (typeof header.kid !== 'string') throw new TokenRejected('kid is missing');
          const tid = payload.tid;
          if (typeof tid !== 'string' || !GUID_RE.test(tid)) throw new TokenRejected('tid is missing or not a GUID');
          tenant = await this.tenants.getById(tid);
          if (!tenant) throw new TokenRejected('unknown tenant');
          const key = await this.keys.byKid(tenant.id, header.kid);
          if (!key) throw new TokenRejected('unknown kid');
          return key.publicKey;
        },
        {
          algorithms: ['RS256'],
          // Read after the key is resolved: the issuers of the tenant the token names, exactly.
          issuer: () => [v1Issuer(origin, tenant!.id), v2Issuer(origin, tenant!.id)],
          requiredClaims: ['exp'],
          clock: this.clock,
          skewSeconds: TOKEN_SKEW_S,
        },
      ));
    } catch (e) {
      if (e instanceof JwtRejected) throw new TokenRejected(`${e.reason}: ${e.message}`);
      throw e;
    }
    const aud = claims.aud;
    // v1 tokens carry the resource as the client spelt it (case, trailing slash), as Entra's do.
    const audOk = typeof aud === 'string' && audiences.some((a) => a.toLowerCase() === aud.toLowerCase().replace(/\/+$/, ''));
    if (!audOk) throw new TokenRejected('audience mismatch');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const clientAppId = String(claims.appid ?? claims.azp ?? '');
    return { tenant: tenant!, claims: claims as VerifiedToken['claims'], clientAppId, roles };
  }
}
