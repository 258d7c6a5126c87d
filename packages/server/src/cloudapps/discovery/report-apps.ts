import { reportStreams } from '../../discovery/ingest/streams.js';
import { discoveredApps, TIME_FRAMES, windowStart, type DiscoveredApp } from '../../discovery/reports/discovered-apps.js';
import type { SanctionState } from '../../store/discovery-schema.js';
import { invalidParameter } from '../errors.js';
import { intParam, stringParam } from '../request-params.js';
import type { CloudAppsCall } from '../route-definition.js';

/** The tenant's sanctioning marks by app id. */
export async function sanctionStates(call: CloudAppsCall): Promise<Map<number, SanctionState>> {
  const rows = await call.services.stores.discovery.appStates.list(call.caller.tenant.id);
  return new Map(rows.map((r) => [r.app_id, r.state]));
}

/**
 * The apps of the report a request names (`streamId` or `stream_id`, the Global View by default)
 * over its time frame (7, 30 or 90 days; `timeframe` or `timeFrame`): the input of the discovered
 * apps and categories lists.
 */
export async function reportApps(call: CloudAppsCall): Promise<DiscoveredApp[]> {
  const p = call.params;
  const tf = intParam(p, p.timeFrame !== undefined ? 'timeFrame' : 'timeframe', 90);
  if (!(TIME_FRAMES as readonly number[]).includes(tf)) throw invalidParameter('timeframe', 'timeframe must be 7, 30 or 90', tf);
  const streamId = stringParam(p, 'streamId') ?? stringParam(p, 'stream_id');
  const report = await reportStreams(call.services.stores, call.caller.tenant.id, streamId || undefined, call.now);
  if (!report) throw invalidParameter('streamId', `${streamId} is not a report of this tenant`, streamId);
  const totals = await call.services.stores.discovery.usage.appTotals(call.caller.tenant.id, report.sourceIds, windowStart(call.now, tf));
  return discoveredApps(totals, await sanctionStates(call));
}
