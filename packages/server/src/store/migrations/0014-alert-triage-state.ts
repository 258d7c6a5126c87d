import { sql, type Kysely } from 'kysely';

// Microsoft Graph's alerts_v2 (issue 15) triages the same Defender for Cloud Apps alerts: who owns
// an alert, its classification while still open, the determination, the analysts' comments and
// when its state last changed. Columns of ca_alerts (both backends), all nullable, so rows written
// by importers and detectors need not know them. `last_update` orders and filters
// `lastUpdateDateTime`; NULL reads as the alert's own time.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ca_alerts').addColumn('assigned_to', 'text').execute();
  await db.schema.alterTable('ca_alerts').addColumn('classification', 'text').execute();
  await db.schema.alterTable('ca_alerts').addColumn('determination', 'text').execute();
  await db.schema.alterTable('ca_alerts').addColumn('graph_comments', 'text').execute();
  await db.schema.alterTable('ca_alerts').addColumn('last_update', 'bigint').execute();
  await sql`CREATE INDEX ca_alerts_last_update ON ca_alerts (tenant_id, (coalesce(last_update, "timestamp")))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX ca_alerts_last_update`.execute(db);
  for (const c of ['assigned_to', 'classification', 'determination', 'graph_comments', 'last_update']) {
    await db.schema.alterTable('ca_alerts').dropColumn(c).execute();
  }
}
