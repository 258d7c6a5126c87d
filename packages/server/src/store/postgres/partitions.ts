import { sql, type Kysely } from 'kysely';

/**
 * Time-partitioned tables on PostgreSQL: range-partitioned by UTC month on an epoch-ms column,
 * one partition per month named `<table>_yYYYYmMM`.
 * - ca_activities on `timestamp` (migration 0005-scale-postgres), retention by
 *   `activityRetentionDays` in maintenance;
 * - disc_aggregates on `day` (migration 0007-scale-postgres-disc-partitions), retention by the
 *   discovery sweep (PostgresDiscoveryUsageStore.deleteBefore).
 * Partitions are created ahead by maintenance (startup and hourly) and on demand before a write
 * that needs an older or later month; retention drops whole partitions, which is instant and leaves
 * no bloat, where a DELETE of millions of rows would not be.
 */

export interface PartitionedTable {
  name: 'ca_activities' | 'disc_aggregates';
  /** The range partition key (epoch ms). */
  column: 'timestamp' | 'day';
  /** NOTIFY payload suffix sent after drops (DROP fires no trigger), for caches that must forget. */
  notifySuffix?: string;
}

export const ACTIVITIES: PartitionedTable = { name: 'ca_activities', column: 'timestamp', notifySuffix: '/cloudapps' };
export const AGGREGATES: PartitionedTable = { name: 'disc_aggregates', column: 'day' };
/** Every partitioned table, in the order maintenance visits them. */
export const PARTITIONED_TABLES = [ACTIVITIES, AGGREGATES] as const;

/** Months created ahead of the current one, so that live writes never create partitions. */
export const MONTHS_AHEAD = 3;
/** Serialises partition DDL between processes (pg_advisory_xact_lock key). */
const DDL_LOCK = 0x61775f70; // 'aw_p'

/** The month (UTC) containing an epoch-ms time, as months since 1970-01. */
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1970 * 12;
}

/** Epoch ms of the first instant of a month (months since 1970-01). */
export function monthStart(month: number): number {
  return Date.UTC(1970 + Math.floor(month / 12), month % 12, 1);
}

export function partitionName(table: PartitionedTable, month: number): string {
  const y = 1970 + Math.floor(month / 12);
  const m = (month % 12) + 1;
  return `${table.name}_y${y}m${String(m).padStart(2, '0')}`;
}

/** Runs fn in a transaction, or in the caller's (migrations run inside one). */
export function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** Takes the partition DDL lock until the end of the transaction. */
export async function lockPartitionDdl<DB>(trx: Kysely<DB>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK})`.execute(trx);
}

/** The table's month partitions: name -> month. */
export async function existingPartitions<DB>(db: Kysely<DB>, table: PartitionedTable): Promise<Map<string, number>> {
  const r = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = ${table.name} AND p.relnamespace = current_schema()::regnamespace`.execute(db);
  const out = new Map<string, number>();
  const pattern = new RegExp(`^${table.name}_y(\\d{4})m(\\d{2})$`);
  for (const { name } of r.rows) {
    const m = pattern.exec(name);
    if (m) out.set(name, (Number(m[1]) - 1970) * 12 + Number(m[2]) - 1);
  }
  return out;
}

/** The months among these whose partition does not exist yet. */
export async function missingMonths<DB>(db: Kysely<DB>, table: PartitionedTable, months: Iterable<number>): Promise<number[]> {
  const wanted = [...new Set(months)];
  if (wanted.length === 0) return [];
  const have = await existingPartitions(db, table);
  return wanted.filter((m) => !have.has(partitionName(table, m)));
}

/** Creates the partitions of these months that do not exist yet (safe across processes). */
export async function ensureMonths<DB>(db: Kysely<DB>, table: PartitionedTable, months: Iterable<number>): Promise<void> {
  const missing = await missingMonths(db, table, months);
  if (missing.length === 0) return;
  await inTransaction(db, async (trx) => {
    await lockPartitionDdl(trx);
    const now = await existingPartitions(trx, table);
    for (const m of missing) {
      const name = partitionName(table, m);
      if (now.has(name)) continue;
      await sql`CREATE TABLE ${sql.table(name)} PARTITION OF ${sql.table(table.name)}
        FOR VALUES FROM (${sql.lit(monthStart(m))}) TO (${sql.lit(monthStart(m + 1))})`.execute(trx);
    }
  });
}

/** The months of these epoch-ms times. */
export function monthsOf(times: Iterable<number>): Set<number> {
  const months = new Set<number>();
  for (const t of times) months.add(monthOf(t));
  return months;
}

/**
 * Creates the partitions that a write about to run on `db` (the pool, or a transaction) needs.
 * Creating a partition takes an ACCESS EXCLUSIVE lock on the table, so it is done on `root` (the
 * pool) and commits at once, rather than in the caller's transaction, which would hold that lock
 * until its end (readers would wait for a whole import batch or upload job). Except when that
 * transaction already holds a lock on the table (it wrote to it before): DDL on another connection
 * would wait for the transaction while the transaction waits for the DDL, so the partitions are
 * created in the transaction itself.
 */
export async function ensureForWrite<DB>(
  db: Kysely<DB>,
  root: Kysely<DB>,
  table: PartitionedTable,
  months: Iterable<number>,
): Promise<void> {
  const missing = await missingMonths(db, table, months);
  if (missing.length === 0) return;
  if (db.isTransaction) {
    const held = await sql<{ held: boolean }>`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid()
      AND locktype = 'relation' AND relation = to_regclass(${table.name})) AS held`.execute(db);
    if (held.rows[0]?.held) return ensureMonths(db, table, missing);
  }
  return ensureMonths(root, table, missing);
}

/** Creates the partitions of the month of `now` and of MONTHS_AHEAD after it. */
export function ensureAhead<DB>(db: Kysely<DB>, table: PartitionedTable, now: number): Promise<void> {
  const current = monthOf(now);
  return ensureMonths(
    db,
    table,
    Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => current + i),
  );
}

/**
 * Drops the partitions whose whole month is before `cutoff` (epoch ms). `beforeDrop` runs on each
 * of them first, in the same transaction (to count their rows, say). Returns the dropped names.
 * Must run in a transaction that holds the DDL lock (see lockPartitionDdl) when given one.
 */
export async function dropMonthsBefore<DB>(
  db: Kysely<DB>,
  table: PartitionedTable,
  cutoff: number,
  beforeDrop?: (trx: Kysely<DB>, partition: string) => Promise<void>,
): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await lockPartitionDdl(trx);
    const old = [...(await existingPartitions(trx, table))].filter(([, month]) => monthStart(month + 1) <= cutoff);
    const dropped: string[] = [];
    for (const [name] of old.sort((a, b) => a[1] - b[1])) {
      if (beforeDrop) await beforeDrop(trx, name);
      await sql`DROP TABLE ${sql.table(name)}`.execute(trx);
      dropped.push(name);
    }
    if (dropped.length > 0 && table.notifySuffix) {
      await sql`SELECT pg_notify('appwarden_changes', current_schema() || ${table.notifySuffix})`.execute(trx);
    }
    return dropped;
  });
}

/**
 * Maintenance: partitions for this month and MONTHS_AHEAD after it, for every partitioned table;
 * with a retention, drops the activity partitions whose every row is older than
 * `now - retentionDays`. Returns the dropped names. (Discovery aggregates have their own retention,
 * the discovery sweep.)
 */
export async function maintainPartitions<DB>(db: Kysely<DB>, now: number, retentionDays: number): Promise<string[]> {
  for (const table of PARTITIONED_TABLES) await ensureAhead(db, table, now);
  if (retentionDays <= 0) return [];
  return dropMonthsBefore(db, ACTIVITIES, now - retentionDays * 86_400_000);
}
