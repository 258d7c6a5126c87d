import { ADMIN_CENTER_APP_ID } from '@appwarden/protocol';
import type { Application } from '../application-model.js';

export type RedirectType = 'web' | 'spa' | 'publicClient';

const isLoopback = (u: URL) => u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');

/** Entra returns a redirect URI without a path with a trailing `/` (reference user-context §2.2). */
export function normaliseRedirectUri(uri: string): string {
  try {
    const u = new URL(uri);
    return u.pathname === '/' && !uri.endsWith('/') && !u.search ? `${uri}/` : uri;
  } catch {
    return uri;
  }
}

function sameUri(registered: string, given: string, allowAnyLoopbackPort: boolean): boolean {
  let r: URL;
  let g: URL;
  try {
    r = new URL(registered);
    g = new URL(given);
  } catch {
    return false;
  }
  if (allowAnyLoopbackPort && isLoopback(r) && isLoopback(g)) {
    // Loopback ports are ignored, as Entra does (msal-node listens on a random port).
    const path = (u: URL) => u.pathname.replace(/\/+$/, '') + u.search;
    return r.hostname === g.hostname || (r.hostname === 'localhost' && g.hostname === '127.0.0.1') ? path(r) === path(g) : false;
  }
  // Exact match, except that a URI without a path equals the same URI with `/`.
  return normaliseRedirectUri(registered) === normaliseRedirectUri(given);
}

/**
 * Which registration bucket a redirect URI matches exactly (paths are case-sensitive), or
 * undefined. Public-client and SPA loopback URIs match on any port. The admin center's SPA
 * redirect URI is the server's own origin (`<origin>/`), so it follows the server wherever it runs.
 */
export function matchRedirectUri(app: Application, redirectUri: string, origin: string): RedirectType | undefined {
  if (app.appId === ADMIN_CENTER_APP_ID) {
    const spa = [`${origin}/`, 'http://localhost/'];
    return spa.some((r) => sameUri(r, redirectUri, true)) ? 'spa' : undefined;
  }
  if (app.web.redirectUris.some((r) => sameUri(r, redirectUri, false))) return 'web';
  if (app.spa.redirectUris.some((r) => sameUri(r, redirectUri, true))) return 'spa';
  if (app.publicClient.redirectUris.some((r) => sameUri(r, redirectUri, true))) return 'publicClient';
  return undefined;
}

/** Whether the application may act as a public client (no secret) in flows without a redirect URI. */
export const isPublicClientCapable = (app: Application) =>
  app.isFallbackPublicClient ||
  app.publicClient.redirectUris.length > 0 ||
  app.spa.redirectUris.length > 0 ||
  app.appId === ADMIN_CENTER_APP_ID;
