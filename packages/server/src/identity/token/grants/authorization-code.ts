import crypto from 'node:crypto';
import { EntraError } from '../../../http/errors.js';
import type { AuthorizationCodeRow } from '../../../store/user-context-schema.js';
import type { Grant, GrantContext, GrantServices, TokenResponse } from '../grant.js';
import type { TokenRequest } from '../token-request.js';
import { issueUserTokens } from '../user-tokens.js';
import { parseUserScopes, parseV1UserScopes } from '../user-scopes.js';
import { loadSignedInUser } from './user-grant-checks.js';

const codeRow = (services: GrantServices, code: string) =>
  services.stores.userContext.authorizationCodes.get(services.master.hashSecret(code));

/** S256: BASE64URL(SHA256(verifier)) compared in constant time. */
function pkceMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(crypto.createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && crypto.timingSafeEqual(computed, expected);
}

function requireParameter(request: TokenRequest, name: string): string {
  const v = request.form[name];
  if (v === undefined || v === '') throw new EntraError('missingParameter', { name });
  return v;
}

/**
 * The authorization code grant (RFC 6749 §4.1 with PKCE, S256 only): one-time codes bound to
 * client, tenant, redirect URI and challenge; SPA codes only cross-origin, others never.
 */
export const authorizationCodeGrant: Grant = {
  grantType: 'authorization_code',
  parameters: { v1: ['code', 'redirect_uri'], v2: ['code', 'redirect_uri', 'code_verifier (PKCE)'] },

  requestedResource(ctx) {
    requireParameter(ctx.request, 'code');
    const { form, endpoint } = ctx.request;
    return endpoint === 2 ? parseUserScopes(form.scope).resource : parseV1UserScopes(form.resource, form.scope).resource;
  },

  async tenantOnAlias({ request, services }) {
    return (await codeRow(services, request.form.code ?? ''))?.tenant_id;
  },

  async clientKind({ request, services }) {
    const row = await codeRow(services, request.form.code ?? '');
    if (!row) return 'either';
    return row.redirect_type === 'web' ? 'confidential' : 'public';
  },

  async handler(ctx: GrantContext): Promise<TokenResponse> {
    const { request, services, tenant, client } = ctx;
    const now = services.clock.now();
    const row: AuthorizationCodeRow | undefined = await codeRow(services, request.form.code!);
    if (!row) throw new EntraError('invalidCode');
    if (row.tenant_id !== tenant.id) throw new EntraError('codeForAnotherTenant');
    if (row.client_app_id !== client.app.appId) throw new EntraError('codeForAnotherClient', { clientId: client.app.appId });
    if (row.redeemed_at !== null) throw new EntraError('codeRedeemed');
    if (now >= row.expires_at) throw new EntraError('codeExpired');
    const redirectUri = request.form.redirect_uri;
    if (redirectUri === undefined || redirectUri === '') throw new EntraError('missingParameter', { name: 'redirect_uri' });
    if (redirectUri !== row.redirect_uri) throw new EntraError('codeRedirectMismatch');
    if (row.redirect_type === 'spa' && !request.requestOrigin) throw new EntraError('spaRequiresCrossOrigin');
    if (row.redirect_type !== 'spa' && request.requestOrigin)
      throw new EntraError('crossOriginOnlyForSpa', { origin: request.requestOrigin });
    if (row.code_challenge !== null) {
      const verifier = request.form.code_verifier;
      if (!verifier) throw new EntraError('pkceVerifierMissing');
      if (!pkceMatches(verifier, row.code_challenge)) throw new EntraError('pkceMismatch');
    }
    // Two redemptions racing: only one marks the code.
    if (!(await services.stores.userContext.authorizationCodes.redeem(row.code_hash, now))) throw new EntraError('codeRedeemed');
    const user = await loadSignedInUser(services, row.user_id, tenant.id);
    const asked =
      request.endpoint === 2
        ? parseUserScopes(request.form.scope && request.form.scope.trim() !== '' ? request.form.scope : row.scope)
        : parseV1UserScopes(request.form.resource, row.scope);
    // OIDC scopes come from the authorize leg: that is what the user agreed to.
    const fromCode = parseUserScopes(row.scope).oidc;
    for (const o of fromCode) asked.oidc.add(o);
    return issueUserTokens(ctx, {
      user,
      scopes: asked,
      authTime: row.auth_time,
      nonce: row.nonce,
      spa: row.redirect_type === 'spa',
      amr: ['pwd'],
    });
  },
};
