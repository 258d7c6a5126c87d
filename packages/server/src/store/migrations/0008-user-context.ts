import type { Kysely } from 'kysely';

// User context (issue 11): user profile and sign-in state, public-client settings of applications,
// directory roles, delegated permission grants, and the one-time secrets of the user flows.
// Shared by SQLite and PostgreSQL (times are epoch milliseconds, flags 0/1, JSON as text).
// Codes, refresh tokens, device codes and session ids are stored only as keyed hashes.

export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite adds one column per statement.
  const userColumns: [string, 'text' | 'integer' | 'bigint', unknown][] = [
    ['account_enabled', 'integer', 1],
    ['mail_nickname', 'text', undefined],
    ['given_name', 'text', undefined],
    ['surname', 'text', undefined],
    ['job_title', 'text', undefined],
    ['force_change_password', 'integer', 0],
    // Refresh tokens and sessions issued before this instant are revoked (password reset, revokeSignInSessions).
    ['tokens_valid_from', 'bigint', 0],
  ];
  for (const [name, type, dflt] of userColumns) {
    await db.schema
      .alterTable('users')
      .addColumn(name, type, (c) => (dflt === undefined ? c : c.notNull().defaultTo(dflt)))
      .execute();
  }
  for (const [name, type, dflt] of [
    ['spa', 'text', '{}'],
    ['public_client', 'text', '{}'],
    ['is_fallback_public_client', 'integer', 0],
  ] as const) {
    await db.schema
      .alterTable('applications')
      .addColumn(name, type, (c) => c.notNull().defaultTo(dflt))
      .execute();
  }
  await db.schema
    .createTable('directory_role_assignments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('principal_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('role_template_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('directory_role_assignments_unique', ['principal_id', 'role_template_id'])
    .execute();
  await db.schema.createIndex('directory_role_assignments_tenant').on('directory_role_assignments').columns(['tenant_id']).execute();
  await db.schema
    .createTable('oauth2_permission_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('consent_type', 'text', (c) => c.notNull())
    .addColumn('principal_id', 'text')
    .addColumn('resource_id', 'text', (c) => c.notNull().references('service_principals.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oauth2_permission_grants_client')
    .on('oauth2_permission_grants')
    .columns(['client_id', 'resource_id'])
    .execute();
  await db.schema
    .createTable('authorization_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_app_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('redirect_type', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text')
    .addColumn('nonce', 'text')
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('redeemed_at', 'bigint')
    .execute();
  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_app_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('spa', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').columns(['user_id']).execute();
  await db.schema
    .createTable('device_codes')
    .addColumn('device_code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('client_app_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('auth_time', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sign_in_sessions')
    .addColumn('session_hash', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}
