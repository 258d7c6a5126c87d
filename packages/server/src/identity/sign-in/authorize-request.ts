import { AppError, EntraError } from '../../http/errors.js';
import type { Application } from '../application-model.js';
import { MULTI_TENANT_ALIASES, type Tenant } from '../tenant-service.js';
import type { Services } from '../../wiring.js';
import { matchRedirectUri, normaliseRedirectUri, type RedirectType } from './redirect-uris.js';

/** What an authorize request asked for, validated; sealed into the sign-in forms. */
export interface AuthorizeRequest {
  v: 1 | 2;
  tenant: string;
  clientId: string;
  redirectUri: string;
  redirectType: RedirectType;
  responseMode: 'query' | 'fragment' | 'form_post';
  /** v2 scopes; on v1 the OIDC scopes plus `<resource>/.default`. */
  scope: string;
  state?: string;
  nonce?: string;
  prompt?: string;
  loginHint?: string;
  codeChallenge?: string;
}

/**
 * An Entra error that the authorize endpoint answers in the browser rather than as JSON: its
 * code, status and messages are the Entra error's (authorize-routes.ts renders it).
 */
abstract class BrowserEntraError extends AppError {
  constructor(readonly entra: EntraError) {
    super(entra.code, entra.status, entra.publicMessage, entra.detail, entra.headers);
  }
}

/** An error shown on Entra's error page: the redirect URI cannot be trusted. */
export class PageError extends BrowserEntraError {}

/** An error returned to the (validated) redirect URI. */
export class RedirectError extends BrowserEntraError {
  constructor(
    entra: EntraError,
    readonly request: AuthorizeRequest,
  ) {
    super(entra);
  }
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Validates an authorize request in Entra's order: tenant and client and redirect URI first (errors
 * on a page, never redirected), then the rest (errors sent to the redirect URI).
 */
export async function validateAuthorizeRequest(
  services: Services,
  v: 1 | 2,
  tenantSegment: string,
  q: Record<string, string>,
): Promise<{ request: AuthorizeRequest; client: Application; tenant?: Tenant }> {
  const seg = tenantSegment.toLowerCase();
  let tenant: Tenant | undefined;
  if (!MULTI_TENANT_ALIASES.has(seg)) {
    tenant = await services.tenants.find(seg);
    if (!tenant) throw new PageError(new EntraError('tenantNotFound', { tenant: tenantSegment }));
  } else if (seg === 'consumers') {
    throw new PageError(new EntraError('noTenantIdentifyingInformation'));
  }
  const clientId = (q.client_id ?? '').toLowerCase();
  if (!clientId) throw new PageError(new EntraError('missingRequestParameter', { name: 'client_id' }));
  const client = await services.applications.findAnyByAppId(clientId);
  if (!client || client.builtIn) {
    throw new PageError(new EntraError('applicationNotFound', { clientId, tenantName: tenant?.displayName ?? seg }));
  }
  const rawRedirect = q.redirect_uri ?? '';
  if (!rawRedirect) throw new PageError(new EntraError('missingRequestParameter', { name: 'redirect_uri' }));
  const redirectType = matchRedirectUri(client, rawRedirect, services.origin.value);
  if (!redirectType) throw new PageError(new EntraError('redirectUriMismatch', { redirectUri: rawRedirect, clientId }));
  const responseMode = (q.response_mode ?? 'query') as AuthorizeRequest['responseMode'];
  const base: AuthorizeRequest = {
    v,
    tenant: seg,
    clientId,
    redirectUri: rawRedirect,
    redirectType,
    responseMode: ['query', 'fragment', 'form_post'].includes(responseMode) ? responseMode : 'query',
    scope: '',
    ...(q.state !== undefined ? { state: q.state } : {}),
    ...(q.nonce ? { nonce: q.nonce } : {}),
    ...(q.prompt ? { prompt: q.prompt.toLowerCase() } : {}),
    ...(q.login_hint ? { loginHint: q.login_hint } : {}),
  };
  const fail = (key: ConstructorParameters<typeof EntraError>[0], values: Record<string, string> = {}) =>
    new RedirectError(new EntraError(key, values), base);
  if (!['query', 'fragment', 'form_post'].includes(responseMode)) throw fail('unsupportedResponseMode');
  const responseType = (q.response_type ?? '').trim();
  if (!responseType) throw fail('missingRequestParameter', { name: 'response_type' });
  if (responseType !== 'code') throw fail('unsupportedResponseType', { responseType });
  if (v === 2) {
    if (!q.scope || q.scope.trim() === '') throw fail('missingRequestParameter', { name: 'scope' });
    base.scope = q.scope.trim();
  } else {
    const oidc = (q.scope ?? 'openid')
      .split(/\s+/)
      .filter((s) => ['openid', 'profile', 'email', 'offline_access'].includes(s.toLowerCase()));
    base.scope = [...new Set(['openid', ...oidc]), ...(q.resource ? [`${q.resource.replace(/\/+$/, '')}/.default`] : [])].join(' ');
  }
  if (q.prompt && !['login', 'none', 'consent', 'select_account', 'admin_consent'].includes(base.prompt!)) {
    throw fail('missingRequestParameter', { name: 'prompt' });
  }
  if (base.loginHint && base.prompt === 'select_account') throw fail('loginHintWithSelectAccount');
  const challenge = q.code_challenge;
  if (challenge) {
    // `plain` is refused: Entra's SPA rules require S256, and Appwarden requires it everywhere.
    if ((q.code_challenge_method ?? 'plain') !== 'S256') throw fail('invalidCodeChallengeMethod');
    if (!S256_CHALLENGE.test(challenge)) throw fail('invalidCodeChallenge');
    base.codeChallenge = challenge;
  } else if (redirectType !== 'web') {
    throw fail('pkceRequiredForSpa');
  }
  return { request: base, client, ...(tenant ? { tenant } : {}) };
}

/** Builds the response to the redirect URI: query, fragment, or the parameters for a form_post page. */
export function redirectTarget(r: AuthorizeRequest, params: Record<string, string>): { url?: string; formPost?: Record<string, string> } {
  const all = { ...params, ...(r.state !== undefined ? { state: r.state } : {}) };
  if (r.responseMode === 'form_post') return { formPost: all };
  const base = normaliseRedirectUri(r.redirectUri);
  const qs = new URLSearchParams(all).toString();
  if (r.responseMode === 'fragment') return { url: `${base}#${qs}` };
  return { url: `${base}${base.includes('?') ? '&' : '?'}${qs}` };
}
