import { sql, type Kysely } from 'kysely';

/**
 * ca_activities on PostgreSQL is range-partitioned by month on `timestamp` (epoch ms, UTC months).
 * Partitions are created ahead by maintenance (startup and hourly) and on demand before a write
 * that needs an older or later month; retention drops whole partitions, which is instant and leaves
 * no bloat, where a DELETE of millions of rows would not be.
 */

/** Months created ahead of the current one, so that live writes never create partitions. */
export const MONTHS_AHEAD = 3;
/** Serialises partition DDL between processes (pg_advisory_xact_lock key). */
const DDL_LOCK = 0x61775f70; // 'aw_p'

/** The month (UTC) containing an epoch-ms time, as months since 1970-01. */
export function monthOf(ms: number): number {
  const d = new Date(ms);
  return d.getUTCFullYear() * 12 + d.getUTCMonth() - 1970 * 12;
}

function monthStart(month: number): number {
  return Date.UTC(1970 + Math.floor(month / 12), month % 12, 1);
}

export function partitionName(month: number): string {
  const y = 1970 + Math.floor(month / 12);
  const m = (month % 12) + 1;
  return `ca_activities_y${y}m${String(m).padStart(2, '0')}`;
}

/** Runs fn in a transaction, or in the caller's (migrations run inside one). */
function inTransaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

async function existing<DB>(db: Kysely<DB>): Promise<Map<string, number>> {
  const r = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
    WHERE p.relname = 'ca_activities' AND p.relnamespace = current_schema()::regnamespace`.execute(db);
  const out = new Map<string, number>();
  for (const { name } of r.rows) {
    const m = /^ca_activities_y(\d{4})m(\d{2})$/.exec(name);
    if (m) out.set(name, (Number(m[1]) - 1970) * 12 + Number(m[2]) - 1);
  }
  return out;
}

/** Creates the partitions of these months that do not exist yet (safe across processes). */
export async function ensureMonths<DB>(db: Kysely<DB>, months: Iterable<number>): Promise<void> {
  const wanted = [...new Set(months)];
  if (wanted.length === 0) return;
  const have = await existing(db);
  const missing = wanted.filter((m) => !have.has(partitionName(m)));
  if (missing.length === 0) return;
  await inTransaction(db, async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK})`.execute(trx);
    const now = await existing(trx);
    for (const m of missing) {
      if (now.has(partitionName(m))) continue;
      await sql`CREATE TABLE ${sql.table(partitionName(m))} PARTITION OF ca_activities
        FOR VALUES FROM (${sql.lit(monthStart(m))}) TO (${sql.lit(monthStart(m + 1))})`.execute(trx);
    }
  });
}

/** The partitions that rows with these timestamps go to. */
export function ensureFor<DB>(db: Kysely<DB>, timestamps: Iterable<number>): Promise<void> {
  const months = new Set<number>();
  for (const t of timestamps) months.add(monthOf(t));
  return ensureMonths(db, months);
}

/**
 * Maintenance: partitions for this month and MONTHS_AHEAD after it; with a retention, drops the
 * partitions whose every row is older than `now - retentionDays`. Returns the dropped names.
 */
export async function maintainPartitions<DB>(db: Kysely<DB>, now: number, retentionDays: number): Promise<string[]> {
  const current = monthOf(now);
  await ensureMonths(
    db,
    Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => current + i),
  );
  if (retentionDays <= 0) return [];
  const cutoff = now - retentionDays * 86_400_000;
  const dropped: string[] = [];
  await inTransaction(db, async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${DDL_LOCK})`.execute(trx);
    for (const [name, month] of await existing(trx)) {
      if (monthStart(month + 1) <= cutoff) {
        await sql`DROP TABLE ${sql.table(name)}`.execute(trx);
        dropped.push(name);
      }
    }
    // DROP fires no trigger: tell every process's list-total cache (change-feed.ts) here.
    if (dropped.length > 0) await sql`SELECT pg_notify('appwarden_changes', current_schema() || '/cloudapps')`.execute(trx);
  });
  return dropped;
}
