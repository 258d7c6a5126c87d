import {
  CLOUD_APP_SECURITY_APP_ID,
  CLOUD_APP_SECURITY_IDENTIFIER_URIS,
  canonicalCloudAppsPermission,
  cloudAppsAccessOfRoles,
  type CloudAppsEndpoint,
  type ApiTokenKind,
  type CloudAppsPermission,
} from '@appwarden/protocol';
import { TokenRejected, type AccessTokenVerifier } from '../identity/access-token-verifier.js';
import type { Clock } from '../clock.js';
import type { Tenant, TenantService } from '../identity/tenant-service.js';
import { errors, type SemanticError } from '../http/errors.js';
import type { ApiTokenService } from './api-tokens.js';
import type { BearerCache } from './bearer-cache.js';
import type { DirectoryRoleService } from '../identity/users/directory-role-service.js';
import type { UserService } from '../identity/users/user-service.js';

/** Audiences of Cloud App Security tokens: the v1 `resource` forms and the appId (v2 `.default`). */
export const CLOUD_APPS_AUDIENCES = [...CLOUD_APP_SECURITY_IDENTIFIER_URIS, CLOUD_APP_SECURITY_APP_ID];

const ALL: CloudAppsPermission[] = [
  'Investigation.read',
  'Investigation.manage',
  'Discovery.read',
  'Discovery.manage',
  'Settings.read',
  'Settings.manage',
];
const READ_ONLY: CloudAppsPermission[] = ['Investigation.read', 'Discovery.read', 'Settings.read'];

/** Who calls the Cloud Apps API and what they may do. */
export interface CloudAppsCaller {
  tenant: Tenant;
  permissions: ReadonlySet<CloudAppsPermission>;
  /** Set when the caller used a legacy API token. */
  legacyToken?: ApiTokenKind;
  /** Recorded as `handledByUser` when the caller closes alerts: the user (delegated), else the app id or token name. */
  actor: string;
  /**
   * Delegated (user) tokens only: the operations the user's directory roles allow. The call needs
   * the scope AND the role (docs/user-context.md); app-only tokens and API tokens have no such gate.
   */
  userAccess?: ReadonlySet<CloudAppsEndpoint>;
}

export function invalidToken(origin: string, detail: string): SemanticError {
  return errors.unauthenticated('Invalid token', detail, {
    'WWW-Authenticate': `Token, Bearer realm="${origin}", authorization_uri="${origin}/common/oauth2/authorize", resource_id="${CLOUD_APP_SECURITY_APP_ID}"`,
  });
}

/** What authenticating a Cloud Apps caller needs. */
export interface CloudAppsAuthDeps {
  origin: { readonly value: string };
  clock: Clock;
  tenants: Pick<TenantService, 'getById'>;
  verifier: Pick<AccessTokenVerifier, 'verify'>;
  cloudApps: { tokens: ApiTokenService; bearerCache: BearerCache };
  users: Pick<UserService, 'getById'>;
  directoryRoles: Pick<DirectoryRoleService, 'roleTemplateIdsOf'>;
}

/**
 * `Authorization: Bearer <jwt>` (app roles in `roles`, delegated scopes in `scp`, compared
 * case-insensitively) or the legacy `Authorization: Token <key>` (scheme word in any case,
 * trailing spaces tolerated).
 */
export async function authenticateCloudAppsCaller(deps: CloudAppsAuthDeps, authorization: string | undefined): Promise<CloudAppsCaller> {
  const origin = deps.origin.value;
  if (!authorization) throw invalidToken(origin, 'no Authorization header');
  const legacy = /^\s*token\s+(\S+)\s*$/i.exec(authorization);
  if (legacy) {
    const t = await deps.cloudApps.tokens.verify(legacy[1]!);
    if (!t) throw invalidToken(origin, 'unknown or revoked API token');
    const tenant = await deps.tenants.getById(t.tenantId);
    if (!tenant) throw invalidToken(origin, 'API token of a deleted tenant');
    return { tenant, permissions: new Set(t.kind === 'full' ? ALL : READ_ONLY), legacyToken: t.kind, actor: `API token '${t.name}'` };
  }
  const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) throw invalidToken(origin, 'unsupported Authorization scheme');
  const jwt = bearer[1]!;
  const cache = deps.cloudApps.bearerCache;
  const hit = cache.get(jwt, origin, deps.clock.now());
  if (hit) return hit;
  try {
    const v = await deps.verifier.verify(jwt, CLOUD_APPS_AUDIENCES);
    const scp = typeof v.claims.scp === 'string' ? v.claims.scp.split(' ') : [];
    const permissions = new Set(
      [...v.roles, ...scp].map(canonicalCloudAppsPermission).filter((p): p is CloudAppsPermission => p !== undefined),
    );
    const user = v.claims.upn ?? v.claims.unique_name ?? v.claims.preferred_username;
    const caller: CloudAppsCaller = { tenant: v.tenant, permissions, actor: typeof user === 'string' ? user : v.clientAppId };
    if (typeof v.claims.scp === 'string') {
      // The role is read from the directory (not from `wids`), so a removed role takes effect at once.
      const oid = typeof v.claims.oid === 'string' ? v.claims.oid : '';
      const holder = await deps.users.getById(oid);
      const roles = holder && holder.tenantId === v.tenant.id ? await deps.directoryRoles.roleTemplateIdsOf(v.tenant.id, oid) : [];
      caller.userAccess = cloudAppsAccessOfRoles(roles);
    }
    cache.set(jwt, origin, caller, v.claims);
    return caller;
  } catch (e) {
    if (e instanceof TokenRejected) throw invalidToken(origin, e.message);
    throw e;
  }
}
