// Parse results -> stored daily buckets. Only traffic to catalogued apps is stored (the report
// counts apps); each bucket is labelled with the tenant's IP ranges of its source IP.
import { IpRangeService } from '../../cloudapps/subnets/ip-range-service.js';
import type { DiscoveryAggregateRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import type { ParseStreamResult } from '../index.js';

/** Rows built and handed to the store at a time (one transaction for all). */
const WRITE_BATCH = 5000;

export async function writeUsage(
  stores: Stores,
  ipRanges: IpRangeService,
  tenantId: string,
  streamId: string,
  result: Pick<ParseStreamResult, 'aggregates'>,
): Promise<number> {
  const table = await ipRanges.table(tenantId);
  const labels = new Map<string, ReturnType<typeof IpRangeService.enrichment>>();
  const days = new Map<string, number>();
  const aggregates = result.aggregates;
  let next = 0;
  /** The next rows to store (at most WRITE_BATCH): rows are built batch by batch, not all at once. */
  const batch = (): DiscoveryAggregateRow[] => {
    const rows: DiscoveryAggregateRow[] = [];
    for (; next < aggregates.length && rows.length < WRITE_BATCH; next++) {
      const a = aggregates[next]!;
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
    return rows;
  };
  if (!aggregates.some((a) => a.appId !== null)) return 0;
  let stored = 0;
  await stores.transaction(async (tx) => {
    // From the start on every attempt (a store may run the callback again).
    next = 0;
    stored = 0;
    for (let rows = batch(); rows.length > 0; rows = batch()) {
      await tx.discovery.usage.add(rows);
      stored += rows.length;
    }
  });
  return stored;
}
