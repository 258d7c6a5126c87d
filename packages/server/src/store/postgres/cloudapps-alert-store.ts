import { sql, type Kysely, type SqlBool } from 'kysely';
import type { AlertStatePage, AlertStateQuery } from '../alert-state-query.js';
import type { FilterCondition } from '../filter-conditions.js';
import type { AlertStatePatch, AlertStore, AlertView, ListPage, ListQuery } from '../interfaces.js';
import { alertStatePage, swapGraphComments } from '../kysely/alert-state-sql.js';
import { alertColumns } from '../kysely/cloudapps-columns.js';
import { enqueueForExport } from '../kysely/siem-export-store.js';
import type { CloudAppsAlertRow, Database } from '../schema.js';
import { analyze, listPage, upsertRows, whereClause, type ListSpec, type PostgresContext } from './cloudapps-list.js';
import { postgresFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_alerts',
  columns: alertColumns(postgresFilters),
  sort: { '': 'timestamp', date: 'timestamp', severity: 'severity', status: 'resolution_status', resolutionStatus: 'resolution_status' },
  tieBreak: 'id',
};

/** The page of listViews: the columns of an AlertView only (the document comes as JSON text). */
const VIEW_SPEC: ListSpec = {
  ...SPEC,
  select: ['id', 'severity', 'resolution_status', 'status_value', 'resolve_time', 'handled_by_user', 'comment', 'doc'],
};

export class PostgresAlertStore implements AlertStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ctx: PostgresContext,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsAlertRow>> {
    return listPage(this.db, this.ctx, SPEC, tenantId, query);
  }
  listViews(tenantId: string, query: ListQuery): Promise<ListPage<AlertView>> {
    return listPage(this.db, this.ctx, VIEW_SPEC, tenantId, query);
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
    const r = await sql<{ id: string }>`SELECT id FROM ca_alerts WHERE tenant_id = ${tenantId} AND id = ANY(${ids}::text[])`.execute(
      this.db,
    );
    return new Set(r.rows.map((x) => x.id));
  }
  async updateState(tenantId: string, ids: string[], patch: AlertStatePatch): Promise<number> {
    if (ids.length === 0 || Object.keys(patch).length === 0) return 0;
    const r = await this.db
      .updateTable('ca_alerts')
      .set(patch)
      .where('tenant_id', '=', tenantId)
      .where(sql<SqlBool>`id = ANY(${ids}::text[])`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
  async upsert(rows: CloudAppsAlertRow[]): Promise<void> {
    if (rows.length === 0) return;
    // SIEM export (issue 15): outbox rows for the new alerts, in this write's transaction.
    await enqueueForExport(this.db, 'alert', rows);
    return upsertRows(this.db, this.ctx, 'ca_alerts', ['tenant_id', 'id'], rows);
  }
  statePage(tenantId: string, query: AlertStateQuery): Promise<AlertStatePage> {
    return alertStatePage(this.db, postgresFilters, tenantId, query);
  }
  swapGraphComments(tenantId: string, id: string, expected: string | null, next: string, at: number): Promise<boolean> {
    return swapGraphComments(this.db, tenantId, id, expected, next, at);
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_alerts');
  }
  async count(tenantId: string): Promise<number> {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ca_alerts WHERE tenant_id = ${tenantId}`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}
