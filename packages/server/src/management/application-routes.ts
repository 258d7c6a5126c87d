import { errors } from '../http/errors.js';
import { RouteResponse } from '../http/route-table.js';
import type { Application } from '../identity/application-model.js';
import { applicationJson } from './representations.js';
import {
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

/** What `$filter` and `$orderby` may use on applications (Graph's defaults; sorting is an advanced query). */
const APPLICATION_QUERY: CollectionQuery = {
  resource: 'Application',
  filter: { id: ['eq'], appId: ['eq', 'startswith'], displayName: ['eq', 'startswith'], signInAudience: ['eq'] },
  orderby: { displayName: 'advanced' },
};

/** An application by object id or by `appId` alternate key. */
const ITEM = ['applications/:id', 'applications(appId=:appId)'];
const action = (name: string) => ITEM.map((p) => `${p}/${name}`);

async function appJson(call: GraphCall, a: Application) {
  const apps = call.services.applications;
  const [p, k] = await Promise.all([apps.passwordCredentials(a), apps.keyCredentials(a)]);
  return applicationJson(a, p, k);
}

async function find(call: GraphCall): Promise<Application> {
  const tenantId = call.caller.tenant.id;
  const { id, appId } = call.path;
  const found =
    appId !== undefined
      ? await call.services.applications.getByAppId(tenantId, appId)
      : await call.services.applications.get(tenantId, id!);
  if (!found) throw entityNotFound(call.path);
  return found;
}

async function all(call: GraphCall) {
  const apps = await call.services.applications.list(call.caller.tenant.id, {}, Number.MAX_SAFE_INTEGER);
  return Promise.all(apps.map((a) => appJson(call, a)));
}

async function list(call: GraphCall) {
  return graphCollection(call, { what: 'applications', path: 'applications', spec: APPLICATION_QUERY }, await all(call));
}

async function count(call: GraphCall) {
  return graphCount(call, APPLICATION_QUERY, await all(call));
}

async function create(call: GraphCall) {
  const created = await call.services.applications.create(call.caller.tenant.id, call.body);
  return new RouteResponse(
    201,
    { '@odata.context': odataContext(call.origin, 'applications/$entity'), ...(await appJson(call, created)) },
    { location: `${call.origin}/v1.0/applications/${created.id}` },
  );
}

async function get(call: GraphCall) {
  const found = await find(call);
  return { '@odata.context': odataContext(call.origin, 'applications/$entity'), ...(await appJson(call, found)) };
}

async function update(call: GraphCall) {
  const found = await find(call);
  if ('passwordCredentials' in call.body) {
    throw errors.invalidInput('Updates to passwordCredentials are not supported; use addPassword and removePassword.');
  }
  await call.services.applications.update(found, call.body);
  return new RouteResponse(204);
}

async function remove(call: GraphCall) {
  await call.services.applications.delete(await find(call));
  return new RouteResponse(204);
}

async function addPassword(call: GraphCall) {
  const found = await find(call);
  const pc = (call.body.passwordCredential ?? {}) as Record<string, unknown>;
  const created = await call.services.applications.addPassword(found, pc);
  return { '@odata.context': odataContext(call.origin, 'microsoft.graph.passwordCredential'), ...created };
}

async function removePassword(call: GraphCall) {
  await call.services.applications.removePassword(await find(call), call.body.keyId);
  return new RouteResponse(204);
}

/** App registrations: `/v1.0/applications`, by id or `(appId='…')`, and the password actions. */
export const APPLICATION_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['applications'], permissions: READ_APPS, handle: list },
  // Before the item routes: `$count` would otherwise be taken for an id.
  { methods: ['GET'], paths: ['applications/$count'], permissions: READ_APPS, handle: count },
  { methods: ['POST'], paths: ['applications'], permissions: WRITE_APPS, handle: create },
  { methods: ['GET'], paths: ITEM, permissions: READ_APPS, handle: get },
  { methods: ['PATCH'], paths: ITEM, permissions: WRITE_APPS, handle: update },
  { methods: ['DELETE'], paths: ITEM, permissions: WRITE_APPS, handle: remove },
  { methods: ['POST'], paths: action('addPassword'), permissions: WRITE_APPS, handle: addPassword },
  { methods: ['POST'], paths: action('removePassword'), permissions: WRITE_APPS, handle: removePassword },
];
