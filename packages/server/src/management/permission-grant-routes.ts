import type { GraphPermission } from '@appwarden/protocol';
import { RouteResponse } from '../http/route-table.js';
import type { PermissionGrantRow } from '../store/user-context-schema.js';
import { GRAPH_FILTER_LIMITS, readStoreFilter, type StoreFilterSpec } from './graph-query.js';
import { permissionGrantJson } from './permission-grant-json.js';
import { entityNotFound, odataContext, type GraphCall, type GraphRoute } from './route-definition.js';

export const READ_GRANTS: readonly GraphPermission[] = [
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const WRITE_GRANTS: readonly GraphPermission[] = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'];

const ITEM = 'oauth2PermissionGrants/:grant';

/** `$filter` on grants: `eq` on clientId, consentType and resourceId, joined with `and`. */
const GRANT_FILTER: StoreFilterSpec = {
  filter: { clientId: ['eq'], consentType: ['eq'], resourceId: ['eq'] },
  maxClauses: GRAPH_FILTER_LIMITS.maxClauses,
};

/** The grants store's filter from `$filter`; object ids compare lower-cased (a later clause wins). */
export function grantFilter(filter: string | undefined) {
  const out: { clientId?: string; consentType?: string; resourceId?: string } = {};
  for (const c of readStoreFilter(filter, GRANT_FILTER)) {
    if (c.property === 'consentType') out.consentType = c.value;
    else out[c.property as 'clientId' | 'resourceId'] = c.value.toLowerCase();
  }
  return out;
}

async function find(call: GraphCall): Promise<PermissionGrantRow> {
  const g = await call.services.permissionGrants.get(call.caller.tenant.id, call.path.grant!);
  if (!g) throw entityNotFound(call.path, 'grant');
  return g;
}

async function list(call: GraphCall) {
  const found = await call.services.permissionGrants.list(call.caller.tenant.id, grantFilter(call.query.$filter));
  return { '@odata.context': odataContext(call.origin, 'oauth2PermissionGrants'), value: found.map(permissionGrantJson) };
}

async function create(call: GraphCall) {
  const g = await call.services.permissionGrants.create(call.caller.tenant.id, call.body);
  return new RouteResponse(
    201,
    { '@odata.context': odataContext(call.origin, 'oauth2PermissionGrants/$entity'), ...permissionGrantJson(g) },
    { location: `${call.origin}/v1.0/oauth2PermissionGrants/${g.id}` },
  );
}

async function get(call: GraphCall) {
  return { '@odata.context': odataContext(call.origin, 'oauth2PermissionGrants/$entity'), ...permissionGrantJson(await find(call)) };
}

async function update(call: GraphCall) {
  await call.services.permissionGrants.updateScope(call.caller.tenant.id, await find(call), call.body.scope);
  return new RouteResponse(204);
}

async function remove(call: GraphCall) {
  const g = await find(call);
  await call.services.permissionGrants.delete(call.caller.tenant.id, g.id);
  return new RouteResponse(204);
}

/** Delegated permission grants (`/v1.0/oauth2PermissionGrants`): who consented to which scopes. */
export const PERMISSION_GRANT_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['oauth2PermissionGrants'], permissions: READ_GRANTS, handle: list },
  { methods: ['POST'], paths: ['oauth2PermissionGrants'], permissions: WRITE_GRANTS, handle: create },
  { methods: ['GET'], paths: [ITEM], permissions: READ_GRANTS, handle: get },
  { methods: ['PATCH'], paths: [ITEM], permissions: WRITE_GRANTS, handle: update },
  { methods: ['DELETE'], paths: [ITEM], permissions: WRITE_GRANTS, handle: remove },
];
