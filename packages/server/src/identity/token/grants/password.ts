import { EntraError } from '../../../http/errors.js';
import { checkUserCredentials } from '../../sign-in/credential-check.js';
import { isPublicClientCapable } from '../../sign-in/redirect-uris.js';
import type { Grant, GrantContext, TokenResponse } from '../grant.js';
import { issueUserTokens } from '../user-tokens.js';
import { parseUserScopes, parseV1UserScopes } from '../user-scopes.js';

/**
 * Resource owner password credentials (`grant_type=password`): Entra still supports it for
 * users without MFA, and test suites (and the MDCA user-context sample) use it.
 */
export const passwordGrant: Grant = {
  grantType: 'password',
  parameters: { v1: ['username', 'password', 'resource'], v2: ['username', 'password', 'scope'] },

  requestedResource(ctx) {
    const { form, endpoint } = ctx.request;
    for (const name of ['username', 'password']) {
      if (form[name] === undefined || form[name] === '') throw new EntraError('missingParameter', { name });
    }
    if (endpoint === 2 && (form.scope === undefined || form.scope.trim() === ''))
      throw new EntraError('missingParameter', { name: 'scope' });
    return endpoint === 2 ? parseUserScopes(form.scope).resource : parseV1UserScopes(form.resource, form.scope).resource;
  },

  async tenantOnAlias({ request, services }) {
    return (await services.users.findBySignInName(request.form.username ?? ''))?.tenantId;
  },

  async clientKind({ client }) {
    return isPublicClientCapable(client.app) ? 'either' : 'confidential';
  },

  async handler(ctx: GrantContext): Promise<TokenResponse> {
    const { request, services, tenant } = ctx;
    const user = await checkUserCredentials(services, tenant, request.form.username!, request.form.password!, request.sourceAddress);
    const scopes =
      request.endpoint === 2 ? parseUserScopes(request.form.scope) : parseV1UserScopes(request.form.resource, request.form.scope);
    return issueUserTokens(ctx, { user, scopes, authTime: services.clock.now(), spa: false, amr: ['pwd'] });
  },
};
