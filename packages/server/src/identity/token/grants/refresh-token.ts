import { EntraError } from '../../../http/errors.js';
import { entraTimestamp } from '../../../http/entra-error-renderer.js';
import type { Grant, GrantContext, TokenResponse } from '../grant.js';
import { issueUserTokens } from '../user-tokens.js';
import { parseUserScopes, parseV1UserScopes } from '../user-scopes.js';
import { loadSignedInUser } from './user-grant-checks.js';

const duration = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 86400)}.${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * The refresh token grant: opaque tokens bound to client and user, single use (each use returns
 * a new one), revoked by password reset, user deletion or revokeSignInSessions. The scope may
 * name any resource the user and client have consent for.
 */

/** How long a used refresh token may be redeemed again (concurrent refreshes of one client). */
export const REFRESH_TOKEN_REUSE_GRACE_MS = 60_000;
export const refreshTokenGrant: Grant = {
  grantType: 'refresh_token',
  parameters: { v1: ['refresh_token'], v2: ['refresh_token', 'scope'] },

  requestedResource(ctx) {
    const { form, endpoint } = ctx.request;
    if (form.refresh_token === undefined || form.refresh_token === '') throw new EntraError('missingParameter', { name: 'refresh_token' });
    return endpoint === 2 ? parseUserScopes(form.scope).resource : parseV1UserScopes(form.resource, form.scope).resource;
  },

  async tenantOnAlias({ request, services }) {
    return (await services.stores.userContext.refreshTokens.get(services.master.hashSecret(request.form.refresh_token ?? '')))?.tenant_id;
  },

  async clientKind({ request, services }) {
    const row = await services.stores.userContext.refreshTokens.get(services.master.hashSecret(request.form.refresh_token ?? ''));
    if (!row) return 'either';
    // A token issued without a client credential is refreshed without one.
    return row.spa === 1 ? 'public' : 'either';
  },

  async handler(ctx: GrantContext): Promise<TokenResponse> {
    const { request, services, tenant, client } = ctx;
    const now = services.clock.now();
    const hash = services.master.hashSecret(request.form.refresh_token!);
    const row = await services.stores.userContext.refreshTokens.get(hash);
    if (!row || row.tenant_id !== tenant.id) throw new EntraError('invalidRefreshToken');
    if (row.client_app_id !== client.app.appId) throw new EntraError('refreshTokenOtherClient');
    // Rotation with a grace period: a client that refreshes from two places at once (two tabs, two
    // concurrent API calls) redeems the same token twice within moments; Entra keeps a used token
    // valid, so a second redemption inside the grace succeeds and a later one is refused.
    const reused = row.used_at !== null;
    if (reused && now - row.used_at! > REFRESH_TOKEN_REUSE_GRACE_MS) throw new EntraError('refreshTokenRotated');
    const user = await loadSignedInUser(services, row.user_id, tenant.id);
    if (row.created_at < user.tokensValidFrom) {
      throw new EntraError('refreshTokenRevoked', {
        issued: entraTimestamp(row.created_at),
        validFrom: entraTimestamp(user.tokensValidFrom),
      });
    }
    if (now >= row.expires_at) {
      if (row.spa === 1) throw new EntraError('spaRefreshTokenExpired', { issued: entraTimestamp(row.created_at) });
      throw new EntraError('refreshTokenExpired', { issued: entraTimestamp(row.created_at), inactive: duration(now - row.created_at) });
    }
    if (row.spa === 1 && !request.requestOrigin) throw new EntraError('spaRequiresCrossOrigin');
    // A concurrent redemption that marked it first is inside the grace by definition.
    if (!reused) await services.stores.userContext.refreshTokens.markUsed(hash, now);
    const asked =
      request.endpoint === 2
        ? parseUserScopes(request.form.scope && request.form.scope.trim() !== '' ? request.form.scope : row.scope)
        : parseV1UserScopes(request.form.resource, request.form.scope);
    // A refresh keeps the refresh token coming even when the new scope omits offline_access.
    asked.oidc.add('offline_access');
    return issueUserTokens(ctx, {
      user,
      scopes: asked,
      authTime: row.auth_time,
      spa: row.spa === 1,
      ...(row.spa === 1 ? { refreshExpiresAt: row.expires_at } : {}),
      amr: ['pwd'],
    });
  },
};
