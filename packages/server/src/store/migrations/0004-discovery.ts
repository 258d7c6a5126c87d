import type { Kysely } from 'kysely';

// Cloud Discovery and IP ranges. Dialect-neutral: times are epoch milliseconds in bigint, JSON is
// text, booleans are 0/1 integers; both backends run this same file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const tenant = 'tenants.id';

  await db.schema
    .createTable('disc_ip_tags')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('disc_ip_tags_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('disc_ip_tags_name', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('disc_ip_ranges')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'integer', (c) => c.notNull())
    .addColumn('subnets', 'text', (c) => c.notNull())
    .addColumn('organization', 'text')
    .addColumn('override_organization', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('location', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('disc_ip_ranges_pk', ['tenant_id', 'id'])
    .addUniqueConstraint('disc_ip_ranges_name', ['tenant_id', 'name'])
    .execute();

  await db.schema
    .createTable('disc_streams')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('stream_type', 'integer', (c) => c.notNull())
    .addColumn('log_type', 'integer')
    .addColumn('is_manual', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('global_aggregated', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_global', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_data_source', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('receiver_type', 'text')
    .addColumn('protocol', 'text')
    .addColumn('port', 'integer')
    .addColumn('anonymize_users', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    .addColumn('last_data_received', 'bigint')
    .addColumn('log_files_history_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('log_files_fails_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('disc_streams_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('disc_streams_name').on('disc_streams').columns(['tenant_id', 'display_name']).execute();

  await db.schema
    .createTable('disc_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('committed_at', 'bigint')
    .execute();
  await db.schema.createIndex('disc_uploads_expiry').on('disc_uploads').columns(['expires_at']).execute();

  await db.schema
    .createTable('disc_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('input', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('heartbeat_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('claimed_by', 'text')
    .execute();
  await db.schema.createIndex('disc_jobs_state').on('disc_jobs').columns(['state', 'created_at']).execute();
  await db.schema.createIndex('disc_jobs_tenant').on('disc_jobs').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('disc_aggregates')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('transactions', 'bigint', (c) => c.notNull())
    .addColumn('blocked', 'bigint', (c) => c.notNull())
    .addColumn('bytes_up', 'bigint', (c) => c.notNull())
    .addColumn('bytes_down', 'bigint', (c) => c.notNull())
    .addColumn('bytes_total', 'bigint', (c) => c.notNull())
    .addColumn('ip_category', 'integer')
    .addColumn('ip_tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('organization', 'text')
    .addPrimaryKeyConstraint('disc_aggregates_pk', ['tenant_id', 'stream_id', 'day', 'app_id', 'user_name', 'ip'])
    .execute();
  // Reports read a window of days over one or all streams; retention deletes by day.
  await db.schema.createIndex('disc_aggregates_day').on('disc_aggregates').columns(['tenant_id', 'day']).execute();

  await db.schema
    .createTable('disc_app_states')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references(tenant).onDelete('cascade'))
    .addColumn('app_id', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('disc_app_states_pk', ['tenant_id', 'app_id'])
    .execute();
}
