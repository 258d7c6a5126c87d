import { sql, type Kysely } from 'kysely';

// Named with the `-scale-` infix of the scale-out work so that it cannot collide with other
// migrations added meanwhile; it touches only PostgreSQL and only its own objects.

const CLOUDAPPS_TABLES = ['ca_alerts', 'ca_activities', 'ca_entities'];

/**
 * PostgreSQL only (SQLite sees every commit through `data_version` already):
 * - statement triggers on the Cloud Apps tables NOTIFY `appwarden_changes` with the schema name
 *   and `/cloudapps`, so that every process's list-total cache (PostgresChangeFeed.dataStamp)
 *   forgets its totals when any process writes, without touching the token path's caches;
 * - the IP index gets the date, so that an IP filter (one address often has thousands of
 *   activities) reads its newest page in index order instead of sorting every match.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter.constructor.name;
  if (!/Postgres/i.test(dialect)) return;
  await sql`create or replace function appwarden_notify_cloudapps() returns trigger language plpgsql as $$
begin
  perform pg_notify('appwarden_changes', current_schema() || '/cloudapps');
  return null;
end $$`.execute(db);
  for (const t of CLOUDAPPS_TABLES) {
    await sql`create trigger ${sql.raw(`${t}_notify_change`)} after insert or update or delete on ${sql.table(t)} for each statement execute function appwarden_notify_cloudapps()`.execute(
      db,
    );
  }
  await sql`DROP INDEX ca_activities_ip`.execute(db);
  await sql`CREATE INDEX ca_activities_ip_date ON ca_activities (tenant_id, ip, timestamp)`.execute(db);
}
