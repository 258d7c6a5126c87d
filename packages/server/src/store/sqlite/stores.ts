import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import type { Database } from '../schema.js';
import { SqliteApiTokenStore } from './api-token-store.js';
import { SqliteActivityStore } from './cloudapps-activity-store.js';
import { SqliteAlertStore } from './cloudapps-alert-store.js';
import { SqliteEntityStore } from './cloudapps-entity-store.js';
import { SqliteAppRoleAssignmentStore } from './app-role-assignment-store.js';
import { SqliteApplicationStore } from './application-store.js';
import { SqliteAssertionReplayStore } from './assertion-replay-store.js';
import { SqliteCredentialStore } from './credential-store.js';
import { SqliteServicePrincipalStore } from './service-principal-store.js';
import { SqliteSigningKeyStore } from './signing-key-store.js';
import { SqliteTenantSettingsStore } from './tenant-settings-store.js';
import { SqliteTenantStore } from './tenant-store.js';
import { SqliteUserStore } from './user-store.js';

/**
 * Binds every SQLite store to one Kysely handle (the database or a transaction). `raw`, when
 * given, lets transaction-bound Cloud Apps stores bulk-write through prepared statements.
 */
export function sqliteStores(db: Kysely<Database>, close: () => Promise<void>, raw?: SQLite.Database, inTransaction = false): Stores {
  const bulk = inTransaction ? raw : undefined;
  return {
    tenants: new SqliteTenantStore(db),
    signingKeys: new SqliteSigningKeyStore(db),
    applications: new SqliteApplicationStore(db),
    credentials: new SqliteCredentialStore(db),
    servicePrincipals: new SqliteServicePrincipalStore(db),
    assignments: new SqliteAppRoleAssignmentStore(db),
    users: new SqliteUserStore(db),
    assertions: new SqliteAssertionReplayStore(db),
    alerts: new SqliteAlertStore(db, bulk),
    activities: new SqliteActivityStore(db, bulk),
    entities: new SqliteEntityStore(db, bulk),
    apiTokens: new SqliteApiTokenStore(db),
    tenantSettings: new SqliteTenantSettingsStore(db),
    transaction: (fn) => db.transaction().execute((trx) => fn(sqliteStores(trx, close, raw, true))),
    close,
  };
}
