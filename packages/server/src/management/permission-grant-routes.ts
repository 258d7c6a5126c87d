import type { GraphPermission } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import { RouteResponse } from '../http/route-table.js';
import type { PermissionGrantRow } from '../store/user-context-schema.js';
import { permissionGrantJson } from './permission-grant-json.js';
import { entityNotFound, odataContext, type GraphCall, type GraphRoute } from './route-definition.js';

export const READ_GRANTS: readonly GraphPermission[] = [
  'DelegatedPermissionGrant.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
];
export const WRITE_GRANTS: readonly GraphPermission[] = ['DelegatedPermissionGrant.ReadWrite.All', 'Directory.ReadWrite.All'];

const ITEM = 'oauth2PermissionGrants/:grant';

/** `$filter`: `eq` on clientId, consentType and resourceId, joined with `and`. */
function parseGrantFilter(filter: string | undefined) {
  const out: { clientId?: string; consentType?: string; resourceId?: string } = {};
  if (!filter) return out;
  for (const c of filter.split(/\s+and\s+/i)) {
    const m = /^\s*(clientId|consentType|resourceId)\s+eq\s+'([^']*)'\s*$/i.exec(c);
    if (!m) throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${c}'.`);
    const k = m[1]!.toLowerCase();
    if (k === 'clientid') out.clientId = m[2]!.toLowerCase();
    else if (k === 'resourceid') out.resourceId = m[2]!.toLowerCase();
    else out.consentType = m[2]!;
  }
  return out;
}

async function find(call: GraphCall): Promise<PermissionGrantRow> {
  const g = await call.services.permissionGrants.get(call.caller.tenant.id, call.path.grant!);
  if (!g) throw entityNotFound(call.path, 'grant');
  return g;
}

async function list(call: GraphCall) {
  const found = await call.services.permissionGrants.list(call.caller.tenant.id, parseGrantFilter(call.query.$filter));
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
