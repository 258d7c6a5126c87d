import { sql, type Kysely } from 'kysely';

// SIEM export (issue 15, 4b and 4c): per-tenant export targets (CEF over syslog, signed webhooks)
// and the outbox that carries new alerts and activities to them at least once. An outbox row is
// written in the transaction that inserts its alert or activity, one per enabled target; the
// delivery worker deletes it once the target has taken it.

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = /Postgres/i.test(db.getExecutor().adapter.constructor.name);
  await db.schema
    .createTable('siem_targets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('framing', 'text', (c) => c.notNull())
    .addColumn('ca', 'text')
    .addColumn('alerts', 'integer', (c) => c.notNull())
    .addColumn('activities', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('secret_enc', 'text')
    .addColumn('max_pending', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('delivered', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('dropped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rejected', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_delivery_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'bigint')
    .execute();
  await db.schema.createIndex('siem_targets_tenant').on('siem_targets').columns(['tenant_id', 'created_at']).execute();
  let outbox = db.schema.createTable('siem_outbox');
  outbox = postgres
    ? outbox.addColumn('seq', 'bigserial', (c) => c.primaryKey())
    : outbox.addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement());
  await outbox
    .addColumn('target_id', 'text', (c) => c.notNull().references('siem_targets.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull())
    .addColumn('enqueued_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('siem_outbox_target').on('siem_outbox').columns(['target_id', 'seq']).execute();
  if (postgres) await sql`ALTER TABLE siem_outbox SET (autovacuum_vacuum_scale_factor = 0.05)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('siem_outbox').execute();
  await db.schema.dropTable('siem_targets').execute();
}
