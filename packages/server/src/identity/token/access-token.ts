import crypto from 'node:crypto';
import { signJwt } from '../jwt.js';
import type { SigningKey } from '../signing-keys.js';

export type TokenVersion = 1 | 2;

export interface AccessTokenInput {
  version: TokenVersion;
  origin: string;
  tenantId: string;
  audience: string;
  clientAppId: string;
  /** "1" secret, "2" certificate. */
  clientAuthMethod: '1' | '2';
  clientServicePrincipalId: string;
  roles: string[];
  /** Seconds. */
  now: number;
  lifetimeSeconds: number;
  backdateSeconds: number;
}

export interface IssuedToken {
  accessToken: string;
  iat: number;
  exp: number;
  claims: Record<string, unknown>;
}

export const v1Issuer = (origin: string, tenantId: string) => `${origin}/${tenantId}/`;
export const v2Issuer = (origin: string, tenantId: string) => `${origin}/${tenantId}/v2.0`;

/** Random bytes per token: `uti` (16), then the opaque `aio` (42) and `rh` (24). One draw instead of three. */
const UTI_BYTES = 16;
const AIO_BYTES = 42;
const RH_BYTES = 24;

/**
 * Builds and signs an app-only access token with the claim set of reference/identity-platform.md
 * §3: v1 tokens carry `appid`/`appidacr`/`idp` and the `x5t` header; v2 tokens `azp`/`azpacr`.
 * `roles` is present only when the client holds at least one role on the resource.
 */
export async function issueAccessToken(input: AccessTokenInput, key: SigningKey): Promise<IssuedToken> {
  const iat = input.now - input.backdateSeconds;
  const exp = input.now + input.lifetimeSeconds;
  const random = crypto.randomBytes(UTI_BYTES + AIO_BYTES + RH_BYTES);
  const uti = random.toString('base64url', 0, UTI_BYTES);
  // Opaque claims that real Entra tokens carry; random but well-formed so parsers that expect them work.
  const aio = random.toString('base64', UTI_BYTES, UTI_BYTES + AIO_BYTES);
  const rh = random.toString('base64', UTI_BYTES + AIO_BYTES).replace(/[+/=]/g, 'A');
  let claims: Record<string, unknown>;
  if (input.version === 1) {
    const iss = v1Issuer(input.origin, input.tenantId);
    claims = {
      aud: input.audience,
      iss,
      iat,
      nbf: iat,
      exp,
      aio,
      appid: input.clientAppId,
      appidacr: input.clientAuthMethod,
      idp: iss,
      oid: input.clientServicePrincipalId,
      rh: `0.${rh}.`,
      ...(input.roles.length > 0 ? { roles: input.roles } : {}),
      sub: input.clientServicePrincipalId,
      tid: input.tenantId,
      uti,
      ver: '1.0',
    };
  } else {
    claims = {
      aud: input.audience,
      iss: v2Issuer(input.origin, input.tenantId),
      iat,
      nbf: iat,
      exp,
      aio,
      azp: input.clientAppId,
      azpacr: input.clientAuthMethod,
      oid: input.clientServicePrincipalId,
      rh: `1.${rh}.`,
      ...(input.roles.length > 0 ? { roles: input.roles } : {}),
      sub: input.clientServicePrincipalId,
      tid: input.tenantId,
      uti,
      ver: '2.0',
    };
  }
  // v1 tokens repeat the key id as `x5t` (Entra's header for v1 is {typ, alg, x5t, kid}).
  const accessToken = await signJwt(claims, key, { x5t: input.version === 1 });
  return { accessToken, iat, exp, claims };
}
