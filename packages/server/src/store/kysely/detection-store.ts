import { sql, type Kysely } from 'kysely';
import type { DetectionActivityRow, DetectionStore } from '../detection-interfaces.js';
import { enqueueNewForExport } from './siem-export-store.js';
import type { CloudAppsActivityRow, Database, DetectionPolicyRow } from '../schema.js';

/** Rows per statement (SQLite allows 32 766 variables; three per row). */
const ENQUEUE_CHUNK = 5000;

/** The activity columns the detection engine reads: all but the document. */
const ACTIVITY_COLUMNS = [
  'tenant_id',
  'id',
  'timestamp',
  'created',
  'app_id',
  'instance_id',
  'source',
  'event_type_name',
  'event_type_value',
  'action_type',
  'username',
  'user_domain',
  'user_org_unit',
  'user_tags',
  'actor_keys',
  'ip',
  'ip_category',
  'ip_tags',
  'country',
  'organization',
  'device_type',
  'device_tags',
  'user_agent',
  'ua_tags',
  'impersonated',
  'is_admin',
  'taken_action',
  'policy_ids',
  'file_ids',
  'file_labels',
  'object_ids',
  'object_url',
  'description',
  'feedback',
] as const satisfies readonly Exclude<keyof CloudAppsActivityRow, 'doc'>[];
/** A column added to CloudAppsActivityRow and not listed above fails to compile here. */
type Unlisted = Exclude<keyof CloudAppsActivityRow, 'doc' | (typeof ACTIVITY_COLUMNS)[number]>;
export const EVERY_ACTIVITY_COLUMN_LISTED: [Unlisted] extends [never] ? true : Unlisted = true;

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

  async claim(tenantId: string, limit: number): Promise<{ rows: DetectionActivityRow[]; missing: string[] }> {
    // One statement: the oldest queued ids with their activities (none: gone since).
    const r = await sql<DetectionActivityRow & { queued_id: string }>`SELECT q.activity_id AS queued_id, ${this.activityColumns()}
      FROM detection_queue q LEFT JOIN ca_activities a ON a.tenant_id = q.tenant_id AND a.id = q.activity_id ${this.docMembers()}
      WHERE q.tenant_id = ${tenantId}
      ORDER BY q.timestamp, q.activity_id
      LIMIT ${limit}`.execute(this.db);
    const rows: DetectionActivityRow[] = [];
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const row of r.rows) {
      // (The extra queued_id member goes along: copying every row to drop it costs more.)
      if ((row.id as string | null) === null) missing.push(row.queued_id);
      // Two copies of one id (PostgreSQL, concurrent re-imports with different times): read it once.
      else if (!seen.has(row.id)) {
        seen.add(row.id);
        rows.push(row);
      }
    }
    return { rows, missing };
  }

  async activities(tenantId: string, ids: string[]): Promise<DetectionActivityRow[]> {
    if (ids.length === 0) return [];
    const r = await sql<DetectionActivityRow>`SELECT ${this.activityColumns()} FROM ca_activities a ${this.docMembers()}
      WHERE a.tenant_id = ${tenantId} AND ${this.idIn(sql.ref('a.id'), ids)}`.execute(this.db);
    return r.rows;
  }

  /** The activity columns (not the document) and the document members detectors read, as JSON text. */
  private activityColumns() {
    const cols = sql.join(ACTIVITY_COLUMNS.map((c) => sql.ref(`a.${c}`)));
    return isPostgres(this.db)
      ? sql`${cols}, (m.j -> 'location')::text AS location, (m.j -> 'appName')::text AS app_name, (m.j -> 'resolvedActor')::text AS actor`
      : sql`${cols}, a.doc -> '$.location' AS location, a.doc -> '$.appName' AS app_name, a.doc -> '$.resolvedActor' AS actor`;
  }

  /** PostgreSQL parses each document once for the three members (a lateral join). */
  private docMembers() {
    return isPostgres(this.db) ? sql`LEFT JOIN LATERAL (SELECT a.doc::json AS j) m ON true` : sql``;
  }

  /** `column IN ids` with one bound parameter (an array, or a JSON array on SQLite). */
  private idIn(column: ReturnType<typeof sql.ref>, ids: string[]) {
    return isPostgres(this.db)
      ? sql`${column} = ANY(${ids}::text[])`
      : sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
  }

  async complete(tenantId: string, activityIds: string[]): Promise<void> {
    if (activityIds.length === 0) return;
    await sql`DELETE FROM detection_queue WHERE tenant_id = ${tenantId} AND ${this.idIn(sql.ref('activity_id'), activityIds)}`.execute(
      this.db,
    );
    await this.db
      .updateTable('detection_tenants')
      .set((eb) => ({ evaluated: eb('evaluated', '+', activityIds.length) }))
      .where('tenant_id', '=', tenantId)
      .execute();
  }

  async loadState(tenantId: string, keys: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (keys.length === 0) return out;
    const r = await sql<{ key: string; value: string }>`SELECT key, value FROM detection_state
      WHERE tenant_id = ${tenantId} AND ${this.idIn(sql.ref('key'), keys)}`.execute(this.db);
    for (const row of r.rows) out.set(row.key, row.value);
    return out;
  }

  /** One statement whatever the count (`entries` has each key once). */
  async saveState(tenantId: string, entries: [string, string][], now: number): Promise<void> {
    if (entries.length === 0) return;
    const rows = isPostgres(this.db)
      ? sql`SELECT ${tenantId}::text, u.k, u.v, ${now}::bigint FROM unnest(${entries.map((e) => e[0])}::text[], ${entries.map((e) => e[1])}::text[]) AS u(k, v)`
      : sql`SELECT ${tenantId}, j.value ->> 0, j.value ->> 1, ${now} FROM json_each(${JSON.stringify(entries)}) AS j WHERE true`;
    await sql`INSERT INTO detection_state (tenant_id, key, value, updated_at) ${rows}
      ON CONFLICT (tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`.execute(this.db);
  }

  async deleteState(tenantId: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await sql`DELETE FROM detection_state WHERE tenant_id = ${tenantId} AND ${this.idIn(sql.ref('key'), keys)}`.execute(this.db);
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
