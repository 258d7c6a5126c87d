import { createRemoteJWKSet, customFetch, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import { fetchTrusting, httpsRequest } from './https-client.js';

export interface VerifyOptions {
  /** Appwarden's origin, e.g. https://localhost:8443. */
  url: string;
  ca: string;
  /** Tenant path segment used for discovery (GUID or domain). */
  tenant: string;
  audience: string;
}

/**
 * Verifies an access token as an independent resource server would (reference §7): read the
 * tenant's OpenID configuration of the token's version, fetch the JWKS named by its `jwks_uri`,
 * check signature (RS256), `iss` against the document's issuer, `aud`, `exp` and `nbf` — with jose.
 */
export async function verifyWithDiscovery(token: string, options: VerifyOptions): Promise<JWTPayload> {
  const version = decodeJwt(token).ver;
  const configPath =
    version === '2.0' ? `/${options.tenant}/v2.0/.well-known/openid-configuration` : `/${options.tenant}/.well-known/openid-configuration`;
  const res = await httpsRequest(options.url + configPath, { ca: options.ca });
  if (res.status !== 200) throw new Error(`discovery ${configPath}: ${res.status}`);
  const metadata = res.json<{ issuer: string; jwks_uri: string }>();
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri), { [customFetch]: fetchTrusting(options.ca) });
  const { payload } = await jwtVerify(token, jwks, {
    issuer: metadata.issuer,
    audience: options.audience,
    algorithms: ['RS256'],
    requiredClaims: ['exp', 'nbf', 'iat', 'tid', 'oid', 'sub'],
  });
  return payload;
}
