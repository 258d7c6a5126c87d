import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Files of connected apps (issue 13). One table for both backends, shaped as 0003 and the
// PostgreSQL scale migrations left the other Cloud Apps tables: on PostgreSQL the list columns are
// jsonb (element filters use `?|` and GIN), the sort and tie-break texts use the "C" collation (the
// same page order as SQLite), and writes notify the other processes' list-total caches.

const LISTS = [
  'owner_keys',
  'collaborator_users',
  'collaborator_domains',
  'collaborator_groups',
  'policy_ids',
  'file_labels',
  'scan_labels',
  'parent_ids',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = /Postgres/i.test(db.getExecutor().adapter.constructor.name);
  const list = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo(postgres ? sql`'[]'::jsonb` : '[]');
  const sortText = postgres ? sql`text collate "C"` : sql`text`;
  let t = db.schema
    .createTable('ca_files')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('oid', sortText, (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('instance_id', 'integer', (c) => c.notNull())
    .addColumn('file_type', 'integer', (c) => c.notNull())
    .addColumn('sharing', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('trashed', 'integer', (c) => c.notNull())
    .addColumn('is_folder', 'integer', (c) => c.notNull())
    .addColumn('quarantined', 'integer', (c) => c.notNull())
    .addColumn('name', sortText, (c) => c.notNull())
    .addColumn('extension', 'text')
    .addColumn('mime_type', 'text')
    .addColumn('file_size', 'bigint')
    .addColumn('owner_username', 'text')
    .addColumn('owner_org_unit', 'text');
  for (const c of LISTS) t = t.addColumn(c, postgres ? 'jsonb' : 'text', list);
  await t
    .addColumn('created_date', 'bigint')
    .addColumn('modified_date', 'bigint')
    .addColumn('snapshot_modified', 'bigint')
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ca_files_pk', ['tenant_id', 'oid'])
    .execute();
  // The default sort (modified date, newest first) and the usual filters with it.
  await db.schema.createIndex('ca_files_modified').on('ca_files').columns(['tenant_id', 'modified_date', 'oid']).execute();
  await db.schema.createIndex('ca_files_app_modified').on('ca_files').columns(['tenant_id', 'app_id', 'modified_date']).execute();
  await db.schema.createIndex('ca_files_owner').on('ca_files').columns(['tenant_id', 'owner_username']).execute();
  await db.schema.createIndex('ca_files_id').on('ca_files').columns(['tenant_id', 'id']).execute();
  if (postgres) {
    await sql`CREATE INDEX ca_files_owner_keys ON ca_files USING gin (owner_keys)`.execute(db);
    // appwarden_notify_cloudapps() comes from 0006-scale-postgres-lists.
    await sql`create trigger ca_files_notify_change after insert or update or delete on ca_files for each statement execute function appwarden_notify_cloudapps()`.execute(
      db,
    );
  }
}
