import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ColumnMap } from '../../cloudapps/filters/compile.js';
import type { FilterCondition } from '../../cloudapps/filters/model.js';
import type { AlertStatePatch, AlertStore, AlertView, ListPage, ListQuery } from '../interfaces.js';
import type { CloudAppsAlertRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { analyze, type CountCache, chunk, listPage, upsertPrepared, whereClause, type ListSpec } from './cloudapps-list.js';

const boolOn = (expr: (v: boolean) => ReturnType<typeof sql<SqlBool>>) => (c: FilterCondition) => {
  const vs = c.values.filter((v): v is boolean => typeof v === 'boolean');
  if (vs.length === 0) return sql<SqlBool>`0`;
  if (vs.includes(true) && vs.includes(false)) return sql<SqlBool>`1`;
  return expr(vs[0]!);
};

const keys = (prefix: string) => ({ kind: 'array', column: 'entity_keys', prefix }) as const;

export const ALERT_COLUMNS: ColumnMap = {
  'entity.entity': keys('pk:'),
  'entity.ip': keys('ip:'),
  'entity.service': keys('service:'),
  'entity.instance': keys('instance:'),
  'entity.policy': keys('policy:'),
  'entity.file': keys('file:'),
  'entity.user': keys('user:'),
  instance: keys('instance:'),
  alertOpen: { kind: 'custom', compile: boolOn((open) => (open ? sql`resolution_status = 0` : sql`resolution_status <> 0`)) },
  read: { kind: 'custom', compile: boolOn((read) => (read ? sql`status_value = 1` : sql`status_value <> 1`)) },
  severity: { kind: 'scalar', column: 'severity' },
  resolutionStatus: { kind: 'scalar', column: 'resolution_status' },
  date: { kind: 'scalar', column: 'timestamp' },
  resolutionDate: { kind: 'scalar', column: 'resolve_time' },
  risk: { kind: 'scalar', column: 'threat_score' },
  alertType: { kind: 'scalar', column: 'alert_type' },
  id: { kind: 'scalar', column: 'id' },
  source: { kind: 'scalar', column: 'source' },
};

const SPEC: ListSpec = {
  table: 'ca_alerts',
  columns: ALERT_COLUMNS,
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
