import { AuthenticationError, type AccessToken, type FetchLike, type TokenCredential } from '@appwarden/sdk';
import { readConfig, writeConfig, type SignedInAccount } from './profiles.js';
import { expiresOn, OAuthError, postForm } from './token-endpoint.js';

// The token source of every server-facing command when the user signed in with `appwarden login`
// and gave no client credentials: the cached access token of the scope, else a refresh_token
// grant for that scope (the refresh token of one sign-in serves every resource the client has
// consent for, as Entra's do); the rotated refresh token is written back at once.

/** Renew this long before expiry, as MSAL does. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class SignedInUserCredential implements TokenCredential {
  constructor(
    private readonly key: string,
    private readonly fetchImpl: FetchLike,
    private readonly now: () => number = Date.now,
  ) {}

  private account(): SignedInAccount {
    const a = readConfig().accounts?.[this.key];
    if (!a) throw new AuthenticationError('Not signed in: run appwarden login --tenant <tenant>.', undefined, undefined, undefined, []);
    return a;
  }

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
    const cached = this.account().accessTokens[scope];
    if (cached && cached.expiresOn - REFRESH_MARGIN_MS > this.now())
      return { token: cached.accessToken, expiresOnTimestamp: cached.expiresOn };
    const a = this.account();
    const started = this.now();
    let tokens;
    try {
      tokens = await postForm(this.fetchImpl, `${a.authorityHost.replace(/\/+$/, '')}/${a.tenantId}/oauth2/v2.0/token`, {
        grant_type: 'refresh_token',
        client_id: a.clientId,
        refresh_token: a.refreshToken,
        scope: `${scope} offline_access`,
      });
    } catch (e) {
      if (e instanceof OAuthError && e.error === 'invalid_grant') {
        throw new AuthenticationError(
          `The sign-in of ${a.username} is no longer valid (${e.message}). Run appwarden login --tenant ${a.tenant} again.`,
          e.status,
          e.body,
          e.error,
          e.errorCodes,
        );
      }
      throw e;
    }
    if (typeof tokens.access_token !== 'string')
      throw new AuthenticationError('The refresh returned no access token', 200, tokens, undefined, []);
    const token = { accessToken: tokens.access_token, expiresOn: expiresOn(started, tokens.expires_in) };
    // Re-read: another command may have written the file meanwhile.
    const config = readConfig();
    const current = config.accounts?.[this.key];
    if (current) {
      current.accessTokens[scope] = token;
      if (typeof tokens.refresh_token === 'string') current.refreshToken = tokens.refresh_token;
      writeConfig(config);
    }
    return { token: token.accessToken, expiresOnTimestamp: token.expiresOn };
  }
}

/**
 * The signed-in account a command uses: the one whose tenant is `tenant` (id or the name given at
 * login) when given, else the active one (the last signed in); undefined when there is none.
 */
export function signedInAccount(tenant: string | undefined): { key: string; account: SignedInAccount } | undefined {
  const config = readConfig();
  const accounts = config.accounts ?? {};
  if (tenant) {
    const t = tenant.toLowerCase();
    const matches = Object.entries(accounts).filter(([, a]) => a.tenantId === t || a.tenant.toLowerCase() === t);
    const chosen = matches.find(([k]) => k === config.activeAccount) ?? matches[0];
    return chosen ? { key: chosen[0], account: chosen[1] } : undefined;
  }
  const active = config.activeAccount ? accounts[config.activeAccount] : undefined;
  return active ? { key: config.activeAccount!, account: active } : undefined;
}
