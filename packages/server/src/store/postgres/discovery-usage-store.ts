// Cloud Discovery usage buckets on PostgreSQL: disc_aggregates is partitioned by month on `day`
// (migration 0007-scale-postgres-disc-partitions, partitions.ts). Writes first create the months
// they need; retention drops whole months and deletes only the rest of the boundary month.
import { sql, type Kysely } from 'kysely';
import type { DiscoveryAggregateRow } from '../discovery-schema.js';
import { KyselyDiscoveryUsageStore } from '../kysely/discovery-stores.js';
import type { Database } from '../schema.js';
import {
  AGGREGATES,
  dropMonthsBefore,
  ensureForWrite,
  existingPartitions,
  inTransaction,
  lockPartitionDdl,
  monthOf,
  monthsOf,
} from './partitions.js';

export class PostgresDiscoveryUsageStore extends KyselyDiscoveryUsageStore {
  /** `db` may be a transaction; `root` is the database (the pool), for partition DDL. */
  constructor(
    db: Kysely<Database>,
    private readonly root: Kysely<Database>,
  ) {
    super(db);
  }

  /** Creates the months' partitions before the caller's transaction, or in it (see ensureForWrite). */
  override prepare(days: Iterable<number>): Promise<void> {
    return ensureForWrite(this.db, this.root, AGGREGATES, monthsOf(days));
  }

  override async add(rows: DiscoveryAggregateRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prepare(rows.map((r) => r.day));
    return super.add(rows);
  }

  /**
   * Drops the partitions whose whole month is before `beforeDay`, after counting their rows (while
   * a SHARE lock holds writers off; reports still read), then deletes the older days of the
   * boundary month. Returns the number of buckets removed, as the SQLite DELETE does.
   */
  override async deleteBefore(beforeDay: number): Promise<number> {
    const cutoffMonth = monthOf(beforeDay);
    const old = [...(await existingPartitions(this.db, AGGREGATES)).values()].some((m) => m < cutoffMonth);
    if (!old) return super.deleteBefore(beforeDay);
    return inTransaction(this.db, async (trx) => {
      await lockPartitionDdl(trx);
      await sql`LOCK TABLE disc_aggregates IN SHARE MODE`.execute(trx);
      let removed = 0;
      await dropMonthsBefore(trx, AGGREGATES, beforeDay, async (t, partition) => {
        const n = await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM ${sql.table(partition)}`.execute(t);
        removed += Number(n.rows[0]?.n ?? 0);
      });
      const rest = await trx.deleteFrom('disc_aggregates').where('day', '<', beforeDay).executeTakeFirst();
      return removed + Number(rest.numDeletedRows);
    });
  }
}
