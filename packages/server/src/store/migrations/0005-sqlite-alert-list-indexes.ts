import { sql, type Kysely } from 'kysely';

/**
 * SQLite only (PostgreSQL's Cloud Apps indexes belong to its own migrations). Named with a
 * `0005-sqlite-` prefix so that it sorts after the migrations other branches add meanwhile.
 *
 * Alert indexes that answer the common filtered list (severity + resolution status + date range,
 * newest first) from the index alone: with `id` after `timestamp` a single status value yields
 * rows already in (timestamp, id) order, so a page stops after `limit + 1` entries instead of
 * sorting every match; `severity` at the end lets a severity list be checked without reading the
 * row (and its document). The total's capped count runs on index entries only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!/Sqlite/i.test(db.getExecutor().adapter.constructor.name)) return;
  await db.schema.dropIndex('ca_alerts_status_date').execute();
  await db.schema
    .createIndex('ca_alerts_status_date')
    .on('ca_alerts')
    .columns(['tenant_id', 'resolution_status', 'timestamp', 'id', 'severity'])
    .execute();
  await db.schema.dropIndex('ca_alerts_severity_status_date').execute();
  await db.schema
    .createIndex('ca_alerts_severity_status_date')
    .on('ca_alerts')
    .columns(['tenant_id', 'severity', 'resolution_status', 'timestamp', 'id'])
    .execute();
  // Statistics for the new indexes, else the planner may keep sorting every match.
  await sql`ANALYZE ca_alerts`.execute(db);
}
