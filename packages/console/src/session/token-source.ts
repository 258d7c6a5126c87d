import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { jwtClaims } from './jwt-claims.js';
import { activeSession, readSessions, saveSession, setActiveTenant, type Resource, type Session } from './session-store.js';

/**
 * The one place where the console gets tokens: sign-in with authorization code + PKCE (S256)
 * through this server's `/{tenant}/oauth2/v2.0/authorize` as the built-in public SPA client, as
 * Microsoft's admin center signs in through Entra; then one access token per resource (management
 * API, Cloud Apps API), renewed with the refresh token. Contract: docs/user-context.md.
 */
export const CONSOLE_CLIENT_ID = 'c6e9b1a4-2f0d-4e7b-9a53-8d1f0e6b7c21';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const CLOUD_APPS_SCOPE = `${CLOUD_APP_SECURITY_APP_ID}/.default`;
export const RESOURCE_SCOPES: Record<Resource, string> = { graph: GRAPH_SCOPE, cloudApps: CLOUD_APPS_SCOPE };
/** Renew this long before expiry, as MSAL does. */
const MARGIN_MS = 5 * 60_000;
const PENDING_KEY = 'appwarden.console.pendingSignIn';

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  tenant: string;
  returnTo: string;
}

export class SignInRequiredError extends Error {
  constructor(readonly tenant?: string) {
    super('Sign in again to continue.');
  }
}

const redirectUri = () => `${location.origin}/`;

function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function s256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** Sends the browser to the authorize endpoint of `tenant` (GUID, domain or `organizations`). */
export async function startSignIn(tenant = 'organizations', options: { loginHint?: string; prompt?: string } = {}): Promise<void> {
  const pending: PendingSignIn = {
    state: randomString(16),
    nonce: randomString(16),
    verifier: randomString(32),
    tenant,
    returnTo: location.pathname === '/' ? '/entra/app-registrations' : location.pathname + location.search,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const q = new URLSearchParams({
    client_id: CONSOLE_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri(),
    response_mode: 'query',
    // MSAL asks for client_info too: the redirect then names the user's home tenant.
    client_info: '1',
    scope: `openid profile offline_access ${GRAPH_SCOPE}`,
    code_challenge: await s256(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    ...(options.loginHint ? { login_hint: options.loginHint } : {}),
    ...(options.prompt ? { prompt: options.prompt } : {}),
  });
  location.assign(`/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize?${q.toString()}`);
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
}

async function tokenRequest(tenant: string, form: Record<string, string>): Promise<TokenAnswer> {
  const res = await fetch(`/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CONSOLE_CLIENT_ID, ...form }),
  });
  const body = (await res.json().catch(() => ({}))) as TokenAnswer & { error?: string; error_description?: string };
  if (!res.ok) throw new Error(body.error_description?.split('\r\n')[0] ?? body.error ?? `token endpoint answered ${res.status}`);
  return body;
}

/**
 * Finishes a sign-in when the authorize endpoint redirected back here with `code` (or `error`).
 * Returns the path to go to, or undefined when this page load is not a sign-in callback.
 */
export async function completeSignIn(url: URL): Promise<string | undefined> {
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  if (!code && !error) return undefined;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  if (!pending || pending.state !== url.searchParams.get('state'))
    throw new Error('The sign-in answer does not match a sign-in started here.');
  if (error) throw new Error(url.searchParams.get('error_description') ?? error);
  // Signed in through `organizations`: redeem the code at the user's own tenant, named by client_info.
  const tenant = /^(organizations|common)$/i.test(pending.tenant)
    ? (homeTenantOf(url.searchParams.get('client_info')) ?? pending.tenant)
    : pending.tenant;
  const answer = await tokenRequest(tenant, {
    grant_type: 'authorization_code',
    code: code!,
    code_verifier: pending.verifier,
    redirect_uri: redirectUri(),
    scope: `openid profile offline_access ${GRAPH_SCOPE}`,
  });
  const id = answer.id_token ? jwtClaims(answer.id_token) : {};
  if (answer.id_token && id.nonce !== pending.nonce) throw new Error('The ID token does not carry this sign-in’s nonce.');
  const access = jwtClaims(answer.access_token);
  const tenantId = String(id.tid ?? access.tid);
  const session: Session = {
    tenantId,
    tenantName: tenantId,
    user: {
      name: String(id.name ?? access.name ?? id.preferred_username ?? ''),
      username: String(id.preferred_username ?? access.upn ?? ''),
    },
    tokens: { graph: { accessToken: answer.access_token, expiresOn: Date.now() + answer.expires_in * 1000 } },
    ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
  };
  saveSession(session);
  setActiveTenant(tenantId);
  return pending.returnTo;
}

/** `utid` of the base64url `{"uid","utid"}` that Entra adds to the redirect (client_info). */
function homeTenantOf(clientInfo: string | null): string | undefined {
  if (!clientInfo) return undefined;
  try {
    const json = JSON.parse(atob(clientInfo.replace(/-/g, '+').replace(/_/g, '/'))) as { utid?: unknown };
    return typeof json.utid === 'string' ? json.utid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refreshes in progress, per tenant: parallel requests share one refresh per resource, and refreshes
 * of one tenant run one after the other, each with the refresh token the previous one returned
 * (the server rotates refresh tokens on every redemption).
 */
const refreshes = new Map<string, Promise<string>>();
const tenantQueues = new Map<string, Promise<unknown>>();

/** An access token of the active session for `resource`, renewed with the refresh token when due. */
export async function getAccessToken(resource: Resource, session: Session | undefined = activeSession()): Promise<string> {
  if (!session) throw new SignInRequiredError();
  const cached = fresh(session, resource);
  if (cached) return cached;
  if (!session.refreshToken) throw new SignInRequiredError(session.tenantId);
  const key = `${session.tenantId}|${resource}`;
  let pending = refreshes.get(key);
  if (!pending) {
    const tenantId = session.tenantId;
    const queued = tenantQueues.get(tenantId) ?? Promise.resolve();
    pending = queued
      .catch(() => undefined)
      .then(() => refresh(resource, latest(tenantId) ?? session))
      .finally(() => refreshes.delete(key));
    refreshes.set(key, pending);
    tenantQueues.set(tenantId, pending);
  }
  return pending;
}

function fresh(session: Session, resource: Resource): string | undefined {
  const cached = session.tokens[resource];
  return cached && cached.expiresOn - MARGIN_MS > Date.now() ? cached.accessToken : undefined;
}

/** The stored session of `tenantId` as it is now (an earlier refresh may have rotated its tokens). */
function latest(tenantId: string): Session | undefined {
  return readSessions()[tenantId];
}

async function refresh(resource: Resource, session: Session): Promise<string> {
  // A refresh queued behind another may find the token it wants already renewed.
  const cached = fresh(session, resource);
  if (cached) return cached;
  if (!session.refreshToken) throw new SignInRequiredError(session.tenantId);
  const answer = await tokenRequest(session.tenantId, {
    grant_type: 'refresh_token',
    refresh_token: session.refreshToken,
    scope: `openid profile offline_access ${RESOURCE_SCOPES[resource]}`,
  });
  const current = latest(session.tenantId) ?? session;
  const updated: Session = {
    ...current,
    tokens: { ...current.tokens, [resource]: { accessToken: answer.access_token, expiresOn: Date.now() + answer.expires_in * 1000 } },
    ...(answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
  };
  saveSession(updated);
  return answer.access_token;
}

/** Signs out of one tenant at the server too (its end_session endpoint), then comes back to `/`. */
export function signOutUrl(tenantId: string): string {
  return `/${encodeURIComponent(tenantId)}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(redirectUri())}`;
}
