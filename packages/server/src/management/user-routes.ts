import type { GraphPermission } from '@appwarden/protocol';
import { RouteResponse } from '../http/route-table.js';
import { userJson, type User } from '../identity/users/user-model.js';
import { directoryRoleJson } from './directory-role-routes.js';
import { GRAPH_FILTER_LIMITS, readStoreFilter, type StoreFilterSpec } from './graph-query.js';
import { entityNotFound, odataContext, readTop, type GraphCall, type GraphRoute } from './route-definition.js';

export const READ_USERS: readonly GraphPermission[] = [
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const WRITE_USERS: readonly GraphPermission[] = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];

/** `$filter` on users: `eq` and `startswith` on userPrincipalName and displayName, joined with `and`. */
const USER_FILTER: StoreFilterSpec = {
  filter: { userPrincipalName: ['eq', 'startswith'], displayName: ['eq', 'startswith'] },
  maxClauses: GRAPH_FILTER_LIMITS.maxClauses,
};

/** The users store's filter from `$filter` (a later clause on the same property and operator wins). */
export function userFilter(filter: string | undefined) {
  const out: { userPrincipalName?: string; displayName?: string; displayNameStartsWith?: string; userPrincipalNameStartsWith?: string } =
    {};
  for (const c of readStoreFilter(filter, USER_FILTER)) {
    if (c.property === 'displayName') out[c.op === 'eq' ? 'displayName' : 'displayNameStartsWith'] = c.value;
    else out[c.op === 'eq' ? 'userPrincipalName' : 'userPrincipalNameStartsWith'] = c.value;
  }
  return out;
}

/** The user of `:user` (object id or sign-in name; on `me` paths, the signed-in user). */
async function find(call: GraphCall): Promise<User> {
  const u = await call.services.users.get(call.caller.tenant.id, call.path.user!);
  if (!u) throw entityNotFound(call.path, 'user');
  return u;
}

async function list(call: GraphCall) {
  const found = await call.services.users.list(call.caller.tenant.id, userFilter(call.query.$filter), readTop(call));
  return { '@odata.context': odataContext(call.origin, 'users'), value: found.map(userJson) };
}

async function create(call: GraphCall) {
  const u = await call.services.users.create(call.caller.tenant, call.body);
  return new RouteResponse(
    201,
    { '@odata.context': odataContext(call.origin, 'users/$entity'), ...userJson(u) },
    { location: `${call.origin}/v1.0/users/${u.id}` },
  );
}

async function get(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, 'users/$entity'), ...userJson(await find(call)) };
}

async function update(call: GraphCall) {
  await call.services.users.update(call.caller.tenant, await find(call), call.body);
  return new RouteResponse(204);
}

async function remove(call: GraphCall) {
  await call.services.users.delete(await find(call));
  return new RouteResponse(204);
}

async function revokeSignInSessions(call: GraphCall) {
  await call.services.users.revokeSignInSessions(await find(call));
  return { '@odata.context': odataContext(call.origin, 'Edm.Boolean'), value: true };
}

async function memberOf(call: GraphCall) {
  const tenantId = call.caller.tenant.id;
  const user = await find(call);
  const ids = await call.services.directoryRoles.roleTemplateIdsOf(tenantId, user.id);
  const roles = call.services.directoryRoles.roles(tenantId).filter((x) => ids.includes(x.id));
  return {
    '@odata.context': odataContext(call.origin, 'directoryObjects'),
    value: roles.map((x) => ({ '@odata.type': '#microsoft.graph.directoryRole', ...directoryRoleJson(x) })),
  };
}

/** Operations on one user, written for `users/:user`; each is also served on `me`. */
const ONE_USER: GraphRoute[] = [
  { methods: ['GET'], paths: ['users/:user'], permissions: READ_USERS, self: true, handle: get },
  { methods: ['PATCH'], paths: ['users/:user'], permissions: WRITE_USERS, handle: update },
  { methods: ['DELETE'], paths: ['users/:user'], permissions: WRITE_USERS, handle: remove },
  {
    methods: ['POST'],
    paths: ['users/:user/revokeSignInSessions'],
    permissions: WRITE_USERS,
    self: true,
    handle: revokeSignInSessions,
  },
  { methods: ['GET'], paths: ['users/:user/memberOf'], permissions: READ_USERS, self: true, handle: memberOf },
];

const onMe = (route: GraphRoute): GraphRoute => ({ ...route, me: true, paths: route.paths.map((p) => p.replace(/^users\/:user/, 'me')) });

/** Users (`/v1.0/users`, by object id or sign-in name) and the signed-in user (`/v1.0/me`). */
export const USER_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['users'], permissions: READ_USERS, handle: list },
  { methods: ['POST'], paths: ['users'], permissions: WRITE_USERS, handle: create },
  ...ONE_USER,
  ...ONE_USER.map(onMe),
];
