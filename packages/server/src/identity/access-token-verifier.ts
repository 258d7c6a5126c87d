import crypto from 'node:crypto';
import type { SigningKeyService } from './signing-keys.js';
import { GUID_RE, type TenantService, type Tenant } from './tenant-service.js';
import { v1Issuer, v2Issuer } from './token/access-token.js';
import type { Clock } from '../clock.js';
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
 * Verifies bearer tokens for Appwarden's resource servers (management and Cloud Apps API): RS256
 * only, `kid` required and found among the keys of the tenant named by `tid`, `iss` equal to that
 * tenant's v1 or v2 issuer, `aud` in the accepted list, `nbf`/`exp` within the skew.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly tenants: TenantService,
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
    private readonly origin: () => string,
  ) {}

  async verify(token: string, audiences: readonly string[]): Promise<VerifiedToken> {
    const parts = token.split('.');
    if (parts.length !== 3) throw new TokenRejected('token is not a compact JWS');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new TokenRejected('token header or payload is not base64url JSON');
    }
    if (header.alg !== 'RS256') throw new TokenRejected(`alg ${String(header.alg)} is not accepted`);
    if (typeof header.kid !== 'string') throw new TokenRejected('kid is missing');
    const tid = claims.tid;
    if (typeof tid !== 'string' || !GUID_RE.test(tid)) throw new TokenRejected('tid is missing or not a GUID');
    const tenant = await this.tenants.getById(tid);
    if (!tenant) throw new TokenRejected('unknown tenant');
    const key = await this.keys.byKid(tenant.id, header.kid);
    if (!key) throw new TokenRejected('unknown kid');
    const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) throw new TokenRejected('bad signature');
    const origin = this.origin();
    if (claims.iss !== v1Issuer(origin, tenant.id) && claims.iss !== v2Issuer(origin, tenant.id))
      throw new TokenRejected('issuer mismatch');
    const aud = claims.aud;
    const audOk = typeof aud === 'string' && audiences.some((a) => a.toLowerCase() === aud.toLowerCase().replace(/\/+$/, ''));
    if (!audOk) throw new TokenRejected('audience mismatch');
    const now = Math.floor(this.clock.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp + TOKEN_SKEW_S < now) throw new TokenRejected('token expired');
    if (typeof claims.nbf === 'number' && claims.nbf - TOKEN_SKEW_S > now) throw new TokenRejected('token not yet valid');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    const clientAppId = String(claims.appid ?? claims.azp ?? '');
    return { tenant, claims: claims as VerifiedToken['claims'], clientAppId, roles };
  }
}
