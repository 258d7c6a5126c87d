import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { ACTIVITIES, AGGREGATES, ensureMonths, monthOf } from './postgres/partitions.js';
import { DROPPED_USAGE_LABELS } from './migrations/0015-discovery-usage-labels.js';

export interface TableCopyReport {
  table: string;
  source: number;
  target: number;
}

/** Rows per INSERT: well under PostgreSQL's 65535 bind parameters for our widest tables. */
const BATCH_ROWS = 500;

/**
 * Columns a source written by an older version may still hold and the migrated target no longer
 * has: they are not copied.
 */
const DROPPED: Record<string, readonly string[]> = { disc_aggregates: DROPPED_USAGE_LABELS };

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The source's columns of `table` that the target keeps, as a select list. */
function selectList(db: SQLite.Database, table: string): string {
  const dropped = DROPPED[table];
  if (!dropped) return '*';
  const cols = (db.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name);
  return cols
    .filter((c) => !dropped.includes(c))
    .map(quote)
    .join(', ');
}

/** Tables in an order where every table comes after the tables its foreign keys point to. */
function dependencyOrder(db: SQLite.Database, tables: string[]): string[] {
  const deps = new Map<string, Set<string>>();
  for (const t of tables) {
    const fks = db.prepare(`select "table" as parent from pragma_foreign_key_list(?)`).all(t) as { parent: string }[];
    deps.set(t, new Set(fks.map((f) => f.parent).filter((p) => p !== t && tables.includes(p))));
  }
  const out: string[] = [];
  const visit = (t: string, stack: Set<string>) => {
    if (out.includes(t)) return;
    if (stack.has(t)) throw new Error(`foreign-key cycle through ${t}`);
    stack.add(t);
    for (const p of deps.get(t) ?? []) visit(p, stack);
    stack.delete(t);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}

/**
 * Moves an installation from SQLite to PostgreSQL: migrates the target, copies every table in
 * foreign-key order inside one transaction, then compares row counts. The target must be empty.
 */
export async function copySqliteToPostgres(
  sqlitePath: string,
  postgresUrl: string,
  log: (line: string) => void = () => {},
): Promise<TableCopyReport[]> {
  const source = new SQLite(sqlitePath, { readonly: true, fileMustExist: true });
  // Loaded here, not at import: the server package's entry point must not load the pg driver.
  const { openPostgres } = await import('./postgres/database.js');
  const target = await openPostgres(postgresUrl);
  const { db } = target;
  try {
    const tables = (
      source
        .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`)
        .all() as { name: string }[]
    ).map((r) => r.name);
    const ordered = dependencyOrder(source, tables);
    for (const t of ordered) {
      const existing = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
      if ((existing.rows[0]?.n ?? 0) > 0) throw new Error(`target table ${t} is not empty; copy into a fresh database`);
    }
    if (ordered.includes('ca_activities')) {
      // Activities are partitioned by month on PostgreSQL: every month of the source needs its partition.
      const days = source.prepare(`select distinct timestamp / 86400000 as day from ca_activities`).all() as { day: number }[];
      await ensureMonths(db, ACTIVITIES, new Set(days.map((d) => monthOf(d.day * 86_400_000))));
    }
    if (ordered.includes('disc_aggregates')) {
      // So are Cloud Discovery buckets, by their day.
      const days = source.prepare(`select distinct day from disc_aggregates`).all() as { day: number }[];
      await ensureMonths(db, AGGREGATES, new Set(days.map((d) => monthOf(d.day))));
    }
    await db.transaction().execute(async (trx) => {
      for (const t of ordered) {
        const stmt = source.prepare(`select ${selectList(source, t)} from ${quote(t)}`);
        let batch: Record<string, unknown>[] = [];
        let n = 0;
        const flush = async () => {
          if (batch.length === 0) return;
          await trx
            .insertInto(t as never)
            .values(batch as never)
            .execute();
          n += batch.length;
          batch = [];
        };
        for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
          batch.push(row);
          if (batch.length >= BATCH_ROWS) await flush();
        }
        await flush();
        log(`copied ${n} rows of ${t}`);
      }
    });
    const reports: TableCopyReport[] = [];
    for (const t of ordered) {
      const s = (source.prepare(`select count(*) as n from "${t.replace(/"/g, '""')}"`).get() as { n: number }).n;
      const target = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(db);
      reports.push({ table: t, source: s, target: target.rows[0]?.n ?? 0 });
    }
    return reports;
  } finally {
    source.close();
    await target.close();
  }
}
