import { sql, type Kysely } from 'kysely';
import type { AlertStatePage, AlertStateQuery } from '../alert-state-query.js';
import type { FilterCondition } from '../filter-conditions.js';
import type { AlertStatePatch, AlertStore, AlertView, ListPage, ListQuery } from '../interfaces.js';
import type { CloudAppsAlertRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { alertStatePage, swapGraphComments } from '../kysely/alert-state-sql.js';
import { alertColumns } from '../kysely/cloudapps-columns.js';
import { enqueueForExport } from '../kysely/siem-export-store.js';
import type { CountCache } from '../kysely/count-cache.js';
import { analyze, chunk, listPage, upsertPrepared, whereClause, type ListSpec } from './cloudapps-list.js';
import { sqliteFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_alerts',
  columns: alertColumns(sqliteFilters),
  sort: { '': 'timestamp', date: 'timestamp', severity: 'severity', status: 'resolution_status', resolutionStatus: 'resolution_status' },
  tieBreak: 'id',
};

/** The columns of an AlertView; the document as a BLOB, i.e. its UTF-8 bytes, never decoded. */
const VIEW_COLUMNS = sql.raw(
  'id, severity, resolution_status, status_value, resolve_time, handled_by_user, comment, CAST(doc AS BLOB) AS doc',
);

export class SqliteAlertStore implements AlertStore {
  /** `raw` is given only to stores bound to a transaction (see upsertPrepared). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly counts?: CountCache,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsAlertRow>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts);
  }
  listViews(tenantId: string, query: ListQuery): Promise<ListPage<AlertView>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts, VIEW_COLUMNS);
  }
  get(tenantId: string, id: string): Promise<CloudAppsAlertRow | undefined> {
    return this.db.selectFrom('ca_alerts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  async matchIds(tenantId: string, conditions: FilterCondition[], max: number): Promise<string[]> {
    const r = await sql<{ id: string }>`SELECT id FROM ca_alerts WHERE ${whereClause(SPEC, tenantId, conditions)} LIMIT ${max}`.execute(
      this.db,
    );
    return r.rows.map((x) => x.id);
  }
  async existingIds(tenantId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.db.selectFrom('ca_alerts').select('id').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }
  async updateState(tenantId: string, ids: string[], patch: AlertStatePatch): Promise<number> {
    if (ids.length === 0 || Object.keys(patch).length === 0) return 0;
    let n = 0;
    for (const part of chunk(ids, 1)) {
      const r = await this.db
        .updateTable('ca_alerts')
        .set(patch)
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', part)
        .executeTakeFirst();
      n += Number(r.numUpdatedRows);
    }
    return n;
  }
  async upsert(rows: CloudAppsAlertRow[]): Promise<void> {
    if (rows.length === 0) return;
    // SIEM export (issue 15): outbox rows for the new alerts, in this write's transaction.
    await enqueueForExport(this.db, 'alert', rows);
    if (this.raw) return upsertPrepared(this.raw, 'ca_alerts', ['tenant_id', 'id'], rows);
    for (const part of chunk(rows, 17)) {
      await this.db
        .insertInto('ca_alerts')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => {
            const cols = Object.keys(part[0]!).filter((k) => k !== 'tenant_id' && k !== 'id') as (keyof CloudAppsAlertRow)[];
            return Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]));
          }),
        )
        .execute();
    }
  }
  statePage(tenantId: string, query: AlertStateQuery): Promise<AlertStatePage> {
    return alertStatePage(this.db, sqliteFilters, tenantId, query);
  }
  swapGraphComments(tenantId: string, id: string, expected: string | null, next: string, at: number): Promise<boolean> {
    return swapGraphComments(this.db, tenantId, id, expected, next, at);
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_alerts');
  }
  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('ca_alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
