import { ensureGlobalStream, streamJson } from '../../../discovery/ingest/streams.js';
import type { CloudAppsCall, CloudAppsRoute } from '../../route-definition.js';

/** The tenant's reports: the Global View first (it sums the continuous streams), then the others. */
async function list(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  await ensureGlobalStream(call.services.stores, tenantId, call.now);
  const rows = await call.services.stores.discovery.streams.list(tenantId);
  const sources = rows.filter((r) => r.is_global === 0 && r.global_aggregated === 1).map((r) => r.id);
  return { streams: rows.map((r) => streamJson(r, r.is_global === 1 ? sources : [])) };
}

/** Reports (streams) need Discovery.read; the endpoint has no `/v1/` in the docs, so both families answer. */
export const STREAM_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/streams'],
    rootPaths: ['discovery/streams'],
    endpoint: 'discovery.streams',
    handle: list,
  },
];
