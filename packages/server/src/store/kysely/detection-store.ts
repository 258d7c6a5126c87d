import { sql, type Kysely } from 'kysely';
import type { DetectionStore } from '../detection-interfaces.js';
import { enqueueNewForExport } from './siem-export-store.js';
import type { CloudAppsActivityRow, Database, DetectionPolicyRow } from '../schema.js';

/** Rows per statement (SQLite allows 32 766 variables; three per row). */
const ENQUEUE_CHUNK = 5000;
const ID_CHUNK = 900;

const isPostgres = (db: Kysely<Database>) => /Postgres/i.test(db.getExecutor().adapter.constructor.name);

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/**
 * The detection outbox write: queues the activities whose id the tenant does not hold yet (so that
 * an activity is evaluated once however often it is re-imported) and returns the rows it queued.
 * Call it BEFORE `rows` are written, in the same transaction. The queue's key makes a concurrent
 * second enqueue of one id a no-op (that id is then not returned either). This statement is the
 * activity write's one "which ids are new" look-up: see enqueueNewActivities.
 */
export async function enqueueForDetection(
  db: Kysely<Database>,
  rows: readonly CloudAppsActivityRow[],
): Promise<{ tenant_id: string; id: string }[]> {
  const queued: { tenant_id: string; id: string }[] = [];
  if (rows.length === 0) return queued;
  const postgres = isPostgres(db);
  for (const part of chunks([...rows], ENQUEUE_CHUNK)) {
    const r = postgres
      ? await sql<{ tenant_id: string; id: string }>`INSERT INTO detection_queue (tenant_id, activity_id, timestamp)
          SELECT v.t, v.i, v.ts FROM unnest(${part.map((r) => r.tenant_id)}::text[], ${part.map((r) => r.id)}::text[],
            ${part.map((r) => r.timestamp)}::bigint[]) AS v(t, i, ts)
          WHERE NOT EXISTS (SELECT 1 FROM ca_activities a WHERE a.tenant_id = v.t AND a.id = v.i)
          ON CONFLICT DO NOTHING
          RETURNING tenant_id, activity_id AS id`.execute(db)
      : await sql<{ tenant_id: string; id: string }>`INSERT INTO detection_queue (tenant_id, activity_id, timestamp)
          SELECT v.column1, v.column2, v.column3 FROM (VALUES ${sql.join(part.map((r) => sql`(${r.tenant_id}, ${r.id}, ${r.timestamp})`))}) AS v
          WHERE NOT EXISTS (SELECT 1 FROM ca_activities a WHERE a.tenant_id = v.column1 AND a.id = v.column2)
          ON CONFLICT DO NOTHING
          RETURNING tenant_id, activity_id AS id`.execute(db);
    for (const row of r.rows) queued.push(row);
  }
  return queued;
}

/**
 * The outboxes of an activity write (both backends' upserts call this in their transaction, BEFORE
 * writing `rows`): ONE look-up finds the activities the tenant does not hold yet, which go to the
 * detection queue and, for the tenant's export targets, to the SIEM outbox. An activity written
 * again (a re-import) is neither evaluated nor exported twice.
 */
export async function enqueueNewActivities(db: Kysely<Database>, rows: readonly CloudAppsActivityRow[], now = Date.now()): Promise<void> {
  const queued = await enqueueForDetection(db, rows);
  if (queued.length === 0) return;
  // In the order written (RETURNING's order is not promised), which the export keeps.
  const isNew = new Set(queued.map((q) => `${q.tenant_id}\u0000${q.id}`));
  await enqueueNewForExport(
    db,
    'activity',
    rows.filter((r) => isNew.has(`${r.tenant_id}\u0000${r.id}`)),
    now,
  );
}

export class KyselyDetectionStore implements DetectionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async queuedTenants(limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('detection_queue').select('tenant_id').distinct().limit(limit).execute();
    return rows.map((r) => r.tenant_id);
  }

  async queueDepth(tenantId?: string): Promise<number> {
    let q = this.db.selectFrom('detection_queue').select((eb) => eb.fn.countAll<number>().as('n'));
    if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async lockTenant(tenantId: string, now: number): Promise<boolean> {
    await this.db
      .insertInto('detection_tenants')
      .values({ tenant_id: tenantId, evaluated: 0, last_run: 0 })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    if (isPostgres(this.db)) {
      const r = await sql<{ tenant_id: string }>`SELECT tenant_id FROM detection_tenants WHERE tenant_id = ${tenantId}
        FOR UPDATE SKIP LOCKED`.execute(this.db);
      if (r.rows.length === 0) return false;
    }
    await this.db.updateTable('detection_tenants').set({ last_run: now }).where('tenant_id', '=', tenantId).execute();
    return true;
  }

  async claim(tenantId: string, limit: number): Promise<{ rows: CloudAppsActivityRow[]; missing: string[] }> {
    const queued = await this.db
      .selectFrom('detection_queue')
      .select('activity_id')
      .where('tenant_id', '=', tenantId)
      .orderBy('timestamp')
      .orderBy('activity_id')
      .limit(limit)
      .execute();
    const ids = queued.map((q) => q.activity_id);
    const found = new Map<string, CloudAppsActivityRow>();
    for (const r of await this.activities(tenantId, ids)) found.set(r.id, r);
    const rows: CloudAppsActivityRow[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const r = found.get(id);
      if (r) rows.push(r);
      else missing.push(id);
    }
    return { rows, missing };
  }

  async activities(tenantId: string, ids: string[]): Promise<CloudAppsActivityRow[]> {
    const out: CloudAppsActivityRow[] = [];
    for (const part of chunks(ids, ID_CHUNK)) {
      out.push(
        ...(await this.db.selectFrom('ca_activities').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', part).execute()),
      );
    }
    return out;
  }

  async complete(tenantId: string, activityIds: string[]): Promise<void> {
    for (const part of chunks(activityIds, ID_CHUNK)) {
      await this.db.deleteFrom('detection_queue').where('tenant_id', '=', tenantId).where('activity_id', 'in', part).execute();
    }
    if (activityIds.length > 0) {
      await this.db
        .updateTable('detection_tenants')
        .set((eb) => ({ evaluated: eb('evaluated', '+', activityIds.length) }))
        .where('tenant_id', '=', tenantId)
        .execute();
    }
  }

  async loadState(tenantId: string, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const part of chunks(keys, ID_CHUNK)) {
      const rows = await this.db
        .selectFrom('detection_state')
        .select(['key', 'value'])
        .where('tenant_id', '=', tenantId)
        .where('key', 'in', part)
        .execute();
      for (const r of rows) out.set(r.key, r.value);
    }
    return out;
  }

  async saveState(tenantId: string, entries: [string, string][], now: number): Promise<void> {
    for (const part of chunks(entries, 1000)) {
      await this.db
        .insertInto('detection_state')
        .values(part.map(([key, value]) => ({ tenant_id: tenantId, key, value, updated_at: now })))
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'key'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })),
        )
        .execute();
    }
  }

  async deleteState(tenantId: string, keys: string[]): Promise<void> {
    for (const part of chunks(keys, ID_CHUNK)) {
      await this.db.deleteFrom('detection_state').where('tenant_id', '=', tenantId).where('key', 'in', part).execute();
    }
  }

  listPolicies(tenantId: string): Promise<DetectionPolicyRow[]> {
    return this.db
      .selectFrom('detection_policies')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created')
      .orderBy('id')
      .execute();
  }

  getPolicy(tenantId: string, id: string): Promise<DetectionPolicyRow | undefined> {
    return this.db.selectFrom('detection_policies').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }

  async putPolicy(row: DetectionPolicyRow): Promise<void> {
    await this.db
      .insertInto('detection_policies')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'id']).doUpdateSet({ name: row.name, enabled: row.enabled, updated: row.updated, doc: row.doc }),
      )
      .execute();
  }

  async deletePolicy(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('detection_policies').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
