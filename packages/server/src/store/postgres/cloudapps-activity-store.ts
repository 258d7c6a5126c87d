import { sql, type Kysely } from 'kysely';
import type { ActivityListRow, ActivityStore, ListPage, ListQuery } from '../interfaces.js';
import { activityColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import { enqueueNewActivities } from '../kysely/detection-store.js';
import type { CloudAppsActivityRow, Database } from '../schema.js';
import { analyze, listPage, upsertRows, type ListSpec, type PostgresContext } from './cloudapps-list.js';
import { postgresFilters } from './filter-dialect.js';
import { ACTIVITIES, ensureForWrite, monthsOf } from './partitions.js';

const SPEC: ListSpec = {
  table: 'ca_activities',
  columns: activityColumns(postgresFilters),
  sort: { '': 'timestamp', date: 'timestamp', created: 'created' },
  tieBreak: 'id',
  select: ['id', 'timestamp', 'doc'],
};

export class PostgresActivityStore implements ActivityStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ctx: PostgresContext,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<ActivityListRow>> {
    return listPage(this.db, this.ctx, SPEC, tenantId, query);
  }
  get(tenantId: string, id: string): Promise<CloudAppsActivityRow | undefined> {
    return cloudAppsReads.activity(this.db, tenantId, id);
  }
  setFeedback(tenantId: string, id: string, feedback: string): Promise<boolean> {
    return cloudAppsReads.setActivityFeedback(this.db, tenantId, id, feedback);
  }
  /**
   * The key is (tenant_id, id, timestamp) because a partitioned table's keys must hold the
   * partition key; a record re-imported with another time would then exist twice, so its old
   * copy is deleted first. The month partitions are created first (see ensureForWrite).
   */
  async upsert(rows: CloudAppsActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    // New activities reach the detection engine with their insert: one transaction for both.
    if (!this.db.isTransaction) return this.db.transaction().execute((trx) => new PostgresActivityStore(trx, this.ctx).upsert(rows));
    await ensureForWrite(this.db, this.ctx.root, ACTIVITIES, monthsOf(rows.map((r) => r.timestamp)));
    // Detection queue and SIEM outbox (issue 15): the ids not stored yet, before they are written.
    await enqueueNewActivities(this.db, rows);
    await sql`DELETE FROM ca_activities a USING unnest(${rows.map((r) => r.tenant_id)}::text[], ${rows.map((r) => r.id)}::text[],
      ${rows.map((r) => r.timestamp)}::bigint[]) AS v(tenant_id, id, ts)
      WHERE a.tenant_id = v.tenant_id AND a.id = v.id AND a.timestamp <> v.ts`.execute(this.db);
    await upsertRows(this.db, this.ctx, 'ca_activities', ['tenant_id', 'id', 'timestamp'], rows);
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_activities');
  }
  async count(tenantId: string): Promise<number> {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ca_activities WHERE tenant_id = ${tenantId}`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}
