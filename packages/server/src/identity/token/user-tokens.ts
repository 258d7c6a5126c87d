import crypto from 'node:crypto';
import { EntraError } from '../../http/errors.js';
import type { RefreshTokenRow } from '../../store/user-context-schema.js';
import { scopesOfResource } from '../users/permission-grant-service.js';
import type { User } from '../users/user-model.js';
import { signJwt } from '../jwt.js';
import { v1Issuer, v2Issuer } from './access-token.js';
import type { GrantContext, TokenResponse } from './grant.js';
import type { RequestedScopes } from './user-scopes.js';

/** Refresh tokens live 90 days of inactivity; those issued to SPA redirect URIs 24 hours, fixed (reference §4). */
export const REFRESH_TOKEN_LIFETIME_MS = 90 * 86400_000;
export const SPA_REFRESH_TOKEN_LIFETIME_MS = 86400_000;

/** How the user signed in, and what the refresh token (if any) carries forward. */
export interface UserSignIn {
  user: User;
  scopes: RequestedScopes;
  /** Epoch ms of the interactive authentication. */
  authTime: number;
  nonce?: string | null;
  /** The tokens are for a `spa` redirect URI: fixed refresh-token lifetime, CORS. */
  spa: boolean;
  /** A refreshed token keeps its family's fixed SPA expiry. */
  refreshExpiresAt?: number;
  amr: string[];
}

/** Pairwise subject: stable per user and application, different across applications (as Entra's `sub`). */
const pairwiseSub = (userId: string, appId: string) =>
  crypto.createHash('sha256').update(`${userId}|${appId}`).digest('base64url').slice(0, 43);

const clientInfo = (user: User) => Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');

/** A new opaque refresh token, stored only as its keyed hash. */
async function issueRefreshToken(ctx: GrantContext, s: UserSignIn, scope: string): Promise<{ token: string; row: RefreshTokenRow }> {
  const token = `1.AW${crypto.randomBytes(48).toString('base64url')}`;
  const now = ctx.services.clock.now();
  const row: RefreshTokenRow = {
    token_hash: ctx.services.master.hashSecret(token),
    tenant_id: ctx.tenant.id,
    client_app_id: ctx.client.app.appId,
    user_id: s.user.id,
    scope,
    spa: s.spa ? 1 : 0,
    auth_time: s.authTime,
    created_at: now,
    expires_at: s.refreshExpiresAt ?? now + (s.spa ? SPA_REFRESH_TOKEN_LIFETIME_MS : REFRESH_TOKEN_LIFETIME_MS),
    used_at: null,
  };
  await ctx.services.stores.userContext.refreshTokens.insert(row);
  return { token, row };
}

/**
 * Issues the tokens of a user flow: a delegated access token for the one resource asked for
 * (`scp` = the asked permissions that are consented, or every consented one for `.default`), an
 * ID token with `openid`, a refresh token with `offline_access` (always on v1), and `client_info`.
 */
export async function issueUserTokens(ctx: GrantContext, s: UserSignIn): Promise<TokenResponse> {
  const { services, tenant, client, config } = ctx;
  const v2Endpoint = ctx.request.endpoint === 2;
  const found = await services.servicePrincipals.findResource(tenant.id, s.scopes.resource);
  if (!found) throw new EntraError('resourceNotFound', { resource: s.scopes.resource, tenantName: tenant.domain });
  const { sp: resourceSp, app: resourceApp } = found;
  if (resourceSp.account_enabled !== 1) throw new EntraError('resourceDisabled', { resource: s.scopes.resource });

  const catalog = scopesOfResource(resourceApp);
  const granted = await services.permissionGrants.grantedScopes(tenant.id, client.servicePrincipal.id, resourceSp.id, s.user.id);
  const notConsented = () => new EntraError('scopeNotConsented', { clientId: client.app.appId, displayName: client.app.displayName });
  let scp: string[];
  if (s.scopes.permissions.some((p) => p.toLowerCase() === '.default')) {
    scp = catalog
      .filter((c) => granted.has(c.value) && !['openid', 'profile', 'email', 'offline_access'].includes(c.value))
      .map((c) => c.value);
  } else {
    scp = s.scopes.permissions.map((p) => {
      const known = catalog.find((c) => c.value.toLowerCase() === p.toLowerCase());
      if (!known) throw new EntraError('scopeUnknown', { scope: p });
      if (!granted.has(known.value)) throw notConsented();
      return known.value;
    });
  }
  if (scp.length === 0) throw notConsented();
  const wids = await services.directoryRoles.roleTemplateIdsOf(tenant.id, s.user.id);

  const version = resourceApp.api.requestedAccessTokenVersion === 2 ? 2 : 1;
  const audience = version === 2 ? resourceApp.appId : s.scopes.resource;
  const nowS = Math.floor(services.clock.now() / 1000);
  const iat = nowS - config.tokenBackdateSeconds;
  const exp = nowS + config.tokenLifetimeSeconds;
  const key = await services.signingKeys.signingKey(tenant.id);
  const acr = client.authMethod as string;
  const uti = crypto.randomBytes(16).toString('base64url');
  const aio = crypto.randomBytes(42).toString('base64');
  const common = {
    aud: audience,
    iat,
    nbf: iat,
    exp,
    aio,
    ...(s.user.surname ? { family_name: s.user.surname } : {}),
    ...(s.user.givenName ? { given_name: s.user.givenName } : {}),
    idtyp: 'user',
    name: s.user.displayName,
    oid: s.user.id,
    scp: scp.join(' '),
    sub: pairwiseSub(s.user.id, resourceApp.appId),
    tid: tenant.id,
    uti,
    wids,
  };
  const accessClaims =
    version === 1
      ? {
          ...common,
          iss: v1Issuer(ctx.request.origin, tenant.id),
          acr: '1',
          amr: s.amr,
          app_displayname: client.app.displayName,
          appid: client.app.appId,
          appidacr: acr,
          unique_name: s.user.userPrincipalName,
          upn: s.user.userPrincipalName,
          ver: '1.0',
        }
      : {
          ...common,
          iss: v2Issuer(ctx.request.origin, tenant.id),
          azp: client.app.appId,
          azpacr: acr,
          preferred_username: s.user.userPrincipalName,
          ver: '2.0',
        };
  // v1 tokens repeat the key id as `x5t`, as Entra's do.
  const accessToken = await signJwt(accessClaims, key, { x5t: version === 1 });

  let idToken: string | undefined;
  if (s.scopes.oidc.has('openid')) {
    const idCommon = {
      aud: client.app.appId,
      iat,
      nbf: iat,
      exp,
      ...(s.nonce ? { nonce: s.nonce } : {}),
      oid: s.user.id,
      sub: pairwiseSub(s.user.id, client.app.appId),
      tid: tenant.id,
    };
    const idClaims = v2Endpoint
      ? {
          ...idCommon,
          iss: v2Issuer(ctx.request.origin, tenant.id),
          ...(s.scopes.oidc.has('profile') ? { name: s.user.displayName, preferred_username: s.user.userPrincipalName } : {}),
          auth_time: Math.floor(s.authTime / 1000),
          uti,
          ver: '2.0',
        }
      : {
          ...idCommon,
          iss: v1Issuer(ctx.request.origin, tenant.id),
          amr: s.amr,
          ...(s.user.surname ? { family_name: s.user.surname } : {}),
          ...(s.user.givenName ? { given_name: s.user.givenName } : {}),
          name: s.user.displayName,
          unique_name: s.user.userPrincipalName,
          upn: s.user.userPrincipalName,
          ver: '1.0',
        };
    idToken = await signJwt(idClaims, key);
  }

  const wantsRefresh = s.scopes.oidc.has('offline_access') || !v2Endpoint;
  const refresh = wantsRefresh ? await issueRefreshToken(ctx, s, s.scopes.raw.join(' ')) : undefined;
  const expiresIn = exp - nowS - 1;
  // The response's scope names the resource as asked, so MSAL's cache finds the token again.
  const prefix =
    s.scopes.resource.toLowerCase() === '00000003-0000-0000-c000-000000000000' && !s.scopes.raw.some((r) => r.includes('/'))
      ? ''
      : `${s.scopes.resource.replace(/\/+$/, '')}/`;
  const responseScope = [
    ...scp.map((x) => `${prefix}${x}`),
    ...(s.scopes.raw.some((r) => r.toLowerCase().endsWith('/.default')) ? [`${prefix}.default`] : []),
    ...[...s.scopes.oidc].filter((o) => o !== 'offline_access'),
  ];
  if (v2Endpoint) {
    return {
      token_type: 'Bearer',
      scope: responseScope.join(' '),
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: accessToken,
      ...(refresh ? { refresh_token: refresh.token } : {}),
      ...(refresh && s.spa
        ? { refresh_token_expires_in: Math.max(0, Math.floor((refresh.row.expires_at - services.clock.now()) / 1000)) }
        : {}),
      ...(idToken ? { id_token: idToken } : {}),
      client_info: clientInfo(s.user),
    };
  }
  return {
    token_type: 'Bearer',
    scope: scp.join(' '),
    expires_in: String(expiresIn),
    ext_expires_in: String(expiresIn),
    expires_on: String(exp),
    not_before: String(iat),
    resource: s.scopes.resource,
    access_token: accessToken,
    ...(refresh ? { refresh_token: refresh.token } : {}),
    ...(idToken ? { id_token: idToken } : {}),
    client_info: clientInfo(s.user),
  };
}
