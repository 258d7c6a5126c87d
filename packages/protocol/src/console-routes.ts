/**
 * First path segments of the admin center's client-side routes. The server answers a browser's
 * GET under these with the console's index.html (SPA fallback); every other path keeps its API
 * meaning, so the console never shadows `/{tenant}/oauth2`, `/api`, `/v1.0` and the rest. None of
 * them can be a tenant segment: tenants are GUIDs or domains, and these have no dot.
 */
export const CONSOLE_ROUTE_PREFIXES = ['entra', 'defender'] as const;
