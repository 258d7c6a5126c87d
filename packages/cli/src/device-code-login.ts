import { AuthenticationError, decodeJwt, type FetchLike } from '@appwarden/sdk';
import { expiresOn, OAuthError, postForm, type TokenEndpointResponse } from './token-endpoint.js';

// The device authorization grant (RFC 8628) as the Azure CLI runs it: ask for a code, show the
// server's message (URL + code), poll the token endpoint at the given interval until the user has
// approved, declined, or the code has expired.

export interface DeviceCodeLoginOptions {
  authorityHost: string;
  tenant: string;
  clientId: string;
  /** The scope of the first access token (offline_access and openid are added). */
  scope: string;
  fetch: FetchLike;
  /** Where the "To sign in, ..." message goes (stderr: stdout stays for data). */
  show(message: string): void;
  /** Waits between polls; injectable so that callers can observe it. */
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface DeviceCodeLoginResult {
  username: string;
  tenantId: string;
  accessToken: string;
  expiresOn: number;
  refreshToken: string;
}

interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri?: string;
  verification_url?: string;
  expires_in: number | string;
  interval?: number | string;
  message?: string;
}

const defaultWait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function deviceCodeLogin(o: DeviceCodeLoginOptions): Promise<DeviceCodeLoginResult> {
  const now = o.now ?? Date.now;
  const wait = o.wait ?? defaultWait;
  const base = `${o.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(o.tenant)}/oauth2/v2.0`;
  const scope = `${o.scope} offline_access openid profile`;
  const auth = (await postForm(o.fetch, `${base}/devicecode`, { client_id: o.clientId, scope })) as unknown as DeviceAuthorization;
  const uri = auth.verification_uri ?? auth.verification_url;
  o.show(auth.message ?? `To sign in, use a web browser to open the page ${uri} and enter the code ${auth.user_code} to authenticate.`);
  let interval = Number(auth.interval ?? 5) * 1000;
  const deadline = now() + Number(auth.expires_in) * 1000;
  for (;;) {
    await wait(interval);
    const started = now();
    let tokens: TokenEndpointResponse;
    try {
      tokens = await postForm(o.fetch, `${base}/token`, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: o.clientId,
        device_code: auth.device_code,
      });
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      if (e.error === 'authorization_pending') {
        if (now() < deadline) continue;
        throw new AuthenticationError(
          'The code expired before the sign-in was completed. Run appwarden login again.',
          e.status,
          e.body,
          'expired_token',
          [],
        );
      }
      if (e.error === 'slow_down') {
        interval += 5000;
        continue;
      }
      if (e.error === 'expired_token' || e.error === 'code_expired') {
        throw new AuthenticationError(
          'The code expired before the sign-in was completed. Run appwarden login again.',
          e.status,
          e.body,
          e.error,
          e.errorCodes,
        );
      }
      if (e.error === 'authorization_declined') {
        throw new AuthenticationError('The sign-in was declined on the device login page.', e.status, e.body, e.error, e.errorCodes);
      }
      throw e;
    }
    return toResult(tokens, started);
  }
}

/** The user and tenant from the ID token (preferred_username, tid), and the tokens. */
export function toResult(tokens: TokenEndpointResponse, started: number): DeviceCodeLoginResult {
  if (typeof tokens.access_token !== 'string' || typeof tokens.refresh_token !== 'string') {
    throw new AuthenticationError(
      'The token endpoint returned no access and refresh token (was offline_access refused?)',
      200,
      tokens,
      undefined,
      [],
    );
  }
  const claims = decodeJwt(typeof tokens.id_token === 'string' ? tokens.id_token : tokens.access_token).payload;
  const username = String(claims.preferred_username ?? claims.upn ?? claims.unique_name ?? claims.oid ?? '');
  const tenantId = String(claims.tid ?? '');
  if (!username || !tenantId) throw new AuthenticationError('The tokens name no user or tenant', 200, undefined, undefined, []);
  return {
    username,
    tenantId,
    accessToken: tokens.access_token,
    expiresOn: expiresOn(started, tokens.expires_in),
    refreshToken: tokens.refresh_token,
  };
}
