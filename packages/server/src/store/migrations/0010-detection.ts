import { sql, type Kysely } from 'kysely';

// Detection engine (issue 15): the outbox of activities awaiting evaluation, the durable window
// state of the detectors, one lock row per tenant (one evaluator per tenant at a time, across
// processes) and the tenant's activity policies. Detection settings ride on the tenant settings.

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = /Postgres/i.test(db.getExecutor().adapter.constructor.name);
  const key = postgres ? sql`text collate "C"` : sql`text`;
  // Filled in the same transaction as the activity insert, only for ids that were not stored yet.
  await db.schema
    .createTable('detection_queue')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('activity_id', key, (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('detection_queue_pk', ['tenant_id', 'activity_id'])
    .execute();
  await db.schema.createIndex('detection_queue_order').on('detection_queue').columns(['tenant_id', 'timestamp', 'activity_id']).execute();
  // Windows, baselines, last sign-ins, daily counters: JSON per key, rewritten with the alerts.
  await db.schema
    .createTable('detection_state')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key', key, (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('detection_state_pk', ['tenant_id', 'key'])
    .execute();
  // Locked (FOR UPDATE SKIP LOCKED on PostgreSQL) by the one process evaluating the tenant.
  await db.schema
    .createTable('detection_tenants')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('evaluated', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_run', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('detection_policies')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', key, (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('updated', 'bigint', (c) => c.notNull())
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('detection_policies_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.alterTable('ca_tenant_settings').addColumn('detection', 'text').execute();
}
