import { AuthenticationError, type FetchLike } from '@appwarden/sdk';

// The two public-client requests of `appwarden login` and of the signed-in user's refreshes, on
// the v2 endpoints (Entra's and Appwarden's alike): no client secret, the client id only.

/** A token endpoint answer with an OAuth error (`authorization_pending`, `invalid_grant`, ...). */
export class OAuthError extends AuthenticationError {}

export interface TokenEndpointResponse {
  access_token?: string;
  refresh_token?: string;
  id_token?: string;
  expires_in?: number | string;
  scope?: string;
  [k: string]: unknown;
}

/** POSTs a form; resolves to the JSON answer of a 2xx, throws OAuthError with the error code otherwise. */
export async function postForm(fetchImpl: FetchLike, url: string, form: Record<string, string>): Promise<TokenEndpointResponse> {
  const res = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // reported below with the start of the body
  }
  if (!res.ok || typeof json.error === 'string') {
    const description = typeof json.error_description === 'string' ? json.error_description.split(/\r?\n/)[0] : text.slice(0, 200);
    throw new OAuthError(
      `${url} → ${res.status}: ${description}`,
      res.status,
      json,
      typeof json.error === 'string' ? json.error : undefined,
      Array.isArray(json.error_codes) ? (json.error_codes as number[]) : [],
    );
  }
  return json as TokenEndpointResponse;
}

/** expires_in (a number on v2, a string on v1) as milliseconds after `started`. */
export function expiresOn(started: number, expiresIn: unknown): number {
  const s = Number(expiresIn);
  return started + (Number.isFinite(s) && s > 0 ? s : 3599) * 1000;
}
