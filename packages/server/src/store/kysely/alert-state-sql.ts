import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { AlertStatePage, AlertStatePredicate, AlertStateQuery } from '../alert-state-query.js';
import type { CloudAppsAlertRow, Database } from '../schema.js';
import type { FilterDialect } from './filter-sql.js';

const UPDATED = sql`coalesce(last_update, "timestamp")`;

/** The predicate as SQL in the dialect; every part is two-valued (never NULL), so NOT negates exactly. */
export function compileAlertPredicate(p: AlertStatePredicate, d: FilterDialect): RawBuilder<SqlBool> {
  if ('and' in p)
    return p.and.length === 0
      ? d.TRUE
      : sql<SqlBool>`(${sql.join(
          p.and.map((x) => compileAlertPredicate(x, d)),
          sql` AND `,
        )})`;
  if ('or' in p)
    return p.or.length === 0
      ? d.FALSE
      : sql<SqlBool>`(${sql.join(
          p.or.map((x) => compileAlertPredicate(x, d)),
          sql` OR `,
        )})`;
  if ('not' in p) return sql<SqlBool>`(NOT ${compileAlertPredicate(p.not, d)})`;
  const col = p.column === 'updated' ? UPDATED : sql.ref(p.column);
  if (p.value === null) {
    if (p.op === '=') return sql<SqlBool>`(${col} IS NULL)`;
    if (p.op === '<>') return sql<SqlBool>`(${col} IS NOT NULL)`;
    return d.FALSE;
  }
  const v = d.param(p.value);
  if (p.op === '<>') return sql<SqlBool>`(${col} IS NULL OR ${col} <> ${v})`;
  return sql<SqlBool>`coalesce(${col} ${sql.raw(p.op)} ${v}, ${d.FALSE})`;
}

/** One page of a tenant's alerts for the alerts_v2 list: filtered, ordered and cut in SQL. */
export async function alertStatePage(
  db: Kysely<Database>,
  d: FilterDialect,
  tenantId: string,
  q: AlertStateQuery,
): Promise<AlertStatePage> {
  const where = sql<SqlBool>`tenant_id = ${tenantId} AND ${q.where ? compileAlertPredicate(q.where, d) : d.TRUE}`;
  const order = q.orderBy === 'updated' ? UPDATED : sql.ref('timestamp');
  const dir = sql.raw(q.descending ? 'DESC' : 'ASC');
  const r = await sql<CloudAppsAlertRow>`SELECT * FROM ca_alerts WHERE ${where}
    ORDER BY ${order} ${dir}, id ${dir} LIMIT ${q.limit + 1} OFFSET ${q.skip}`.execute(db);
  const rows = r.rows.slice(0, q.limit);
  const page: AlertStatePage = { rows, more: r.rows.length > q.limit };
  if (q.count) {
    const c = await sql<{ n: number | string }>`SELECT count(*) AS n FROM ca_alerts WHERE ${where}`.execute(db);
    page.count = Number(c.rows[0]?.n ?? 0);
  }
  return page;
}

/**
 * Replaces an alert's comment list if it is still `expected` (compare-and-set, so that two
 * concurrent comments do not overwrite each other); false when it changed meanwhile or is gone.
 */
export async function swapGraphComments(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  expected: string | null,
  next: string,
  at: number,
): Promise<boolean> {
  const same = expected === null ? sql<SqlBool>`graph_comments IS NULL` : sql<SqlBool>`graph_comments = ${expected}`;
  const r = await sql`UPDATE ca_alerts SET graph_comments = ${next}, last_update = ${at}
    WHERE tenant_id = ${tenantId} AND id = ${id} AND ${same}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
