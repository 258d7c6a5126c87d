import type { GraphPermission } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import { RouteResponse } from '../http/route-table.js';
import type { DirectoryRole } from '../identity/users/directory-role-service.js';
import { userJson, type User } from '../identity/users/user-model.js';
import type { DirectoryRoleAssignmentRow } from '../store/user-context-schema.js';
import { readStoreFilter, type StoreFilterSpec } from './graph-query.js';
import { entityNotFound, odataContext, type GraphCall, type GraphRoute } from './route-definition.js';

export const READ_ROLES: readonly GraphPermission[] = [
  'RoleManagement.ReadWrite.Directory',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const WRITE_ROLES: readonly GraphPermission[] = ['RoleManagement.ReadWrite.Directory'];

export const directoryRoleJson = (r: DirectoryRole) => ({
  id: r.objectId,
  deletedDateTime: null,
  description: r.description,
  displayName: r.displayName,
  roleTemplateId: r.id,
});

const roleAssignmentJson = (a: DirectoryRoleAssignmentRow) => ({
  id: a.id,
  roleDefinitionId: a.role_template_id,
  principalId: a.principal_id,
  directoryScopeId: '/',
});

/** The object id named by `{"@odata.id": ".../directoryObjects/{id}"}` (or `.../users/{id}`). */
function referencedId(body: Record<string, unknown>): string {
  const ref = body['@odata.id'];
  const m = typeof ref === 'string' ? /\/(?:directoryObjects|users)\/([0-9a-f-]{36})\/?$/i.exec(ref) : null;
  if (!m) throw errors.invalidInput("The request body must contain '@odata.id' naming a directory object.");
  return m[1]!.toLowerCase();
}

// directoryRoles: every role template, activated, by object id, template id or `roleTemplateId=<id>`.

/** The role of `:role`. */
function findRole(call: GraphCall): DirectoryRole {
  const role = call.services.directoryRoles.role(call.caller.tenant.id, call.path.role!);
  if (!role) throw entityNotFound(call.path, 'role');
  return role;
}

async function listRoles(call: GraphCall) {
  const roles = call.services.directoryRoles.roles(call.caller.tenant.id);
  return { '@odata.context': odataContext(call.origin, 'directoryRoles'), value: roles.map(directoryRoleJson) };
}

async function getRole(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, 'directoryRoles/$entity'), ...directoryRoleJson(findRole(call)) };
}

async function listMembers(call: GraphCall) {
  const role = findRole(call);
  const assignments = await call.services.directoryRoles.list(call.caller.tenant.id, { roleTemplateId: role.id });
  const members = (await Promise.all(assignments.map((a) => call.services.users.getById(a.principal_id)))).filter(
    (u): u is User => u !== undefined,
  );
  return {
    '@odata.context': odataContext(call.origin, 'directoryObjects'),
    value: members.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...userJson(u) })),
  };
}

async function addMember(call: GraphCall) {
  const role = findRole(call);
  await call.services.directoryRoles.assign(call.caller.tenant.id, referencedId(call.body), role.id);
  return new RouteResponse(204);
}

async function removeMember(call: GraphCall) {
  const tenantId = call.caller.tenant.id;
  const member = call.path.member!;
  // `members/$ref` itself (the POST target) takes no DELETE; a member is named by object id.
  if (!/^[0-9a-f-]{36}$/i.test(member)) throw errors.methodNotAllowed();
  const role = findRole(call);
  const [a] = await call.services.directoryRoles.list(tenantId, { principalId: member.toLowerCase(), roleTemplateId: role.id });
  if (!a) throw entityNotFound(call.path, 'member');
  await call.services.directoryRoles.remove(tenantId, a.id);
  return new RouteResponse(204);
}

// roleManagement/directory: role definitions (the templates) and role assignments.

const DEFINITIONS = 'roleManagement/directory/roleDefinitions';
const ASSIGNMENTS = 'roleManagement/directory/roleAssignments';

function definitions(call: GraphCall) {
  return call.services.directoryRoles.roles(call.caller.tenant.id).map((x) => ({
    id: x.id,
    description: x.description,
    displayName: x.displayName,
    isBuiltIn: true,
    isEnabled: true,
    templateId: x.id,
  }));
}

async function listDefinitions(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, DEFINITIONS), value: definitions(call) };
}

async function getDefinition(call: GraphCall) {
  const d = definitions(call).find((x) => x.id === call.path.definition!.toLowerCase());
  if (!d) throw entityNotFound(call.path, 'definition');
  return { '@odata.context': odataContext(call.origin, `${DEFINITIONS}/$entity`), ...d };
}

/** `$filter` on role assignments: one clause, `eq` on principalId or roleDefinitionId. */
const ASSIGNMENT_FILTER: StoreFilterSpec = { filter: { principalId: ['eq'], roleDefinitionId: ['eq'] }, maxClauses: 1 };

/** The assignments store's filter from `$filter` (a role definition is a role template). */
export function roleAssignmentFilter(filter: string | undefined): { principalId?: string; roleTemplateId?: string } {
  const [c] = readStoreFilter(filter, ASSIGNMENT_FILTER);
  if (!c) return {};
  return c.property === 'principalId' ? { principalId: c.value.toLowerCase() } : { roleTemplateId: c.value.toLowerCase() };
}

async function listAssignments(call: GraphCall) {
  const list = await call.services.directoryRoles.list(call.caller.tenant.id, roleAssignmentFilter(call.query.$filter));
  return { '@odata.context': odataContext(call.origin, ASSIGNMENTS), value: list.map(roleAssignmentJson) };
}

async function createAssignment(call: GraphCall) {
  const body = call.body;
  const scope = body.directoryScopeId ?? body.appScopeId;
  if (scope === undefined) throw errors.invalidInput("Either 'directoryScopeId' or 'appScopeId' must be specified.");
  if (scope !== '/') throw errors.invalidInput("Only the tenant-wide scope '/' is supported for 'directoryScopeId'.");
  const created = await call.services.directoryRoles.assign(call.caller.tenant.id, body.principalId, body.roleDefinitionId);
  return new RouteResponse(201, {
    '@odata.context': odataContext(call.origin, `${ASSIGNMENTS}/$entity`),
    '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
    ...roleAssignmentJson(created),
  });
}

async function findAssignment(call: GraphCall): Promise<DirectoryRoleAssignmentRow> {
  const a = await call.services.directoryRoles.get(call.caller.tenant.id, call.path.assignment!);
  if (!a) throw entityNotFound(call.path, 'assignment');
  return a;
}

async function getAssignment(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, `${ASSIGNMENTS}/$entity`), ...roleAssignmentJson(await findAssignment(call)) };
}

async function removeAssignment(call: GraphCall) {
  const a = await findAssignment(call);
  await call.services.directoryRoles.remove(call.caller.tenant.id, a.id);
  return new RouteResponse(204);
}

/** Directory roles (`/v1.0/directoryRoles`, members by `$ref`) and `/v1.0/roleManagement/directory`. */
export const DIRECTORY_ROLE_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['directoryRoles'], permissions: READ_ROLES, handle: listRoles },
  { methods: ['GET'], paths: ['directoryRoles/:role'], permissions: READ_ROLES, handle: getRole },
  { methods: ['GET'], paths: ['directoryRoles/:role/members'], permissions: READ_ROLES, handle: listMembers },
  { methods: ['POST'], paths: ['directoryRoles/:role/members/$ref'], permissions: WRITE_ROLES, handle: addMember },
  {
    methods: ['DELETE'],
    // Graph's form ends in `/$ref`; the bare member path was the first one served and stays.
    paths: ['directoryRoles/:role/members/:member/$ref', 'directoryRoles/:role/members/:member'],
    permissions: WRITE_ROLES,
    handle: removeMember,
  },
  { methods: ['GET'], paths: [DEFINITIONS], permissions: READ_ROLES, handle: listDefinitions },
  { methods: ['GET'], paths: [`${DEFINITIONS}/:definition`], permissions: READ_ROLES, handle: getDefinition },
  { methods: ['GET'], paths: [ASSIGNMENTS], permissions: READ_ROLES, handle: listAssignments },
  { methods: ['POST'], paths: [ASSIGNMENTS], permissions: WRITE_ROLES, handle: createAssignment },
  { methods: ['GET'], paths: [`${ASSIGNMENTS}/:assignment`], permissions: READ_ROLES, handle: getAssignment },
  { methods: ['DELETE'], paths: [`${ASSIGNMENTS}/:assignment`], permissions: WRITE_ROLES, handle: removeAssignment },
];
