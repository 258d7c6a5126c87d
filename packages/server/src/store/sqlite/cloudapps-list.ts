import type SQLite from 'better-sqlite3';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { FilterCondition } from '../filter-conditions.js';
import { LIST_TOTAL_CAP, type ListPage, type ListQuery } from '../interfaces.js';
import type { CountCache } from '../kysely/count-cache.js';
import { compileFilters, type ColumnMap } from '../kysely/filter-sql.js';
import type { Database } from '../schema.js';
import { sqliteFilters } from './filter-dialect.js';

type ListTable = 'ca_alerts' | 'ca_activities' | 'ca_entities' | 'ca_files';

export interface ListSpec {
  table: ListTable;
  columns: ColumnMap;
  /** sortField -> column. */
  sort: Readonly<Record<string, string>>;
  /** Unique column that breaks ties so that pages never overlap. */
  tieBreak: string;
}

export function whereClause(spec: ListSpec, tenantId: string, conditions: FilterCondition[]) {
  return sql<SqlBool>`${sql.ref('tenant_id')} = ${tenantId} AND ${compileFilters(conditions, spec.columns, sqliteFilters)}`;
}

/**
 * One page: `limit + 1` rows tell whether there is a next page; the total is counted up to
 * LIST_TOTAL_CAP so that a broad filter over millions of rows stays cheap (and remembered in
 * `counts`, when given, until the data changes).
 */
export async function listPage<Row>(
  db: Kysely<Database>,
  spec: ListSpec,
  tenantId: string,
  q: ListQuery,
  counts?: CountCache,
  /** Select list (default `*`). */
  columns = sql`*`,
): Promise<ListPage<Row>> {
  const where = whereClause(spec, tenantId, q.conditions);
  const column = spec.sort[q.sortField] ?? spec.sort['']!;
  const dir = q.sortDirection === 'asc' ? sql`ASC` : sql`DESC`;
  const query = sql<Row>`SELECT ${columns} FROM ${sql.table(spec.table)} WHERE ${where}
    ORDER BY ${sql.ref(column)} ${dir}, ${sql.ref(spec.tieBreak)} ${dir} LIMIT ${q.limit + 1} OFFSET ${q.skip}`.compile(db);
  const rows = await db.executeQuery(query);
  const hasNext = rows.rows.length > q.limit;
  const page = hasNext ? rows.rows.slice(0, q.limit) : rows.rows;
  let total: number;
  if (!hasNext && (q.skip === 0 || page.length > 0)) {
    total = q.skip + page.length;
  } else {
    const count = async () => {
      const c = sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM ${sql.table(spec.table)} WHERE ${where} LIMIT ${
        LIST_TOTAL_CAP + 1
      })`.compile(db);
      return (await db.executeQuery(c)).rows[0]?.n ?? 0;
    };
    // Keyed by the page query without its LIMIT and OFFSET values (the last two parameters): the
    // same filter and order, whatever the page, counts once; the count is compiled only when run.
    const key = `${spec.table}\u0000${query.sql}\u0000${JSON.stringify(query.parameters.slice(0, -2))}`;
    total = counts ? await counts.get(key, count) : await count();
  }
  const moreThanTotal = total > LIST_TOTAL_CAP;
  return { rows: page, total: moreThanTotal ? LIST_TOTAL_CAP : total, moreThanTotal, hasNext };
}

/** Rows per INSERT statement: SQLite allows 32766 bound parameters per statement. */
export function chunk<T>(rows: T[], columns: number): T[][] {
  const size = Math.max(1, Math.floor(32000 / columns));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

interface BulkStatement {
  stmt: SQLite.Statement;
  cols: string[];
}

const statements = new WeakMap<SQLite.Database, Map<string, BulkStatement>>();

/**
 * Bulk upsert through one prepared statement, row by row: far cheaper than compiling multi-row
 * INSERTs. Values are bound by position (binding by name looks every key up, twice as slow for
 * rows of 36 columns). Only used by stores bound to a transaction, which own the connection while
 * it runs.
 */
export function upsertPrepared(raw: SQLite.Database, table: ListTable, key: string[], rows: object[]): void {
  if (rows.length === 0) return;
  const first = Object.keys(rows[0]!);
  const sig = `${table}:${first.join(',')}`;
  let cache = statements.get(raw);
  if (!cache) statements.set(raw, (cache = new Map()));
  let bulk = cache.get(sig);
  if (!bulk) {
    const updates = first.filter((c) => !key.includes(c)).map((c) => `"${c}" = excluded."${c}"`);
    const stmt = raw.prepare(
      `INSERT INTO "${table}" (${first.map((c) => `"${c}"`).join(', ')}) VALUES (${first.map(() => '?').join(', ')})
       ON CONFLICT (${key.map((c) => `"${c}"`).join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
    );
    cache.set(sig, (bulk = { stmt, cols: first }));
  }
  const { stmt, cols } = bulk;
  const n = cols.length;
  const values: unknown[] = new Array(n);
  for (const r of rows) {
    const rec = r as Record<string, unknown>;
    for (let i = 0; i < n; i++) values[i] = rec[cols[i]!];
    stmt.run(values);
  }
}

/** Refreshes the planner's statistics after bulk loads, so that it picks the composite indexes. */
export async function analyze(db: Kysely<Database>, table: ListTable): Promise<void> {
  await sql`ANALYZE ${sql.table(table)}`.execute(db);
}
