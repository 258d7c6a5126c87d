import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import { KyselyApiTokenStore } from '../kysely/api-token-store.js';
import { discoveryStores } from '../kysely/discovery-stores.js';
import { identityStores } from '../kysely/identity-stores.js';
import { KyselySiemStore } from '../kysely/siem-export-store.js';
import { KyselyDetectionStore } from '../kysely/detection-store.js';
import { KyselyTenantSettingsStore } from '../kysely/tenant-settings-store.js';
import type { Database } from '../schema.js';
import { PostgresActivityStore } from './cloudapps-activity-store.js';
import { PostgresAlertStore } from './cloudapps-alert-store.js';
import { PostgresEntityStore } from './cloudapps-entity-store.js';
import { PostgresFileStore } from './cloudapps-file-store.js';
import { PostgresContext } from './cloudapps-list.js';
import type { PostgresDatabase } from './database.js';
import { PostgresDiscoveryUsageStore } from './discovery-usage-store.js';

/** Every PostgreSQL store, bound to the database; `close` defaults to closing the database. */
export function postgresStores(database: PostgresDatabase, close: () => Promise<void> = database.close): Stores {
  return bind(database.db, new PostgresContext(database.db, database.changeFeed), database.changeFeed.stamp, close);
}

/** Binds every store to one Kysely handle (the database or a transaction); `ctx` is the database's. */
function bind(db: Kysely<Database>, ctx: PostgresContext, changeStamp: () => string, close: () => Promise<void>): Stores {
  return {
    ...identityStores(db),
    alerts: new PostgresAlertStore(db, ctx),
    activities: new PostgresActivityStore(db, ctx),
    entities: new PostgresEntityStore(db, ctx),
    files: new PostgresFileStore(db, ctx),
    apiTokens: new KyselyApiTokenStore(db),
    siem: new KyselySiemStore(db),
    tenantSettings: new KyselyTenantSettingsStore(db),
    detection: new KyselyDetectionStore(db),
    discovery: { ...discoveryStores(db, 'postgres'), usage: new PostgresDiscoveryUsageStore(db, ctx.root) },
    changeStamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(bind(trx, ctx, changeStamp, close))),
    close,
  };
}
