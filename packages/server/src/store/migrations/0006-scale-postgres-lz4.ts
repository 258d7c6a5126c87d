import { sql, type Kysely } from 'kysely';

/**
 * PostgreSQL only, when the server is built with lz4 (PostgreSQL 14+, most packages): activity
 * documents (3 KB of JSON each, always compressed into TOAST) use lz4 instead of pglz. Same size
 * on generated data, about twice the insert rate without indexes (the compression was half of
 * it), and cheaper to decompress when a page of 100 is read. Applies to rows written from now on;
 * existing rows keep pglz (both are read transparently). The partitioned table's setting is copied
 * to partitions created later; existing partitions are set one by one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter.constructor.name;
  if (!/Postgres/i.test(dialect)) return;
  const lz4 = await sql<{
    ok: boolean;
  }>`SELECT 'lz4' = ANY(enumvals) AS ok FROM pg_settings WHERE name = 'default_toast_compression'`.execute(db);
  if (!lz4.rows[0]?.ok) return;
  await sql`ALTER TABLE ca_activities ALTER COLUMN doc SET COMPRESSION lz4`.execute(db);
  const parts = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'ca_activities'::regclass`.execute(db);
  for (const { name } of parts.rows) await sql`ALTER TABLE ${sql.table(name)} ALTER COLUMN doc SET COMPRESSION lz4`.execute(db);
}
