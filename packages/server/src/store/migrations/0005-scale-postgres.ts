import { sql, type Kysely } from 'kysely';
import { ACTIVITIES, ensureAhead, ensureMonths, monthOf } from '../postgres/partitions.js';

// Named with the `0005-scale-` prefix of the scale-out work so that it cannot collide with other
// migrations added meanwhile; it touches only PostgreSQL and only its own objects, so its place
// among them does not matter.

const ACTIVITY_ARRAYS = [
  'user_tags',
  'actor_keys',
  'ip_tags',
  'device_tags',
  'ua_tags',
  'policy_ids',
  'file_ids',
  'file_labels',
  'object_ids',
];

/**
 * PostgreSQL only (SQLite keeps 0003 as is):
 * - list columns become jsonb, so that element filters use `?|` and a GIN index instead of
 *   unpacking JSON text row by row;
 * - sort and tie-break text columns use the "C" collation, so that pages come in the same (byte)
 *   order as on SQLite whatever the database's default collation;
 * - ca_activities becomes range-partitioned by month on `timestamp` (see postgres/partitions.ts);
 *   its primary key must include the partition key, so it is (tenant_id, id, timestamp);
 * - `counters`: fixed-window counters shared by every process (rate limits, lockouts). UNLOGGED:
 *   counters are worth no WAL and may be lost in a crash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter.constructor.name;
  if (!/Postgres/i.test(dialect)) return;

  await sql`ALTER TABLE ca_alerts ALTER COLUMN entity_keys DROP DEFAULT,
    ALTER COLUMN entity_keys TYPE jsonb USING entity_keys::jsonb, ALTER COLUMN entity_keys SET DEFAULT '[]'::jsonb,
    ALTER COLUMN id TYPE text COLLATE "C"`.execute(db);
  await sql`CREATE INDEX ca_alerts_entity_keys ON ca_alerts USING gin (entity_keys)`.execute(db);
  await sql`ALTER TABLE ca_entities ALTER COLUMN user_groups DROP DEFAULT,
    ALTER COLUMN user_groups TYPE jsonb USING user_groups::jsonb, ALTER COLUMN user_groups SET DEFAULT '[]'::jsonb,
    ALTER COLUMN oid TYPE text COLLATE "C", ALTER COLUMN display_name TYPE text COLLATE "C",
    ALTER COLUMN username TYPE text COLLATE "C"`.execute(db);

  // Rebuild ca_activities as a partitioned table, keeping any rows (`db copy` may have filled it).
  await sql`ALTER TABLE ca_activities RENAME TO ca_activities_unpartitioned`.execute(db);
  await sql`ALTER TABLE ca_activities_unpartitioned RENAME CONSTRAINT ca_activities_pk TO ca_activities_unpartitioned_pk`.execute(db);
  for (const ix of [
    'ca_activities_date',
    'ca_activities_created',
    'ca_activities_app_date',
    'ca_activities_user_date',
    'ca_activities_ip',
  ]) {
    await sql`DROP INDEX ${sql.table(ix)}`.execute(db);
  }
  await sql`CREATE TABLE ca_activities (LIKE ca_activities_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (timestamp)`.execute(db);
  const arrays = sql.join(
    ACTIVITY_ARRAYS.map(
      (c) =>
        sql`ALTER COLUMN ${sql.ref(c)} DROP DEFAULT, ALTER COLUMN ${sql.ref(c)} TYPE jsonb USING ${sql.ref(c)}::jsonb, ALTER COLUMN ${sql.ref(c)} SET DEFAULT '[]'::jsonb`,
    ),
  );
  await sql`ALTER TABLE ca_activities ${arrays}, ALTER COLUMN id TYPE text COLLATE "C"`.execute(db);
  await sql`ALTER TABLE ca_activities ADD CONSTRAINT ca_activities_pk PRIMARY KEY (tenant_id, id, timestamp),
    ADD CONSTRAINT ca_activities_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE`.execute(db);
  // Indexes that match the filters: date (the default sort), created (scan mode), service, user,
  // IP, event type, each with the date for the sort; the actor keys (`entity` filter) by GIN.
  await sql`CREATE INDEX ca_activities_date ON ca_activities (tenant_id, timestamp, id)`.execute(db);
  await sql`CREATE INDEX ca_activities_created ON ca_activities (tenant_id, created, id)`.execute(db);
  await sql`CREATE INDEX ca_activities_app_date ON ca_activities (tenant_id, app_id, timestamp)`.execute(db);
  await sql`CREATE INDEX ca_activities_user_date ON ca_activities (tenant_id, username, timestamp)`.execute(db);
  await sql`CREATE INDEX ca_activities_ip ON ca_activities (tenant_id, ip)`.execute(db);
  await sql`CREATE INDEX ca_activities_event_date ON ca_activities (tenant_id, event_type_name, timestamp)`.execute(db);
  await sql`CREATE INDEX ca_activities_actor_keys ON ca_activities USING gin (actor_keys)`.execute(db);

  const span = await sql<{
    lo: number | null;
    hi: number | null;
  }>`SELECT min(timestamp) AS lo, max(timestamp) AS hi FROM ca_activities_unpartitioned`.execute(db);
  const { lo, hi } = span.rows[0] ?? { lo: null, hi: null };
  if (lo !== null && hi !== null) {
    const months = await sql<{
      ts: number;
    }>`SELECT DISTINCT (timestamp / 86400000) * 86400000 AS ts FROM ca_activities_unpartitioned`.execute(db);
    await ensureMonths(db, ACTIVITIES, new Set(months.rows.map((r) => monthOf(Number(r.ts)))));
    const names = (
      await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'ca_activities' ORDER BY ordinal_position`.execute(db)
    ).rows.map((r) => r.name);
    const cols = sql.join(names.map((n) => sql.ref(n)));
    const casts = sql.join(names.map((n) => (ACTIVITY_ARRAYS.includes(n) ? sql`${sql.ref(n)}::jsonb` : sql.ref(n))));
    await sql`INSERT INTO ca_activities (${cols}) SELECT ${casts} FROM ca_activities_unpartitioned`.execute(db);
  }
  await sql`DROP TABLE ca_activities_unpartitioned`.execute(db);
  await ensureAhead(db, ACTIVITIES, Date.now());

  await sql`CREATE UNLOGGED TABLE counters (
    key text PRIMARY KEY,
    count bigint NOT NULL,
    expires_at bigint NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX counters_expires ON counters (expires_at)`.execute(db);
}
