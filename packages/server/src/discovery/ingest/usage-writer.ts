// Parse results -> stored daily buckets. Only traffic to catalogued apps is stored (the report
// counts apps); each bucket is labelled with the tenant's IP ranges of its source IP.
import { IpRangeService } from '../../cloudapps/subnets/ip-range-service.js';
import type { DiscoveryAggregateRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import type { ParseStreamResult } from '../index.js';

export async function writeUsage(
  stores: Stores,
  ipRanges: IpRangeService,
  tenantId: string,
  streamId: string,
  result: Pick<ParseStreamResult, 'aggregates'>,
): Promise<number> {
  const table = await ipRanges.table(tenantId);
  const labels = new Map<string, ReturnType<typeof IpRangeService.enrichment>>();
  const rows: DiscoveryAggregateRow[] = [];
  const days = new Map<string, number>();
  for (const a of result.aggregates) {
    if (a.appId === null) continue;
    let day = days.get(a.day);
    if (day === undefined) days.set(a.day, (day = Date.parse(`${a.day}T00:00:00Z`)));
    let e = labels.get(a.srcIp);
    if (e === undefined && !labels.has(a.srcIp)) labels.set(a.srcIp, (e = IpRangeService.enrichment(table, a.srcIp)));
    rows.push({
      tenant_id: tenantId,
      stream_id: streamId,
      day,
      app_id: a.appId,
      user_name: a.user ?? '',
      ip: a.srcIp,
      transactions: a.transactions,
      blocked: a.blockedTransactions,
      bytes_up: a.bytesUp,
      bytes_down: a.bytesDown,
      bytes_total: a.bytesTotal,
      ip_category: e?.category ?? null,
      ip_tags: JSON.stringify(e?.tags ?? []),
      organization: e?.organization ?? null,
    });
  }
  if (rows.length > 0) await stores.transaction((tx) => tx.discovery.usage.add(rows));
  return rows.length;
}
