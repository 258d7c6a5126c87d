import type { GraphPermission } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import { RouteResponse, type Route } from '../http/route-table.js';
import type { ApplicationService } from '../identity/application-service.js';
import type { ServicePrincipalService } from '../identity/service-principal-service.js';
import type { DirectoryRoleService } from '../identity/users/directory-role-service.js';
import type { PermissionGrantService } from '../identity/users/permission-grant-service.js';
import type { UserService } from '../identity/users/user-service.js';
import type { AlertStateService } from '../cloudapps/alerts/alert-state-service.js';
import type { AlertStore } from '../store/interfaces.js';
import type { GraphCaller } from './graph-auth.js';
import { applyGraphQuery, GRAPH_DEFAULT_TOP, GRAPH_MAX_TOP, isEventual, readGraphQuery, type CollectionQuery } from './graph-query.js';

export { GRAPH_DEFAULT_TOP, GRAPH_MAX_TOP, type CollectionQuery } from './graph-query.js';

/** What the management handlers may use: the identity services they expose, and the public origin. */
export interface ManagementDeps {
  origin: { readonly value: string };
  applications: ApplicationService;
  servicePrincipals: ServicePrincipalService;
  permissionGrants: Pick<PermissionGrantService, 'grantAdminConsent' | 'list' | 'get' | 'create' | 'updateScope' | 'delete'>;
  users: Pick<UserService, 'list' | 'create' | 'get' | 'getById' | 'update' | 'delete' | 'revokeSignInSessions'>;
  directoryRoles: Pick<DirectoryRoleService, 'roles' | 'role' | 'list' | 'get' | 'assign' | 'remove' | 'roleTemplateIdsOf'>;
  /** Security alerts (alerts_v2): the Cloud Apps alerts, read from the store and changed through their state service. */
  stores: { alerts: Pick<AlertStore, 'get' | 'statePage'> };
  cloudApps: { alertStates: Pick<AlertStateService, 'triage' | 'addComment'> };
}

/** What a management handler sees of a request: no framework objects. */
export interface GraphCall {
  caller: GraphCaller;
  /** Path parameters (`:id`, an alternate key such as `appId`, `:assignmentId`; `user` on `me` paths is the signed-in user). */
  path: Record<string, string>;
  query: Record<string, string>;
  /** Request headers, lower-cased names (`consistencylevel` turns on Graph's advanced queries). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The JSON body when it is an object, else {}. */
  body: Record<string, unknown>;
  origin: string;
  services: ManagementDeps;
}

/** One operation of the Graph subset: its paths (relative to `/v1.0/`), methods and the app roles that allow it. */
export interface GraphRoute extends Route<GraphCall> {
  /** The caller needs one of these Microsoft Graph application permissions; the 403 names them in this order. */
  permissions: readonly GraphPermission[];
  /**
   * The path says `me` instead of `users/:user`: only a delegated (user) token may call it (400
   * otherwise, before the permission), and the handler sees the signed-in user as `path.user`.
   */
  me?: true;
  /** The signed-in user may call it on their own object (`me`, or `:user` naming them) without the permissions. */
  self?: true;
}

export const READ_APPS: readonly GraphPermission[] = ['Application.Read.All', 'Application.ReadWrite.All'];
export const WRITE_APPS: readonly GraphPermission[] = ['Application.ReadWrite.All'];
export const ASSIGN_ROLES: readonly GraphPermission[] = ['AppRoleAssignment.ReadWrite.All'];

/** `@odata.context` of a response. */
export const odataContext = (origin: string, what: string) => `${origin}/v1.0/$metadata#${what}`;

/** `$top` of a list request. */
export function readTop(call: GraphCall): number {
  const q = call.query;
  const top = q.$top === undefined ? GRAPH_DEFAULT_TOP : Number(q.$top);
  if (!Number.isInteger(top) || top < 1 || top > GRAPH_MAX_TOP)
    throw errors.invalidInput(`Invalid page size specified: '${q.$top}'. Must be between 1 and ${GRAPH_MAX_TOP} inclusive.`);
  return top;
}

/** `$top` and `$skiptoken` of a list request. */
export function readPage(call: GraphCall): { top: number; skip: number } {
  const q = call.query;
  const top = readTop(call);
  const skip = q.$skiptoken === undefined ? 0 : Number(q.$skiptoken);
  if (!Number.isInteger(skip) || skip < 0) throw errors.invalidInput('Invalid $skiptoken.');
  return { top, skip };
}

/** One page of a Graph collection, with `@odata.nextLink` when more follow. */
export function graphPage<T>(call: GraphCall, what: string, items: T[], top: number, skip: number, path: string) {
  const more = items.length > skip + top;
  const value = items.slice(skip, skip + top);
  const params = new URLSearchParams({ ...call.query, $skiptoken: String(skip + top) });
  return {
    '@odata.context': odataContext(call.origin, what),
    ...(more ? { '@odata.nextLink': `${call.origin}/v1.0/${path}?${params.toString()}` } : {}),
    value,
  };
}

/**
 * A Graph collection answered with Graph's query options: `items` is the whole collection (the
 * caller's tenant), `spec` says which properties `$filter` and `$orderby` may use. `$select`,
 * `$top` with `@odata.nextLink`, `$count=true` (with `ConsistencyLevel: eventual`) and Graph's 400
 * for unsupported options come with it.
 */
export function graphCollection<T extends Record<string, unknown>>(
  call: GraphCall,
  where: { what: string; path: string; spec: CollectionQuery },
  items: readonly T[],
) {
  const options = readGraphQuery(call.query, call.headers, where.spec);
  const { value, more, count } = applyGraphQuery(items, options);
  const params = new URLSearchParams({ ...call.query, $skiptoken: String(options.skip + options.top) });
  return {
    '@odata.context': odataContext(call.origin, where.what),
    ...(options.count ? { '@odata.count': count } : {}),
    ...(more ? { '@odata.nextLink': `${call.origin}/v1.0/${where.path}?${params.toString()}` } : {}),
    value,
  };
}

/** `GET <collection>/$count`: the number of items as text/plain; Graph wants `ConsistencyLevel: eventual`. */
export function graphCount<T extends Record<string, unknown>>(call: GraphCall, spec: CollectionQuery, items: readonly T[]): RouteResponse {
  if (!isEventual(call.headers)) throw errors.invalidInput('$count is not currently supported.');
  const options = readGraphQuery({ ...call.query, $count: 'true' }, call.headers, spec);
  const { count } = applyGraphQuery(items, { ...options, skip: 0, top: Number.MAX_SAFE_INTEGER });
  return new RouteResponse(200, String(count), { 'content-type': 'text/plain' });
}

/** Graph's 404 for an entity addressed by id or alternate key. */
export function entityNotFound(path: Record<string, string>, keyParam = 'appId', idParam = 'id') {
  return errors.notFound(
    `Resource '${path[keyParam] ?? path[idParam]}' does not exist or one of its queried reference-property objects are not present.`,
  );
}
