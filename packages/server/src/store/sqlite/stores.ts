import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import { discoveryStores } from '../kysely/discovery-stores.js';
import { identityStores } from '../kysely/identity-stores.js';
import type { Database } from '../schema.js';
import { SqliteApiTokenStore } from './api-token-store.js';
import { SqliteActivityStore } from './cloudapps-activity-store.js';
import { SqliteAlertStore } from './cloudapps-alert-store.js';
import { SqliteEntityStore } from './cloudapps-entity-store.js';
import { CountCache } from './cloudapps-list.js';
import { SqliteDiscoveryUsageStore } from './discovery-usage-store.js';
import { SqliteTenantSettingsStore } from './tenant-settings-store.js';

/**
 * Binds every SQLite store to one Kysely handle (the database or a transaction). `raw`, when
 * given, lets transaction-bound Cloud Apps stores bulk-write through prepared statements.
 */
export function sqliteStores(
  db: Kysely<Database>,
  close: () => Promise<void>,
  changeStamp: () => string,
  raw?: SQLite.Database,
  inTransaction = false,
): Stores {
  const bulk = inTransaction ? raw : undefined;
  // List totals are remembered only outside transactions (a transaction sees its own writes).
  const counts = inTransaction ? undefined : new CountCache(changeStamp);
  return {
    ...identityStores(db),
    alerts: new SqliteAlertStore(db, bulk, counts),
    activities: new SqliteActivityStore(db, bulk, counts),
    entities: new SqliteEntityStore(db, bulk, counts),
    apiTokens: new SqliteApiTokenStore(db),
    tenantSettings: new SqliteTenantSettingsStore(db),
    discovery: { ...discoveryStores(db, 'sqlite'), usage: new SqliteDiscoveryUsageStore(db, bulk) },
    changeStamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(sqliteStores(trx, close, changeStamp, raw, true))),
    close,
  };
}
