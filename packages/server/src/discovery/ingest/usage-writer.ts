// Parse results -> stored daily buckets. Only traffic to catalogued apps is stored (the report
// counts apps). Buckets carry no labels of the tenant's IP ranges: the source IP is the reference
// (labels are looked up in the ranges when needed), so a range with many tags costs nothing here.
//
// The rows are written in bounded batches with a turn of the event loop between two: SQLite
// (better-sqlite3) writes synchronously, and a job of a million buckets written in one go kept the
// main thread from serving anything else for seconds. Everything still commits in ONE transaction
// with the job's state (see InUsageTransaction), so counts stay exactly-once across crashes.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { DiscoveryAggregateRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import { rollupRow, sortedBuckets, type AggregateRow, type ParseStreamResult, type PartialRollup } from '../index.js';

const MS_PER_DAY = 86_400_000;
/**
 * Rows built and handed to the store at a time, then the event loop gets a turn (the transaction
 * stays open). 2000 rows take about 5-10 ms on SQLite on a shared 2-core machine.
 */
export const WRITE_BATCH = 2000;
/**
 * What to store: rows already built, or a rollup in compact form (one aggregator's buckets, as the
 * parse worker transfers it). From a rollup, rows are built WRITE_BATCH at a time in the same
 * order as its rows() would list them, so that no object per bucket is held for the whole store.
 */
export type UsageInput = Pick<ParseStreamResult, 'aggregates'> | { rollup: PartialRollup };

/**
 * Runs inside the transaction that stores the rows, after them, with the number stored: the job
 * runner marks its job done here, so that rows and job state commit together (a crash between two
 * commits would leave the rows stored and the job to re-run, counting everything twice). Throwing
 * rolls the rows back.
 */
export type InUsageTransaction = (tx: Stores, stored: number) => Promise<void>;

export async function writeUsage(
  stores: Stores,
  tenantId: string,
  streamId: string,
  input: UsageInput,
  then: InUsageTransaction = async () => undefined,
): Promise<number> {
  const dayMs = new Map<string, number>();
  const dayStrings = new Map<number, string>();
  // Catalogued traffic only, in row order; the days (epoch ms) it covers.
  const days = new Set<number>();
  let count: number;
  let at: (i: number) => AggregateRow;
  if ('rollup' in input) {
    const p = input.rollup;
    // Sorted by the parse worker when it produced the rollup (off this thread), else here.
    const order = p.order ?? sortedBuckets(p, (appIdx) => p.appIds[appIdx] !== null);
    count = order.length;
    at = (i) => rollupRow(p, order[i]!, dayStrings);
    // The order is by day first: a Set insertion per day, not per bucket (a million doubles
    // through a Set held the event loop ~0.1-0.4 s).
    let previous = -1;
    for (let i = 0; i < order.length; i++) {
      const d = p.keys[order[i]! * 4]!;
      if (d !== previous) days.add((previous = d) * MS_PER_DAY);
    }
  } else {
    const rows = input.aggregates.filter((a) => a.appId !== null);
    count = rows.length;
    at = (i) => rows[i]!;
    for (const day of new Set(rows.map((a) => a.day))) days.add(Date.parse(`${day}T00:00:00Z`));
  }
  if (count === 0) {
    await stores.transaction((tx) => then(tx, 0));
    return 0;
  }
  // Storage for every day first (PostgreSQL: month partitions), outside the write transaction.
  await stores.discovery.usage.prepare(days);
  let next = 0;
  /** The next rows to store (at most WRITE_BATCH): rows are built batch by batch, not all at once. */
  const batch = (): DiscoveryAggregateRow[] => {
    const rows: DiscoveryAggregateRow[] = [];
    for (; next < count && rows.length < WRITE_BATCH; next++) {
      const a = at(next);
      let day = dayMs.get(a.day);
      if (day === undefined) dayMs.set(a.day, (day = Date.parse(`${a.day}T00:00:00Z`)));
      rows.push({
        tenant_id: tenantId,
        stream_id: streamId,
        day,
        app_id: a.appId!,
        user_name: a.user ?? '',
        ip: a.srcIp,
        transactions: a.transactions,
        blocked: a.blockedTransactions,
        bytes_up: a.bytesUp,
        bytes_down: a.bytesDown,
        bytes_total: a.bytesTotal,
      });
    }
    return rows;
  };
  let stored = 0;
  try {
    await stores.transaction(async (tx) => {
      // From the start on every attempt (a store may run the callback again).
      next = 0;
      stored = 0;
      for (let rows = batch(); rows.length > 0; rows = batch()) {
        await tx.discovery.usage.add(rows);
        stored += rows.length;
        // A macrotask turn: timers, I/O and other requests run between two batches.
        if (next < count) await nextTurn();
      }
      await then(tx, stored);
    });
  } finally {
    // SQLite: the WAL the rows filled is checkpointed off the event loop.
    await stores.discovery.usage.checkpoint();
  }
  return stored;
}
