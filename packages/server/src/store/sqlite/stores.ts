import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import { KyselyApiTokenStore } from '../kysely/api-token-store.js';
import { CountCache } from '../kysely/count-cache.js';
import { discoveryStores } from '../kysely/discovery-stores.js';
import { identityStores } from '../kysely/identity-stores.js';
import { KyselySiemStore } from '../kysely/siem-export-store.js';
import { KyselyDetectionStore } from '../kysely/detection-store.js';
import { KyselyTenantSettingsStore } from '../kysely/tenant-settings-store.js';
import type { Database } from '../schema.js';
import type { SqliteChangeFeed } from './change-feed.js';
import { SqliteActivityStore } from './cloudapps-activity-store.js';
import { SqliteAlertStore } from './cloudapps-alert-store.js';
import { SqliteEntityStore } from './cloudapps-entity-store.js';
import { SqliteFileStore } from './cloudapps-file-store.js';
import type { SqliteDatabase } from './database.js';
import { SqliteDiscoveryUsageStore } from './discovery-usage-store.js';

/** Every SQLite store, bound to the database; `close` defaults to closing the database. */
export function sqliteStores(database: SqliteDatabase, close: () => Promise<void> = database.close): Stores {
  // List totals are remembered only outside transactions (a transaction sees its own writes).
  return bind(database.db, database.raw, database.changeFeed, close, new CountCache(database.changeFeed.dataStamp));
}

/**
 * Binds every store to one Kysely handle: the database (with `counts`), or a transaction (with
 * `bulk`, the connection that transaction owns, so that Cloud Apps and usage stores bulk-write
 * through prepared statements).
 */
function bind(
  db: Kysely<Database>,
  raw: SQLite.Database,
  feed: SqliteChangeFeed,
  close: () => Promise<void>,
  counts?: CountCache,
  bulk?: SQLite.Database,
): Stores {
  return {
    ...identityStores(db),
    alerts: new SqliteAlertStore(db, bulk, counts),
    activities: new SqliteActivityStore(db, bulk, counts),
    entities: new SqliteEntityStore(db, bulk, counts),
    files: new SqliteFileStore(db, bulk, counts),
    apiTokens: new KyselyApiTokenStore(db),
    siem: new KyselySiemStore(db),
    tenantSettings: new KyselyTenantSettingsStore(db),
    detection: new KyselyDetectionStore(db),
    discovery: { ...discoveryStores(db, 'sqlite'), usage: new SqliteDiscoveryUsageStore(db, bulk, raw) },
    changeStamp: feed.stamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(bind(trx, raw, feed, close, undefined, raw))),
    close,
  };
}
