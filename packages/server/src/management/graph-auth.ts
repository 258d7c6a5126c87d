import crypto from 'node:crypto';
import {
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_IDENTIFIER_URIS,
  MICROSOFT_GRAPH_ROLES,
  graphRoleAllows,
  type GraphPermission,
} from '@appwarden/protocol';
import { TokenRejected, type AccessTokenVerifier } from '../identity/access-token-verifier.js';
import type { Tenant, TenantService } from '../identity/tenant-service.js';
import type { DirectoryRoleService } from '../identity/users/directory-role-service.js';
import type { UserService } from '../identity/users/user-service.js';
import { errors } from '../http/errors.js';

export const GRAPH_AUDIENCES = [...MICROSOFT_GRAPH_IDENTIFIER_URIS, MICROSOFT_GRAPH_APP_ID];

/** Graph's audiences plus the server's own origin, which the token endpoint treats as an alias of Graph. */
export const graphAudiences = (origin: string): string[] => [...GRAPH_AUDIENCES, origin.toLowerCase()];

export const GRAPH_WWW_AUTHENTICATE = (origin: string) =>
  `Bearer realm="", authorization_uri="${origin}/common/oauth2/authorize", client_id="${MICROSOFT_GRAPH_APP_ID}"`;

/** Who is calling the management API, and with which Graph application permissions. */
export interface GraphCaller {
  tenant: Tenant;
  /** appId of the calling application, or "appwarden-operator". */
  clientAppId: string;
  roles: ReadonlySet<string>;
  operator: boolean;
  /** Set for a delegated (user) token: the signed-in user's object id and sign-in name. */
  userId?: string;
  userPrincipalName?: string;
}

/** The operator key: Appwarden's own administrative credential (not a Microsoft concept). */
export function isOperatorKey(token: string, expected: string | undefined): boolean {
  if (!expected || !token.startsWith('awop_')) return false;
  const a = crypto.createHash('sha256').update(token).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** What authenticating a management caller needs. */
export interface GraphAuthDeps {
  origin: { readonly value: string };
  tenants: Pick<TenantService, 'find'>;
  verifier: Pick<AccessTokenVerifier, 'verify'>;
  users: Pick<UserService, 'getById'>;
  directoryRoles: Pick<DirectoryRoleService, 'roleTemplateIdsOf'>;
}

/**
 * Authenticates a management request: an app-only Microsoft Graph token from any tenant (the
 * caller then works in that tenant), or — an Appwarden extension — the operator key together with
 * an `x-appwarden-tenant` header naming the tenant, which holds every management permission.
 */
export async function authenticateGraphCaller(
  deps: GraphAuthDeps,
  authorization: string | undefined,
  tenantHeader: string | undefined,
  operatorKey: string | undefined,
): Promise<GraphCaller> {
  const origin = deps.origin.value;
  const challenge = { 'WWW-Authenticate': GRAPH_WWW_AUTHENTICATE(origin) };
  const m = authorization ? /^bearer\s+(\S+)\s*$/i.exec(authorization) : null;
  if (!m) throw errors.unauthenticated('Access token is empty.', undefined, challenge);
  const token = m[1]!;
  if (isOperatorKey(token, operatorKey)) {
    if (!tenantHeader) throw errors.invalidInput("The operator key needs the 'x-appwarden-tenant' header naming a tenant.");
    const tenant = await deps.tenants.find(tenantHeader);
    if (!tenant) throw errors.notFound(`Tenant '${tenantHeader}' was not found.`);
    const all = MICROSOFT_GRAPH_ROLES.map((r) => r.value);
    return { tenant, clientAppId: 'appwarden-operator', roles: new Set(all), operator: true };
  }
  try {
    const v = await deps.verifier.verify(token, graphAudiences(origin));
    if (typeof v.claims.scp === 'string') {
      // Delegated: a permission counts only when the scope grants it AND the user's role allows it.
      const oid = typeof v.claims.oid === 'string' ? v.claims.oid : '';
      const user = await deps.users.getById(oid);
      if (!user || user.tenantId !== v.tenant.id) {
        throw errors.unauthenticated('Access token validation failure. The user no longer exists.', undefined, challenge);
      }
      const roles = await deps.directoryRoles.roleTemplateIdsOf(v.tenant.id, user.id);
      const allowed = v.claims.scp.split(' ').filter((p) => graphRoleAllows(roles, p));
      return {
        tenant: v.tenant,
        clientAppId: v.clientAppId,
        roles: new Set(allowed),
        operator: false,
        userId: user.id,
        userPrincipalName: user.userPrincipalName,
      };
    }
    return { tenant: v.tenant, clientAppId: v.clientAppId, roles: new Set(v.roles), operator: false };
  } catch (e) {
    if (e instanceof TokenRejected) {
      throw errors.unauthenticated(
        'Access token validation failure. Invalid audience, issuer, signature or lifetime.',
        e.message,
        challenge,
      );
    }
    throw e;
  }
}

/** 403 Authorization_RequestDenied unless the caller holds one of the permissions. */
export function requireAny(caller: GraphCaller, permissions: readonly GraphPermission[]): void {
  if (!permissions.some((p) => caller.roles.has(p))) {
    throw errors.denied(`Insufficient privileges to complete the operation. Requires one of: ${permissions.join(', ')}.`);
  }
}
