import { errors } from '../http/errors.js';
import { RouteResponse } from '../http/route-table.js';
import type { ServicePrincipal } from '../identity/service-principal-service.js';
import { appRoleAssignmentJson, servicePrincipalJson } from './representations.js';
import {
  ASSIGN_ROLES,
  entityNotFound,
  graphCollection,
  graphCount,
  odataContext,
  READ_APPS,
  WRITE_APPS,
  type CollectionQuery,
  type GraphCall,
  type GraphRoute,
} from './route-definition.js';

/** What `$filter` and `$orderby` may use on service principals (Graph's defaults; sorting is an advanced query). */
const SERVICE_PRINCIPAL_QUERY: CollectionQuery = {
  resource: 'ServicePrincipal',
  filter: {
    id: ['eq'],
    appId: ['eq', 'startswith'],
    displayName: ['eq', 'startswith'],
    accountEnabled: ['eq'],
    servicePrincipalType: ['eq'],
    appOwnerOrganizationId: ['eq'],
  },
  orderby: { displayName: 'advanced' },
};

/** App role assignments: Graph filters them on the principal and the resource. */
const ASSIGNMENT_QUERY: CollectionQuery = {
  resource: 'AppRoleAssignment',
  filter: { principalId: ['eq'], resourceId: ['eq'], appRoleId: ['eq'], principalType: ['eq'] },
  orderby: {},
};

/** A service principal by object id or by `appId` alternate key. */
const ITEM = ['servicePrincipals/:id', 'servicePrincipals(appId=:appId)'];
const READ_ASSIGNMENTS = [...READ_APPS, ...ASSIGN_ROLES];

/** The two navigation properties of assignments: granted to the resource, or held by the principal. */
type Nav = 'appRoleAssignedTo' | 'appRoleAssignments';
const navPaths = (nav: Nav) => ITEM.map((p) => `${p}/${nav}`);
const navItemPaths = (nav: Nav) => ITEM.map((p) => `${p}/${nav}/:assignmentId`);

async function find(call: GraphCall): Promise<ServicePrincipal> {
  const tenantId = call.caller.tenant.id;
  const { id, appId } = call.path;
  const sp =
    appId !== undefined
      ? await call.services.servicePrincipals.getByAppId(tenantId, appId)
      : await call.services.servicePrincipals.get(tenantId, id!);
  if (!sp) throw entityNotFound(call.path);
  return sp;
}

async function all(call: GraphCall) {
  const sps = await call.services.servicePrincipals.list(call.caller.tenant.id, {}, Number.MAX_SAFE_INTEGER);
  return sps.map(servicePrincipalJson);
}

async function list(call: GraphCall) {
  return graphCollection(call, { what: 'servicePrincipals', path: 'servicePrincipals', spec: SERVICE_PRINCIPAL_QUERY }, await all(call));
}

async function count(call: GraphCall) {
  return graphCount(call, SERVICE_PRINCIPAL_QUERY, await all(call));
}

async function create(call: GraphCall) {
  const sp = await call.services.servicePrincipals.create(call.caller.tenant.id, call.body.appId, call.body);
  return new RouteResponse(
    201,
    { '@odata.context': odataContext(call.origin, 'servicePrincipals/$entity'), ...servicePrincipalJson(sp) },
    { location: `${call.origin}/v1.0/servicePrincipals/${sp.id}` },
  );
}

async function get(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, 'servicePrincipals/$entity'), ...servicePrincipalJson(await find(call)) };
}

async function update(call: GraphCall) {
  await call.services.servicePrincipals.update(await find(call), call.body);
  return new RouteResponse(204);
}

async function remove(call: GraphCall) {
  await call.services.servicePrincipals.delete(await find(call));
  return new RouteResponse(204);
}

const navContext = (sp: ServicePrincipal, nav: Nav) => `servicePrincipals('${sp.id}')/${nav}`;

function listAssignments(nav: Nav) {
  return async (call: GraphCall) => {
    const sp = await find(call);
    const tenantId = call.caller.tenant.id;
    const list =
      nav === 'appRoleAssignedTo'
        ? await call.services.servicePrincipals.assignmentsToResource(tenantId, sp.id)
        : await call.services.servicePrincipals.assignmentsOfPrincipal(tenantId, sp.id);
    return graphCollection(
      call,
      { what: navContext(sp, nav), path: `servicePrincipals/${sp.id}/${nav}`, spec: ASSIGNMENT_QUERY },
      list.map(appRoleAssignmentJson),
    );
  };
}

/** Graph takes principalId and resourceId from the body; the path names one of them, which must agree. */
function assign(nav: Nav) {
  return async (call: GraphCall) => {
    const sp = await find(call);
    const body = { ...call.body };
    const assignedTo = nav === 'appRoleAssignedTo';
    if (assignedTo) body.resourceId ??= sp.id;
    else body.principalId ??= sp.id;
    if (assignedTo && String(body.resourceId).toLowerCase() !== sp.id)
      throw errors.invalidInput('resourceId must match the service principal in the path.');
    if (!assignedTo && String(body.principalId).toLowerCase() !== sp.id)
      throw errors.invalidInput('principalId must match the service principal in the path.');
    const created = await call.services.servicePrincipals.assign(call.caller.tenant.id, body);
    return new RouteResponse(201, {
      '@odata.context': odataContext(call.origin, `${navContext(sp, nav)}/$entity`),
      ...appRoleAssignmentJson(created),
    });
  };
}

/** The assignment in the path, when it belongs to the service principal on that side. */
async function findAssignment(call: GraphCall, nav: Nav) {
  const sp = await find(call);
  const a = await call.services.servicePrincipals.getAssignment(call.caller.tenant.id, call.path.assignmentId!);
  const belongs = a && (nav === 'appRoleAssignedTo' ? a.resourceId === sp.id : a.principalId === sp.id);
  if (!a || !belongs) throw errors.notFound();
  return { sp, a };
}

function getAssignment(nav: Nav) {
  return async (call: GraphCall) => {
    const { sp, a } = await findAssignment(call, nav);
    return { '@odata.context': odataContext(call.origin, `${navContext(sp, nav)}/$entity`), ...appRoleAssignmentJson(a) };
  };
}

function unassign(nav: Nav) {
  return async (call: GraphCall) => {
    const { a } = await findAssignment(call, nav);
    await call.services.servicePrincipals.unassign(call.caller.tenant.id, a.id);
    return new RouteResponse(204);
  };
}

/** Appwarden extension: the portal's "Grant admin consent" for an application, in the caller's tenant. */
async function adminConsent(call: GraphCall) {
  const clientId = call.body.clientId ?? call.body.appId;
  if (typeof clientId !== 'string') throw errors.invalidInput("Property 'clientId' is required.");
  const result = await call.services.servicePrincipals.grantAdminConsent(call.caller.tenant.id, clientId);
  const client = await call.services.applications.findAnyByAppId(clientId);
  if (client) await call.services.permissionGrants.grantAdminConsent(call.caller.tenant.id, client, result.servicePrincipal.id);
  return {
    servicePrincipal: servicePrincipalJson(result.servicePrincipal),
    granted: result.granted.map(appRoleAssignmentJson),
    missingResources: result.missingResources,
  };
}

function assignmentRoutes(nav: Nav): GraphRoute[] {
  return [
    { methods: ['GET'], paths: navPaths(nav), permissions: READ_ASSIGNMENTS, handle: listAssignments(nav) },
    { methods: ['POST'], paths: navPaths(nav), permissions: ASSIGN_ROLES, handle: assign(nav) },
    { methods: ['GET'], paths: navItemPaths(nav), permissions: READ_ASSIGNMENTS, handle: getAssignment(nav) },
    { methods: ['DELETE'], paths: navItemPaths(nav), permissions: ASSIGN_ROLES, handle: unassign(nav) },
  ];
}

/** Service principals, their app role assignments (both sides) and admin consent. */
export const SERVICE_PRINCIPAL_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['servicePrincipals'], permissions: READ_APPS, handle: list },
  // Before the item routes: `$count` would otherwise be taken for an id.
  { methods: ['GET'], paths: ['servicePrincipals/$count'], permissions: READ_APPS, handle: count },
  { methods: ['POST'], paths: ['servicePrincipals'], permissions: WRITE_APPS, handle: create },
  { methods: ['GET'], paths: ITEM, permissions: READ_APPS, handle: get },
  { methods: ['PATCH'], paths: ITEM, permissions: WRITE_APPS, handle: update },
  { methods: ['DELETE'], paths: ITEM, permissions: WRITE_APPS, handle: remove },
  ...assignmentRoutes('appRoleAssignedTo'),
  ...assignmentRoutes('appRoleAssignments'),
  { methods: ['POST'], paths: ['appwarden.adminConsent'], permissions: ASSIGN_ROLES, handle: adminConsent },
];
