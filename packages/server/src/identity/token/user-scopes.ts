import { MICROSOFT_GRAPH_APP_ID, OIDC_SCOPES } from '@appwarden/protocol';
import { EntraError } from '../../http/errors.js';

export type OidcScope = (typeof OIDC_SCOPES)[number];

/** What a user-flow request asks for: OIDC scopes, and permissions of one resource. */
export interface RequestedScopes {
  oidc: Set<OidcScope>;
  /** Resource as named (appId or identifier URI); Graph when only OIDC scopes or bare names were asked. */
  resource: string;
  /** Permission values on that resource, or `.default`. */
  permissions: string[];
  /** The scope parameter as sent, for the response's `scope`. */
  raw: string[];
}

const isOidc = (s: string): s is OidcScope => (OIDC_SCOPES as readonly string[]).includes(s.toLowerCase());

/**
 * Parses v2 `scope`: `openid profile email offline_access`, `<resource>/<permission>`,
 * `<resource>/.default`, or a bare permission name (Microsoft Graph's, as in Entra). One
 * resource per request (AADSTS70011 otherwise).
 */
export function parseUserScopes(scope: string | undefined): RequestedScopes {
  const raw = (scope ?? '').split(/\s+/).filter(Boolean);
  const oidc = new Set<OidcScope>();
  let resource: string | undefined;
  const permissions: string[] = [];
  for (const s of raw) {
    if (isOidc(s)) {
      oidc.add(s.toLowerCase() as OidcScope);
      continue;
    }
    const slash = s.lastIndexOf('/');
    const r = slash < 0 ? MICROSOFT_GRAPH_APP_ID : s.slice(0, slash);
    const p = slash < 0 ? s : s.slice(slash + 1);
    if (r === '' || p === '') throw new EntraError('scopeUnknown', { scope: s });
    const norm = (x: string) => x.replace(/\/+$/, '').toLowerCase();
    if (resource !== undefined && norm(resource) !== norm(r)) {
      throw new EntraError('scopeMultipleResources', { scope: raw.join(' ') });
    }
    resource ??= r;
    permissions.push(p);
  }
  return { oidc, resource: resource ?? MICROSOFT_GRAPH_APP_ID, permissions: permissions.length ? permissions : ['.default'], raw };
}

/** v1 requests name the resource with `resource` (OIDC scopes may still come in `scope`). */
export function parseV1UserScopes(resource: string | undefined, scope: string | undefined): RequestedScopes {
  const fromScope = parseUserScopes(scope);
  if (resource && resource.trim() !== '') {
    return { ...fromScope, resource: resource.trim(), permissions: ['.default'], oidc: new Set([...fromScope.oidc, 'openid']) };
  }
  // The MDCA user-context sample sends `scope=<resource>/<permission>` to the v1 endpoint (lenient, inferred).
  return { ...fromScope, oidc: new Set([...fromScope.oidc, 'openid']) };
}
