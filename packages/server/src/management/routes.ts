import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { graphErrors } from '../http/errors.js';
import type { Application } from '../identity/application-model.js';
import type { ServicePrincipal } from '../identity/service-principal-service.js';
import type { Services } from '../wiring.js';
import { authenticateGraphCaller, requireAny, type GraphCaller } from './graph-auth.js';
import { parseSimpleFilter } from './odata-filter.js';
import { appRoleAssignmentJson, applicationJson, organizationJson, servicePrincipalJson } from './representations.js';

/** Page size of Graph lists: `$top` default and maximum (Graph uses 100 and 999). */
export const GRAPH_DEFAULT_TOP = 100;
export const GRAPH_MAX_TOP = 999;

interface GraphRequest {
  caller: GraphCaller;
  method: string;
  segments: string[];
  query: Record<string, string>;
  body: Record<string, unknown>;
  reply: FastifyReply;
  origin: string;
}

/** `applications(appId='…')` → { set: 'applications', key: { appId } }; `applications` → { set }. */
function parseEntitySegment(seg: string): { set: string; appId?: string } {
  const m = /^(\w+)\(\s*appId\s*=\s*(?:'([^']*)'|"([^"]*)")\s*\)$/i.exec(seg);
  if (m) return { set: m[1]!, appId: (m[2] ?? m[3] ?? '').toLowerCase() };
  return { set: seg };
}

const READ_APPS = ['Application.Read.All', 'Application.ReadWrite.All'] as const;

/**
 * The Microsoft Graph v1.0 subset that manages app registrations, service principals and app
 * role assignments. Paths and bodies follow Graph so scripts written for Graph work unchanged.
 */
export function registerManagementRoutes(app: FastifyInstance, services: Services, operatorKey: () => string | undefined): void {
  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const caller = await authenticateGraphCaller(
      services,
      req.headers.authorization,
      typeof req.headers['x-appwarden-tenant'] === 'string' ? req.headers['x-appwarden-tenant'] : undefined,
      operatorKey(),
    );
    const path = decodeURIComponent(req.url.split('?')[0]!.replace(/^\/v1\.0\/?/i, ''));
    const segments = path.split('/').filter(Boolean);
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
    return route({
      caller,
      method: req.method,
      segments,
      query: req.query as Record<string, string>,
      body,
      reply,
      origin: services.origin.value,
    });
  };
  app.all('/v1.0/*', handler);

  const ctx = (origin: string, what: string) => `${origin}/v1.0/$metadata#${what}`;

  async function route(r: GraphRequest): Promise<unknown> {
    const [first, second, third, fourth] = r.segments;
    if (!first) throw graphErrors.badRequest('Invalid request: no resource segment.');
    const entity = parseEntitySegment(first);
    const set = entity.set.toLowerCase();
    if (set === 'organization') return organization(r);
    if (set === 'applications') {
      if (!entity.appId && second === undefined) return applicationsCollection(r);
      const appRef = entity.appId ? { appId: entity.appId } : { id: second! };
      const action = entity.appId ? second : third;
      if (entity.appId && third !== undefined) throw graphErrors.badRequest('Invalid request path.');
      if (!entity.appId && fourth !== undefined) throw graphErrors.badRequest('Invalid request path.');
      return applicationItem(r, appRef, action);
    }
    if (set === 'serviceprincipals') {
      if (!entity.appId && second === undefined) return servicePrincipalsCollection(r);
      const ref = entity.appId ? { appId: entity.appId } : { id: second! };
      const rest = entity.appId ? r.segments.slice(1) : r.segments.slice(2);
      return servicePrincipalItem(r, ref, rest);
    }
    if (set === 'appwarden.adminconsent') return adminConsent(r);
    throw graphErrors.badRequest(`Resource not found for the segment '${first}'.`);
  }

  function organization(r: GraphRequest) {
    if (r.method !== 'GET') throw graphErrors.methodNotAllowed();
    requireAny(r.caller, 'Organization.Read.All', ...READ_APPS);
    return { '@odata.context': ctx(r.origin, 'organization'), value: [organizationJson(r.caller.tenant)] };
  }

  function page(r: GraphRequest): { top: number; skip: number } {
    const top = r.query.$top === undefined ? GRAPH_DEFAULT_TOP : Number(r.query.$top);
    if (!Number.isInteger(top) || top < 1 || top > GRAPH_MAX_TOP)
      throw graphErrors.badRequest(`Invalid page size specified: '${r.query.$top}'. Must be between 1 and ${GRAPH_MAX_TOP} inclusive.`);
    const skip = r.query.$skiptoken === undefined ? 0 : Number(r.query.$skiptoken);
    if (!Number.isInteger(skip) || skip < 0) throw graphErrors.badRequest('Invalid $skiptoken.');
    return { top, skip };
  }

  function pageOf<T>(r: GraphRequest, what: string, items: T[], top: number, skip: number, path: string) {
    const more = items.length > skip + top;
    const value = items.slice(skip, skip + top);
    const params = new URLSearchParams({ ...r.query, $skiptoken: String(skip + top) });
    return {
      '@odata.context': ctx(r.origin, what),
      ...(more ? { '@odata.nextLink': `${r.origin}/v1.0/${path}?${params.toString()}` } : {}),
      value,
    };
  }

  async function appJson(a: Application) {
    const [p, k] = await Promise.all([services.applications.passwordCredentials(a), services.applications.keyCredentials(a)]);
    return applicationJson(a, p, k);
  }

  async function applicationsCollection(r: GraphRequest) {
    const tenantId = r.caller.tenant.id;
    if (r.method === 'GET') {
      requireAny(r.caller, ...READ_APPS);
      const filter = parseSimpleFilter(r.query.$filter, ['appId', 'displayName', 'displayNameStartsWith']);
      const { top, skip } = page(r);
      const apps = await services.applications.list(tenantId, filter, skip + top + 1);
      const json = await Promise.all(apps.map(appJson));
      return pageOf(r, 'applications', json, top, skip, 'applications');
    }
    if (r.method === 'POST') {
      requireAny(r.caller, 'Application.ReadWrite.All');
      const created = await services.applications.create(tenantId, r.body);
      r.reply.code(201).header('location', `${r.origin}/v1.0/applications/${created.id}`);
      return { '@odata.context': ctx(r.origin, 'applications/$entity'), ...(await appJson(created)) };
    }
    throw graphErrors.methodNotAllowed();
  }

  async function applicationItem(r: GraphRequest, ref: { id?: string; appId?: string }, action: string | undefined) {
    const tenantId = r.caller.tenant.id;
    const found = ref.appId
      ? await services.applications.getByAppId(tenantId, ref.appId)
      : await services.applications.get(tenantId, ref.id!);
    if (!found)
      throw graphErrors.notFound(
        `Resource '${ref.appId ?? ref.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const act = action?.replace(/^microsoft\.graph\./i, '').toLowerCase();
    if (act === 'addpassword') {
      if (r.method !== 'POST') throw graphErrors.methodNotAllowed();
      requireAny(r.caller, 'Application.ReadWrite.All');
      const pc = (r.body.passwordCredential ?? {}) as Record<string, unknown>;
      const created = await services.applications.addPassword(found, pc);
      return { '@odata.context': ctx(r.origin, 'microsoft.graph.passwordCredential'), ...created };
    }
    if (act === 'removepassword') {
      if (r.method !== 'POST') throw graphErrors.methodNotAllowed();
      requireAny(r.caller, 'Application.ReadWrite.All');
      await services.applications.removePassword(found, r.body.keyId);
      return r.reply.code(204).send();
    }
    if (act !== undefined) throw graphErrors.badRequest(`Resource not found for the segment '${action}'.`);
    if (r.method === 'GET') {
      requireAny(r.caller, ...READ_APPS);
      return { '@odata.context': ctx(r.origin, 'applications/$entity'), ...(await appJson(found)) };
    }
    if (r.method === 'PATCH') {
      requireAny(r.caller, 'Application.ReadWrite.All');
      if ('passwordCredentials' in r.body) {
        throw graphErrors.badRequest('Updates to passwordCredentials are not supported; use addPassword and removePassword.');
      }
      await services.applications.update(found, r.body);
      return r.reply.code(204).send();
    }
    if (r.method === 'DELETE') {
      requireAny(r.caller, 'Application.ReadWrite.All');
      await services.applications.delete(found);
      return r.reply.code(204).send();
    }
    throw graphErrors.methodNotAllowed();
  }

  async function servicePrincipalsCollection(r: GraphRequest) {
    const tenantId = r.caller.tenant.id;
    if (r.method === 'GET') {
      requireAny(r.caller, ...READ_APPS);
      const filter = parseSimpleFilter(r.query.$filter, ['appId', 'displayName']);
      const { top, skip } = page(r);
      const sps = await services.servicePrincipals.list(
        tenantId,
        { ...(filter.appId ? { appId: filter.appId } : {}), ...(filter.displayName ? { displayName: filter.displayName } : {}) },
        skip + top + 1,
      );
      return pageOf(r, 'servicePrincipals', sps.map(servicePrincipalJson), top, skip, 'servicePrincipals');
    }
    if (r.method === 'POST') {
      requireAny(r.caller, 'Application.ReadWrite.All');
      const sp = await services.servicePrincipals.create(tenantId, r.body.appId, r.body);
      r.reply.code(201).header('location', `${r.origin}/v1.0/servicePrincipals/${sp.id}`);
      return { '@odata.context': ctx(r.origin, 'servicePrincipals/$entity'), ...servicePrincipalJson(sp) };
    }
    throw graphErrors.methodNotAllowed();
  }

  async function servicePrincipalItem(r: GraphRequest, ref: { id?: string; appId?: string }, rest: string[]) {
    const tenantId = r.caller.tenant.id;
    const sp: ServicePrincipal | undefined = ref.appId
      ? await services.servicePrincipals.getByAppId(tenantId, ref.appId)
      : await services.servicePrincipals.get(tenantId, ref.id!);
    if (!sp)
      throw graphErrors.notFound(
        `Resource '${ref.appId ?? ref.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const [nav, itemId, extra] = rest;
    if (extra !== undefined) throw graphErrors.badRequest('Invalid request path.');
    if (nav === undefined) {
      if (r.method === 'GET') {
        requireAny(r.caller, ...READ_APPS);
        return { '@odata.context': ctx(r.origin, 'servicePrincipals/$entity'), ...servicePrincipalJson(sp) };
      }
      if (r.method === 'PATCH') {
        requireAny(r.caller, 'Application.ReadWrite.All');
        await services.servicePrincipals.update(sp, r.body);
        return r.reply.code(204).send();
      }
      if (r.method === 'DELETE') {
        requireAny(r.caller, 'Application.ReadWrite.All');
        await services.servicePrincipals.delete(sp);
        return r.reply.code(204).send();
      }
      throw graphErrors.methodNotAllowed();
    }
    const navLower = nav.toLowerCase();
    if (navLower !== 'approleassignedto' && navLower !== 'approleassignments') {
      throw graphErrors.badRequest(`Resource not found for the segment '${nav}'.`);
    }
    const assignedTo = navLower === 'approleassignedto';
    const what = `servicePrincipals('${sp.id}')/${assignedTo ? 'appRoleAssignedTo' : 'appRoleAssignments'}`;
    if (itemId !== undefined) {
      const a = await services.servicePrincipals.getAssignment(tenantId, itemId);
      const belongs = a && (assignedTo ? a.resourceId === sp.id : a.principalId === sp.id);
      if (!a || !belongs) throw graphErrors.notFound();
      if (r.method === 'GET') {
        requireAny(r.caller, ...READ_APPS, 'AppRoleAssignment.ReadWrite.All');
        return { '@odata.context': ctx(r.origin, `${what}/$entity`), ...appRoleAssignmentJson(a) };
      }
      if (r.method === 'DELETE') {
        requireAny(r.caller, 'AppRoleAssignment.ReadWrite.All');
        await services.servicePrincipals.unassign(tenantId, a.id);
        return r.reply.code(204).send();
      }
      throw graphErrors.methodNotAllowed();
    }
    if (r.method === 'GET') {
      requireAny(r.caller, ...READ_APPS, 'AppRoleAssignment.ReadWrite.All');
      const list = assignedTo
        ? await services.servicePrincipals.assignmentsToResource(tenantId, sp.id)
        : await services.servicePrincipals.assignmentsOfPrincipal(tenantId, sp.id);
      const { top, skip } = page(r);
      return pageOf(r, what, list.map(appRoleAssignmentJson), top, skip, `servicePrincipals/${sp.id}/${nav}`);
    }
    if (r.method === 'POST') {
      requireAny(r.caller, 'AppRoleAssignment.ReadWrite.All');
      // Graph takes principalId/resourceId from the body; the path names one of them.
      const body = { ...r.body };
      if (assignedTo) body.resourceId ??= sp.id;
      else body.principalId ??= sp.id;
      if (assignedTo && String(body.resourceId).toLowerCase() !== sp.id)
        throw graphErrors.badRequest('resourceId must match the service principal in the path.');
      if (!assignedTo && String(body.principalId).toLowerCase() !== sp.id)
        throw graphErrors.badRequest('principalId must match the service principal in the path.');
      const created = await services.servicePrincipals.assign(tenantId, body);
      r.reply.code(201);
      return { '@odata.context': ctx(r.origin, `${what}/$entity`), ...appRoleAssignmentJson(created) };
    }
    throw graphErrors.methodNotAllowed();
  }

  /** Appwarden extension: the portal's "Grant admin consent" for an application, in the caller's tenant. */
  async function adminConsent(r: GraphRequest) {
    if (r.method !== 'POST') throw graphErrors.methodNotAllowed();
    requireAny(r.caller, 'AppRoleAssignment.ReadWrite.All');
    const clientId = r.body.clientId ?? r.body.appId;
    if (typeof clientId !== 'string') throw graphErrors.badRequest("Property 'clientId' is required.");
    const result = await services.servicePrincipals.grantAdminConsent(r.caller.tenant.id, clientId);
    const client = await services.applications.findAnyByAppId(clientId);
    if (client) await services.permissionGrants.grantAdminConsent(r.caller.tenant.id, client, result.servicePrincipal.id);
    return {
      servicePrincipal: servicePrincipalJson(result.servicePrincipal),
      granted: result.granted.map(appRoleAssignmentJson),
      missingResources: result.missingResources,
    };
  }
}
