import { EntraError } from '../../../http/errors.js';
import type { Grant, GrantContext, TokenResponse } from '../grant.js';
import { issueAccessToken } from '../access-token.js';

/** The resource named by v2 scopes: everything before the last `/` of `<resource>/.default`. */
export function resourceFromScope(scope: string): string {
  const scopes = scope.split(/\s+/).filter(Boolean);
  if (scopes.length === 0) throw new EntraError('missingParameter', { name: 'scope' });
  let resource: string | undefined;
  for (const s of scopes) {
    const slash = s.lastIndexOf('/');
    // A bare permission name or a delegated-style scope is the classic mistake (AADSTS1002012).
    if (slash < 0 || s.slice(slash + 1).toLowerCase() !== '.default') throw new EntraError('scopeWithoutDefault', { scope });
    const r = s.slice(0, slash);
    if (r === '') throw new EntraError('scopeInvalid', { scope: s });
    if (resource !== undefined && resource.replace(/\/+$/, '').toLowerCase() !== r.replace(/\/+$/, '').toLowerCase()) {
      throw new EntraError('scopeMultipleResources', { scope });
    }
    resource ??= r;
  }
  return resource!;
}

/** OAuth 2.0 client credentials: app-only tokens carrying the roles granted by admin consent. */
export const clientCredentialsGrant: Grant = {
  grantType: 'client_credentials',
  parameters: { v1: ['resource'], v2: ['scope'] },

  requestedResource(ctx) {
    const { form, endpoint } = ctx.request;
    if (endpoint === 2) {
      if (form.resource !== undefined && form.resource !== '') throw new EntraError('resourceNotSupportedOnV2');
      if (form.scope === undefined || form.scope.trim() === '') throw new EntraError('missingParameter', { name: 'scope' });
      return resourceFromScope(form.scope);
    }
    if (form.resource === undefined || form.resource.trim() === '') throw new EntraError('resourceMissing');
    return form.resource.trim();
  },

  async handler(ctx: GrantContext): Promise<TokenResponse> {
    const { services, tenant, client, config } = ctx;
    const requested = ctx.requestedResource;
    const found = await services.directoryCache.get(`resource ${tenant.id} ${requested}`, () =>
      services.servicePrincipals.findResource(tenant.id, requested),
    );
    if (!found) throw new EntraError('resourceNotFound', { resource: requested, tenantName: tenant.domain });
    const { sp: resourceSp, app: resourceApp } = found;
    if (resourceSp.account_enabled !== 1) throw new EntraError('resourceDisabled', { resource: requested });

    const roleIds = await services.directoryCache.get(`roles ${client.servicePrincipal.id} ${resourceSp.id}`, () =>
      services.stores.assignments.roleIds(client.servicePrincipal.id, resourceSp.id),
    );
    if (resourceSp.app_role_assignment_required === 1 && roleIds.length === 0) {
      throw new EntraError('notAssignedToRole', {
        clientId: client.app.appId,
        displayName: client.app.displayName,
        resource: resourceApp.appId,
        resourceName: resourceApp.displayName,
      });
    }
    // Disabled roles still appear while assigned (Entra does the same); unknown ids never do.
    const roles = resourceApp.appRoles.filter((r) => roleIds.includes(r.id)).map((r) => r.value);

    const version = resourceApp.api.requestedAccessTokenVersion === 2 ? 2 : 1;
    const audience = version === 2 ? resourceApp.appId : requested;
    const nowS = Math.floor(services.clock.now() / 1000);
    const key = await services.signingKeys.signingKey(tenant.id);
    const token = await issueAccessToken(
      {
        version,
        origin: ctx.request.origin,
        tenantId: tenant.id,
        audience,
        clientAppId: client.app.appId,
        // Client credentials always authenticate the client, so the method is never "0".
        clientAuthMethod: client.authMethod as '1' | '2',
        clientServicePrincipalId: client.servicePrincipal.id,
        roles,
        now: nowS,
        lifetimeSeconds: config.tokenLifetimeSeconds,
        backdateSeconds: config.tokenBackdateSeconds,
      },
      key,
    );
    const expiresIn = token.exp - nowS - 1;
    if (ctx.request.endpoint === 2) {
      return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token.accessToken };
    }
    // v1 answers with strings, and echoes the resource exactly as sent.
    return {
      token_type: 'Bearer',
      expires_in: String(expiresIn),
      ext_expires_in: String(expiresIn),
      expires_on: String(token.exp),
      not_before: String(token.iat),
      resource: ctx.request.form.resource ?? requested,
      access_token: token.accessToken,
    };
  },
};
