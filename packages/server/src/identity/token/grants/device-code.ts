import { EntraError } from '../../../http/errors.js';
import { isPublicClientCapable } from '../../sign-in/redirect-uris.js';
import type { Grant, GrantContext, TokenResponse } from '../grant.js';
import { issueUserTokens } from '../user-tokens.js';
import { parseUserScopes } from '../user-scopes.js';
import { loadSignedInUser } from './user-grant-checks.js';

export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * Device code polling (RFC 8628 §3.4): `authorization_pending` until the user approves on the
 * device login page, then tokens once. Never `slow_down`: msal-node aborts on it (reference §5.2).
 */
export const deviceCodeGrant: Grant = {
  grantType: DEVICE_CODE_GRANT_TYPE,
  aliases: ['device_code'],
  parameters: { v1: ['device_code'], v2: ['device_code'] },

  requestedResource(ctx) {
    const code = ctx.request.form.device_code ?? ctx.request.form.code;
    if (code === undefined || code === '') throw new EntraError('missingParameter', { name: 'device_code' });
    return '';
  },

  async tenantOnAlias({ request, services }) {
    const code = request.form.device_code ?? request.form.code ?? '';
    return (await services.stores.userContext.deviceCodes.getByDeviceCode(services.master.hashSecret(code)))?.tenant_id;
  },

  async clientKind({ client }) {
    return isPublicClientCapable(client.app) ? 'either' : 'confidential';
  },

  async handler(ctx: GrantContext): Promise<TokenResponse> {
    const { request, services, tenant, client } = ctx;
    const hash = services.master.hashSecret(request.form.device_code ?? request.form.code!);
    const row = await services.stores.userContext.deviceCodes.getByDeviceCode(hash);
    if (!row || row.tenant_id !== tenant.id || row.client_app_id !== client.app.appId) throw new EntraError('badVerificationCode');
    if (services.clock.now() >= row.expires_at) throw new EntraError('deviceCodeExpired');
    if (row.status === 'pending') throw new EntraError('authorizationPending');
    if (row.status === 'declined') throw new EntraError('authorizationDeclined');
    if (row.status === 'redeemed' || !(await services.stores.userContext.deviceCodes.transition(hash, 'approved', 'redeemed'))) {
      throw new EntraError('deviceCodeUsed');
    }
    const user = await loadSignedInUser(services, row.user_id!, tenant.id);
    const scopes = parseUserScopes(row.scope);
    if (request.endpoint === 1) scopes.oidc.add('openid');
    return issueUserTokens(ctx, { user, scopes, authTime: row.auth_time ?? services.clock.now(), spa: false, amr: ['pwd'] });
  },
};
