import type { GraphPermission } from '@appwarden/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../http/errors.js';
import type { DirectoryRole } from '../identity/users/directory-role-service.js';
import { userJson, type User } from '../identity/users/user-model.js';
import type { DirectoryRoleAssignmentRow } from '../store/user-context-schema.js';
import type { Services } from '../wiring.js';
import { authenticateGraphCaller, requireAny, type GraphCaller } from './graph-auth.js';
import { permissionGrantJson } from './permission-grant-json.js';
import { GRAPH_DEFAULT_TOP, GRAPH_MAX_TOP } from './routes.js';

const READ_USERS: GraphPermission[] = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_USERS: GraphPermission[] = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];
const READ_ROLES: GraphPermission[] = ['RoleManagement.ReadWrite.Directory', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_ROLES: GraphPermission[] = ['RoleManagement.ReadWrite.Directory'];
const READ_GRANTS: GraphPermission[] = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_GRANTS: GraphPermission[] = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'];

interface Req {
  caller: GraphCaller;
  method: string;
  segments: string[];
  query: Record<string, string>;
  body: Record<string, unknown>;
  reply: FastifyReply;
  origin: string;
}

const unquote = (s: string) => s.slice(1, -1).replace(/''/g, "'");
const STRING = "'(?:[^']|'')*'";

/** `$filter` on users: `eq` and `startswith` on userPrincipalName and displayName, joined with `and`. */
function parseUserFilter(filter: string | undefined) {
  const out: { userPrincipalName?: string; displayName?: string; displayNameStartsWith?: string; userPrincipalNameStartsWith?: string } =
    {};
  if (filter === undefined || filter.trim() === '') return out;
  for (const raw of filter.split(/\s+and\s+/i)) {
    const c = raw.trim();
    let m = new RegExp(`^(userPrincipalName|displayName)\\s+eq\\s+(${STRING})$`, 'i').exec(c);
    if (m) {
      if (m[1]!.toLowerCase() === 'displayname') out.displayName = unquote(m[2]!);
      else out.userPrincipalName = unquote(m[2]!);
      continue;
    }
    m = new RegExp(`^startswith\\(\\s*(userPrincipalName|displayName)\\s*,\\s*(${STRING})\\s*\\)$`, 'i').exec(c);
    if (m) {
      if (m[1]!.toLowerCase() === 'displayname') out.displayNameStartsWith = unquote(m[2]!);
      else out.userPrincipalNameStartsWith = unquote(m[2]!);
      continue;
    }
    throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${c}'.`);
  }
  return out;
}

const notFound = (key: string) =>
  errors.notFound(`Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);

const roleJson = (r: DirectoryRole) => ({
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

/**
 * Graph v1.0 routes of user context: users, directory roles (`directoryRoles`,
 * `roleManagement/directory`), delegated permission grants (`oauth2PermissionGrants`) and `me`.
 * Registered beside the generic `/v1.0/*` route; Fastify prefers these static prefixes.
 */
export function registerUserRoutes(app: FastifyInstance, services: Services, operatorKey: () => string | undefined): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = await authenticateGraphCaller(
      services,
      req.headers.authorization,
      typeof req.headers['x-appwarden-tenant'] === 'string' ? req.headers['x-appwarden-tenant'] : undefined,
      operatorKey(),
    );
    const path = decodeURIComponent(req.url.split('?')[0]!.replace(/^\/v1\.0\/?/i, ''));
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    const r: Req = {
      caller,
      method: req.method,
      segments: path.split('/').filter(Boolean),
      query: req.query as Record<string, string>,
      body,
      reply,
      origin: services.origin.value,
    };
    const set = r.segments[0]!.toLowerCase();
    if (set === 'users') return users(r, r.segments.slice(1));
    if (set === 'me') {
      if (!caller.userId) throw errors.invalidInput('/me request is only valid with delegated authentication flow.');
      return users(r, [caller.userId, ...r.segments.slice(1)]);
    }
    if (set === 'directoryroles') return directoryRoles(r);
    if (set === 'rolemanagement') return roleManagement(r);
    return permissionGrants(r);
  };
  for (const prefix of ['users', 'me', 'directoryRoles', 'roleManagement', 'oauth2PermissionGrants']) {
    app.all(`/v1.0/${prefix}`, handler);
    app.all(`/v1.0/${prefix}/*`, handler);
  }

  const ctx = (origin: string, what: string) => `${origin}/v1.0/$metadata#${what}`;

  function top(r: Req): number {
    const t = r.query.$top === undefined ? GRAPH_DEFAULT_TOP : Number(r.query.$top);
    if (!Number.isInteger(t) || t < 1 || t > GRAPH_MAX_TOP)
      throw errors.invalidInput(`Invalid page size specified: '${r.query.$top}'. Must be between 1 and ${GRAPH_MAX_TOP} inclusive.`);
    return t;
  }

  async function findUser(r: Req, key: string): Promise<User> {
    const u = await services.users.get(r.caller.tenant.id, key);
    if (!u) throw notFound(key);
    return u;
  }

  async function users(r: Req, rest: string[]) {
    const tenant = r.caller.tenant;
    const [key, nav, extra] = rest;
    if (key === undefined) {
      if (r.method === 'GET') {
        requireAny(r.caller, READ_USERS);
        const list = await services.users.list(tenant.id, parseUserFilter(r.query.$filter), top(r));
        return { '@odata.context': ctx(r.origin, 'users'), value: list.map(userJson) };
      }
      if (r.method === 'POST') {
        requireAny(r.caller, WRITE_USERS);
        const u = await services.users.create(tenant, r.body);
        r.reply.code(201).header('location', `${r.origin}/v1.0/users/${u.id}`);
        return { '@odata.context': ctx(r.origin, 'users/$entity'), ...userJson(u) };
      }
      throw errors.methodNotAllowed();
    }
    if (extra !== undefined) throw errors.invalidInput('Invalid request path.');
    const self = r.caller.userId !== undefined && (key === r.caller.userId || key.toLowerCase() === r.caller.userPrincipalName);
    const user = await findUser(r, key);
    if (nav === undefined) {
      if (r.method === 'GET') {
        if (!self) requireAny(r.caller, READ_USERS);
        return { '@odata.context': ctx(r.origin, 'users/$entity'), ...userJson(user) };
      }
      if (r.method === 'PATCH') {
        requireAny(r.caller, WRITE_USERS);
        await services.users.update(tenant, user, r.body);
        return r.reply.code(204).send();
      }
      if (r.method === 'DELETE') {
        requireAny(r.caller, WRITE_USERS);
        await services.users.delete(user);
        return r.reply.code(204).send();
      }
      throw errors.methodNotAllowed();
    }
    const action = nav.replace(/^microsoft\.graph\./i, '').toLowerCase();
    if (action === 'revokesigninsessions') {
      if (r.method !== 'POST') throw errors.methodNotAllowed();
      if (!self) requireAny(r.caller, WRITE_USERS);
      await services.users.revokeSignInSessions(user);
      return { '@odata.context': ctx(r.origin, 'Edm.Boolean'), value: true };
    }
    if (action === 'memberof') {
      if (r.method !== 'GET') throw errors.methodNotAllowed();
      if (!self) requireAny(r.caller, READ_USERS);
      const ids = await services.directoryRoles.roleTemplateIdsOf(tenant.id, user.id);
      const roles = services.directoryRoles.roles(tenant.id).filter((x) => ids.includes(x.id));
      return {
        '@odata.context': ctx(r.origin, 'directoryObjects'),
        value: roles.map((x) => ({ '@odata.type': '#microsoft.graph.directoryRole', ...roleJson(x) })),
      };
    }
    throw errors.invalidInput(`Resource not found for the segment '${nav}'.`);
  }

  async function directoryRoles(r: Req) {
    const tenantId = r.caller.tenant.id;
    const [, key, nav, ref, extra] = r.segments;
    if (key === undefined) {
      if (r.method !== 'GET') throw errors.methodNotAllowed();
      requireAny(r.caller, READ_ROLES);
      return { '@odata.context': ctx(r.origin, 'directoryRoles'), value: services.directoryRoles.roles(tenantId).map(roleJson) };
    }
    const role = services.directoryRoles.role(tenantId, key);
    if (!role) throw notFound(key);
    if (nav === undefined) {
      if (r.method !== 'GET') throw errors.methodNotAllowed();
      requireAny(r.caller, READ_ROLES);
      return { '@odata.context': ctx(r.origin, 'directoryRoles/$entity'), ...roleJson(role) };
    }
    if (nav.toLowerCase() !== 'members' || extra !== undefined) throw errors.invalidInput(`Resource not found for the segment '${nav}'.`);
    if (ref === undefined) {
      if (r.method !== 'GET') throw errors.methodNotAllowed();
      requireAny(r.caller, READ_ROLES);
      const assignments = await services.directoryRoles.list(tenantId, { roleTemplateId: role.id });
      const members = (await Promise.all(assignments.map((a) => services.users.getById(a.principal_id)))).filter(
        (u): u is User => u !== undefined,
      );
      return {
        '@odata.context': ctx(r.origin, 'directoryObjects'),
        value: members.map((u) => ({ '@odata.type': '#microsoft.graph.user', ...userJson(u) })),
      };
    }
    if (ref.toLowerCase() === '$ref' && r.method === 'POST') {
      requireAny(r.caller, WRITE_ROLES);
      await services.directoryRoles.assign(tenantId, referencedId(r.body), role.id);
      return r.reply.code(204).send();
    }
    // DELETE /directoryRoles/{id}/members/{userId}/$ref
    if (r.method === 'DELETE' && /^[0-9a-f-]{36}$/i.test(ref)) {
      requireAny(r.caller, WRITE_ROLES);
      const [a] = await services.directoryRoles.list(tenantId, { principalId: ref.toLowerCase(), roleTemplateId: role.id });
      if (!a) throw notFound(ref);
      await services.directoryRoles.remove(tenantId, a.id);
      return r.reply.code(204).send();
    }
    throw errors.methodNotAllowed();
  }

  async function roleManagement(r: Req) {
    const tenantId = r.caller.tenant.id;
    const [, directory, set, key, extra] = r.segments;
    if (directory?.toLowerCase() !== 'directory' || set === undefined || extra !== undefined) {
      throw errors.invalidInput('Invalid request path.');
    }
    const what = set.toLowerCase();
    if (what === 'roledefinitions') {
      if (r.method !== 'GET') throw errors.methodNotAllowed();
      requireAny(r.caller, READ_ROLES);
      const defs = services.directoryRoles.roles(tenantId).map((x) => ({
        id: x.id,
        description: x.description,
        displayName: x.displayName,
        isBuiltIn: true,
        isEnabled: true,
        templateId: x.id,
      }));
      if (key !== undefined) {
        const d = defs.find((x) => x.id === key.toLowerCase());
        if (!d) throw notFound(key);
        return { '@odata.context': ctx(r.origin, 'roleManagement/directory/roleDefinitions/$entity'), ...d };
      }
      return { '@odata.context': ctx(r.origin, 'roleManagement/directory/roleDefinitions'), value: defs };
    }
    if (what !== 'roleassignments') throw errors.invalidInput(`Resource not found for the segment '${set}'.`);
    if (key === undefined) {
      if (r.method === 'GET') {
        requireAny(r.caller, READ_ROLES);
        const f = r.query.$filter;
        const m = f ? /^\s*(principalId|roleDefinitionId)\s+eq\s+'([^']*)'\s*$/i.exec(f) : null;
        if (f && !m) throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${f}'.`);
        const filter = !m
          ? {}
          : m[1]!.toLowerCase() === 'principalid'
            ? { principalId: m[2]!.toLowerCase() }
            : { roleTemplateId: m[2]!.toLowerCase() };
        const list = await services.directoryRoles.list(tenantId, filter);
        return { '@odata.context': ctx(r.origin, 'roleManagement/directory/roleAssignments'), value: list.map(roleAssignmentJson) };
      }
      if (r.method === 'POST') {
        requireAny(r.caller, WRITE_ROLES);
        const scope = r.body.directoryScopeId ?? r.body.appScopeId;
        if (scope === undefined) throw errors.invalidInput("Either 'directoryScopeId' or 'appScopeId' must be specified.");
        if (scope !== '/') throw errors.invalidInput("Only the tenant-wide scope '/' is supported for 'directoryScopeId'.");
        const created = await services.directoryRoles.assign(tenantId, r.body.principalId, r.body.roleDefinitionId);
        r.reply.code(201);
        return {
          '@odata.context': ctx(r.origin, 'roleManagement/directory/roleAssignments/$entity'),
          '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
          ...roleAssignmentJson(created),
        };
      }
      throw errors.methodNotAllowed();
    }
    const a = await services.directoryRoles.get(tenantId, key);
    if (!a) throw notFound(key);
    if (r.method === 'GET') {
      requireAny(r.caller, READ_ROLES);
      return { '@odata.context': ctx(r.origin, 'roleManagement/directory/roleAssignments/$entity'), ...roleAssignmentJson(a) };
    }
    if (r.method === 'DELETE') {
      requireAny(r.caller, WRITE_ROLES);
      await services.directoryRoles.remove(tenantId, a.id);
      return r.reply.code(204).send();
    }
    throw errors.methodNotAllowed();
  }

  async function permissionGrants(r: Req) {
    const tenantId = r.caller.tenant.id;
    const [, key, extra] = r.segments;
    if (extra !== undefined) throw errors.invalidInput('Invalid request path.');
    if (key === undefined) {
      if (r.method === 'GET') {
        requireAny(r.caller, READ_GRANTS);
        const filter: { clientId?: string; consentType?: string; resourceId?: string } = {};
        if (r.query.$filter) {
          for (const c of r.query.$filter.split(/\s+and\s+/i)) {
            const m = /^\s*(clientId|consentType|resourceId)\s+eq\s+'([^']*)'\s*$/i.exec(c);
            if (!m) throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${c}'.`);
            const k = m[1]!.toLowerCase();
            if (k === 'clientid') filter.clientId = m[2]!.toLowerCase();
            else if (k === 'resourceid') filter.resourceId = m[2]!.toLowerCase();
            else filter.consentType = m[2]!;
          }
        }
        const list = await services.permissionGrants.list(tenantId, filter);
        return { '@odata.context': ctx(r.origin, 'oauth2PermissionGrants'), value: list.map(permissionGrantJson) };
      }
      if (r.method === 'POST') {
        requireAny(r.caller, WRITE_GRANTS);
        const g = await services.permissionGrants.create(tenantId, r.body);
        r.reply.code(201).header('location', `${r.origin}/v1.0/oauth2PermissionGrants/${g.id}`);
        return { '@odata.context': ctx(r.origin, 'oauth2PermissionGrants/$entity'), ...permissionGrantJson(g) };
      }
      throw errors.methodNotAllowed();
    }
    const g = await services.permissionGrants.get(tenantId, key);
    if (!g) throw notFound(key);
    if (r.method === 'GET') {
      requireAny(r.caller, READ_GRANTS);
      return { '@odata.context': ctx(r.origin, 'oauth2PermissionGrants/$entity'), ...permissionGrantJson(g) };
    }
    if (r.method === 'PATCH') {
      requireAny(r.caller, WRITE_GRANTS);
      await services.permissionGrants.updateScope(tenantId, g, r.body.scope);
      return r.reply.code(204).send();
    }
    if (r.method === 'DELETE') {
      requireAny(r.caller, WRITE_GRANTS);
      await services.permissionGrants.delete(tenantId, g.id);
      return r.reply.code(204).send();
    }
    throw errors.methodNotAllowed();
  }
}
