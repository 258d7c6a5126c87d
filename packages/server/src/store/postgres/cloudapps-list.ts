import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ChangeFeed } from '../backend.js';
import type { FilterCondition } from '../filter-conditions.js';
import { LIST_TOTAL_CAP, type ListPage, type ListQuery } from '../interfaces.js';
import { CountCache } from '../kysely/count-cache.js';
import { compileFilters, type ColumnMap } from '../kysely/filter-sql.js';
import type { Database } from '../schema.js';
import { postgresFilters } from './filter-dialect.js';

export type ListTable = 'ca_alerts' | 'ca_activities' | 'ca_entities' | 'ca_files';

export interface ListSpec {
  table: ListTable;
  columns: ColumnMap;
  /** sortField -> column. */
  sort: Readonly<Record<string, string>>;
  /** Unique column that breaks ties so that pages never overlap. */
  tieBreak: string;
  /** Sort columns that may be NULL (they get SQLite's NULL placement; the others keep index order). */
  nullable?: readonly string[];
  /** The columns a page returns, when not all (fewer bytes to read, send and parse per row). */
  select?: readonly string[];
}

/**
 * What every PostgreSQL store of one database shares, whether bound to the pool or to a
 * transaction: the pool itself (partition DDL must commit on its own, see ensureForWrite) and
 * the column types of the bulk-written tables, read once from the catalog.
 */
export class PostgresContext {
  private readonly types = new Map<string, Promise<Map<string, string>>>();
  /**
   * Capped list totals, remembered while the Cloud Apps data stamp stays put (it moves on every
   * write of any process, see PostgresChangeFeed.dataStamp).
   * Only for reads outside transactions (a transaction sees its own uncommitted writes).
   */
  readonly counts: CountCache;
  constructor(
    readonly root: Kysely<Database>,
    feed: ChangeFeed,
  ) {
    this.counts = new CountCache(feed.dataStamp);
  }

  columnTypes(table: ListTable): Promise<Map<string, string>> {
    let t = this.types.get(table);
    if (!t) {
      t = sql<{ name: string; type: string }>`SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
        WHERE attrelid = ${table}::regclass AND attnum > 0 AND NOT attisdropped`
        .execute(this.root)
        .then((r) => new Map(r.rows.map((x) => [x.name, x.type])));
      t.catch(() => this.types.delete(table));
      this.types.set(table, t);
    }
    return t;
  }
}

export function whereClause(spec: ListSpec, tenantId: string, conditions: FilterCondition[]) {
  return sql<SqlBool>`${sql.ref('tenant_id')} = ${tenantId} AND ${compileFilters(conditions, spec.columns, postgresFilters)}`;
}

/**
 * One page, as on SQLite: `limit + 1` rows tell whether there is a next page; the total is counted
 * up to LIST_TOTAL_CAP, and remembered in `ctx.counts` until the data changes (paging through one
 * filter, or many clients polling it, count once). NULLs of nullable sort columns come first
 * ascending and last descending, like SQLite; NOT NULL columns get no NULLS clause, so that a
 * btree index still gives the order.
 */
export async function listPage<Row>(
  db: Kysely<Database>,
  ctx: PostgresContext,
  spec: ListSpec,
  tenantId: string,
  q: ListQuery,
): Promise<ListPage<Row>> {
  const where = whereClause(spec, tenantId, q.conditions);
  const column = spec.sort[q.sortField] ?? spec.sort['']!;
  const asc = q.sortDirection === 'asc';
  const dir = asc ? sql`ASC` : sql`DESC`;
  const nulls = spec.nullable?.includes(column) ? (asc ? sql` NULLS FIRST` : sql` NULLS LAST`) : sql``;
  const columns = spec.select ? sql.join(spec.select.map((c) => sql.ref(c))) : sql`*`;
  const rows = await sql<Row>`SELECT ${columns} FROM ${sql.table(spec.table)} WHERE ${where}
    ORDER BY ${sql.ref(column)} ${dir}${nulls}, ${sql.ref(spec.tieBreak)} ${dir} LIMIT ${q.limit + 1} OFFSET ${q.skip}`.execute(db);
  const hasNext = rows.rows.length > q.limit;
  const page = hasNext ? rows.rows.slice(0, q.limit) : rows.rows;
  let total: number;
  if (!hasNext && (q.skip === 0 || page.length > 0)) {
    total = q.skip + page.length;
  } else {
    const query = sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM ${sql.table(spec.table)} WHERE ${where} LIMIT ${
      LIST_TOTAL_CAP + 1
    }) AS capped`.compile(db);
    const count = async () => (await db.executeQuery(query)).rows[0]?.n ?? 0;
    const counts = db.isTransaction ? undefined : ctx.counts;
    total = counts ? await counts.get(`${query.sql}\u0000${JSON.stringify(query.parameters)}`, count) : await count();
  }
  const moreThanTotal = total > LIST_TOTAL_CAP;
  return { rows: page, total: moreThanTotal ? LIST_TOTAL_CAP : total, moreThanTotal, hasNext };
}

/** Rows per statement: one JSON parameter, so only memory bounds it. */
const UPSERT_ROWS = 5000;

/**
 * Bulk upsert as `INSERT … SELECT FROM json_populate_recordset(NULL::table, $1) ON CONFLICT DO
 * UPDATE`: one JSON parameter whatever the row count, one plan, no per-row round trip. JSON, not
 * `unnest` of one array per column: array literals of long texts (the `doc` column) cost seconds
 * per batch to build in node-postgres and to parse in PostgreSQL, a JSON document a fraction.
 * jsonb columns go in as JSON values (the rows carry them as JSON text). A key repeated within
 * the batch keeps its last row (as the SQLite row-by-row upsert does; PostgreSQL refuses to
 * update one row twice in a statement).
 */
export async function upsertRows(
  db: Kysely<Database>,
  ctx: PostgresContext,
  table: ListTable,
  key: string[],
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  const byKey = new Map<string, object>();
  for (const r of rows) byKey.set(key.map((k) => String((r as Record<string, unknown>)[k])).join('\u0000'), r);
  const unique = byKey.size === rows.length ? rows : [...byKey.values()];
  const types = await ctx.columnTypes(table);
  const cols = Object.keys(unique[0]!);
  for (const c of cols) if (!types.has(c)) throw new Error(`${table} has no column ${c}`);
  const jsonCols = cols.filter((c) => types.get(c) === 'jsonb');
  const list = sql.join(cols.map((c) => sql.ref(c)));
  const updates = cols.filter((c) => !key.includes(c)).map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`);
  for (let i = 0; i < unique.length; i += UPSERT_ROWS) {
    const part = unique.slice(i, i + UPSERT_ROWS) as Record<string, unknown>[];
    const json = JSON.stringify(
      jsonCols.length === 0
        ? part
        : part.map((r) => {
            const o = { ...r };
            for (const c of jsonCols) if (typeof o[c] === 'string') o[c] = JSON.parse(o[c] as string);
            return o;
          }),
    );
    await sql`INSERT INTO ${sql.table(table)} (${list})
      SELECT ${list} FROM json_populate_recordset(NULL::${sql.table(table)}, ${json}::json)
      ON CONFLICT (${sql.join(key.map((c) => sql.ref(c)))}) DO UPDATE SET ${sql.join(updates)}`.execute(db);
  }
}

/**
 * After bulk loads: statistics, so that the planner picks the composite indexes, and (outside a
 * transaction, where VACUUM may run) the visibility map, so that counts run as index-only scans
 * instead of reading every matching row.
 */
export async function analyze(db: Kysely<Database>, table: ListTable): Promise<void> {
  if (db.isTransaction) await sql`ANALYZE ${sql.table(table)}`.execute(db);
  else await sql`VACUUM (ANALYZE) ${sql.table(table)}`.execute(db);
}
