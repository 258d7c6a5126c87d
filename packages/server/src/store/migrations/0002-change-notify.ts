import { sql, type Kysely } from 'kysely';

/** Tables whose writes must reach the token path's read caches in every process at once. */
const WATCHED = [
  'tenants',
  'signing_keys',
  'applications',
  'password_credentials',
  'key_credentials',
  'service_principals',
  'app_role_assignments',
];

/**
 * PostgreSQL only: a statement trigger on the directory tables NOTIFYs `appwarden_changes` with the
 * schema name (see store/postgres/change-feed.ts). SQLite sees other processes' writes through
 * `data_version` instead and needs nothing here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter.constructor.name;
  if (!/Postgres/i.test(dialect)) return;
  await sql`create or replace function appwarden_notify_change() returns trigger language plpgsql as $$
begin
  perform pg_notify('appwarden_changes', current_schema());
  return null;
end $$`.execute(db);
  for (const t of WATCHED) {
    await sql`create trigger ${sql.raw(`${t}_notify_change`)} after insert or update or delete on ${sql.table(t)} for each statement execute function appwarden_notify_change()`.execute(
      db,
    );
  }
}
