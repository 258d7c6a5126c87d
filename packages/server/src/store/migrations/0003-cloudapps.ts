import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// Times are epoch milliseconds in bigint (INTEGER affinity in SQLite); lists are JSON text.
const json = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('[]');

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('ca_alerts')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('id_value', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('severity', 'integer', (c) => c.notNull())
    .addColumn('resolution_status', 'integer', (c) => c.notNull())
    .addColumn('status_value', 'integer', (c) => c.notNull())
    .addColumn('resolve_time', 'bigint')
    .addColumn('handled_by_user', 'text')
    .addColumn('comment', 'text')
    .addColumn('reason_id', 'integer')
    .addColumn('threat_score', 'integer')
    .addColumn('alert_type', 'integer')
    .addColumn('source', 'text')
    .addColumn('entity_keys', 'text', json)
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ca_alerts_pk', ['tenant_id', 'id'])
    .execute();
  // The common filters: date alone, severity + status + date, status + date, read + date.
  await db.schema.createIndex('ca_alerts_date').on('ca_alerts').columns(['tenant_id', 'timestamp', 'id']).execute();
  await db.schema
    .createIndex('ca_alerts_severity_status_date')
    .on('ca_alerts')
    .columns(['tenant_id', 'severity', 'resolution_status', 'timestamp'])
    .execute();
  await db.schema.createIndex('ca_alerts_status_date').on('ca_alerts').columns(['tenant_id', 'resolution_status', 'timestamp']).execute();
  await db.schema.createIndex('ca_alerts_read_date').on('ca_alerts').columns(['tenant_id', 'status_value', 'timestamp']).execute();

  let t = db.schema
    .createTable('ca_activities')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('created', 'bigint', (c) => c.notNull())
    .addColumn('app_id', 'integer')
    .addColumn('instance_id', 'integer')
    .addColumn('source', 'integer');
  for (const col of [
    'event_type_name',
    'event_type_value',
    'action_type',
    'username',
    'user_domain',
    'user_org_unit',
    'ip',
    'country',
    'organization',
    'device_type',
    'user_agent',
    'taken_action',
    'object_url',
    'description',
    'feedback',
  ]) {
    t = t.addColumn(col, 'text');
  }
  for (const col of [
    'user_tags',
    'actor_keys',
    'ip_tags',
    'device_tags',
    'ua_tags',
    'policy_ids',
    'file_ids',
    'file_labels',
    'object_ids',
  ]) {
    t = t.addColumn(col, 'text', json);
  }
  await t
    .addColumn('ip_category', 'integer')
    .addColumn('impersonated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ca_activities_pk', ['tenant_id', 'id'])
    .execute();
  await db.schema.createIndex('ca_activities_date').on('ca_activities').columns(['tenant_id', 'timestamp', 'id']).execute();
  await db.schema.createIndex('ca_activities_created').on('ca_activities').columns(['tenant_id', 'created', 'id']).execute();
  await db.schema.createIndex('ca_activities_app_date').on('ca_activities').columns(['tenant_id', 'app_id', 'timestamp']).execute();
  await db.schema.createIndex('ca_activities_user_date').on('ca_activities').columns(['tenant_id', 'username', 'timestamp']).execute();
  await db.schema.createIndex('ca_activities_ip').on('ca_activities').columns(['tenant_id', 'ip']).execute();

  await db.schema
    .createTable('ca_entities')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('oid', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('saas', 'integer', (c) => c.notNull())
    .addColumn('inst', 'integer', (c) => c.notNull())
    .addColumn('pk', 'text', (c) => c.notNull())
    .addColumn('parent_pk', 'text')
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('is_admin', 'integer', (c) => c.notNull())
    .addColumn('is_external', 'integer')
    .addColumn('domain', 'text')
    .addColumn('organization', 'text')
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('last_seen', 'bigint')
    .addColumn('threat_score', 'integer')
    .addColumn('user_groups', 'text', json)
    .addColumn('doc', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ca_entities_pk', ['tenant_id', 'oid'])
    .addUniqueConstraint('ca_entities_key', ['tenant_id', 'pk'])
    .execute();
  await db.schema.createIndex('ca_entities_parent').on('ca_entities').columns(['tenant_id', 'parent_pk']).execute();
  await db.schema.createIndex('ca_entities_name').on('ca_entities').columns(['tenant_id', 'display_name']).execute();

  await db.schema
    .createTable('ca_api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('ca_api_tokens_tenant').on('ca_api_tokens').column('tenant_id').execute();

  await db.schema
    .createTable('ca_tenant_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('faults', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
