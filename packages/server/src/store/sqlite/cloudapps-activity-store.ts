import type { Kysely } from 'kysely';
import type { ActivityStore, ListPage, ListQuery } from '../interfaces.js';
import { activityColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import { enqueueNewActivities } from '../kysely/detection-store.js';
import type { CountCache } from '../kysely/count-cache.js';
import type { CloudAppsActivityRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { analyze, chunk, listPage, upsertPrepared, type ListSpec } from './cloudapps-list.js';
import { sqliteFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_activities',
  columns: activityColumns(sqliteFilters),
  sort: { '': 'timestamp', date: 'timestamp', created: 'created' },
  tieBreak: 'id',
};

export class SqliteActivityStore implements ActivityStore {
  /** `raw` is given only to stores bound to a transaction (see upsertPrepared). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly counts?: CountCache,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsActivityRow>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts);
  }
  get(tenantId: string, id: string): Promise<CloudAppsActivityRow | undefined> {
    return cloudAppsReads.activity(this.db, tenantId, id);
  }
  setFeedback(tenantId: string, id: string, feedback: string): Promise<boolean> {
    return cloudAppsReads.setActivityFeedback(this.db, tenantId, id, feedback);
  }
  async upsert(rows: CloudAppsActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    // New activities reach the detection engine with their insert: one transaction for both.
    if (!this.db.isTransaction) return this.db.transaction().execute((trx) => new SqliteActivityStore(trx).upsert(rows));
    // Detection queue and SIEM outbox (issue 15): the ids not stored yet, before they are written.
    await enqueueNewActivities(this.db, rows);
    if (this.raw) return upsertPrepared(this.raw, 'ca_activities', ['tenant_id', 'id'], rows);
    const cols = Object.keys(rows[0]!).filter((k) => k !== 'tenant_id' && k !== 'id') as (keyof CloudAppsActivityRow)[];
    for (const part of chunk(rows, cols.length + 2)) {
      await this.db
        .insertInto('ca_activities')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        )
        .execute();
    }
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_activities');
  }
  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('ca_activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
