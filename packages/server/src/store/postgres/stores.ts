import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import { discoveryStores } from '../kysely/discovery-stores.js';
import { identityStores } from '../kysely/identity-stores.js';
import type { Database } from '../schema.js';
import { PostgresApiTokenStore } from './api-token-store.js';
import { PostgresActivityStore } from './cloudapps-activity-store.js';
import { PostgresAlertStore } from './cloudapps-alert-store.js';
import { PostgresEntityStore } from './cloudapps-entity-store.js';
import { PostgresContext } from './cloudapps-list.js';
import { PostgresDiscoveryUsageStore } from './discovery-usage-store.js';
import { PostgresTenantSettingsStore } from './tenant-settings-store.js';

/**
 * Binds every PostgreSQL store to one Kysely handle (the database or a transaction). `ctx` is
 * shared by the stores of one database (made from `db` when not given).
 */
export function postgresStores(
  db: Kysely<Database>,
  close: () => Promise<void>,
  changeStamp: () => string,
  ctx: PostgresContext = new PostgresContext(db),
): Stores {
  return {
    ...identityStores(db),
    alerts: new PostgresAlertStore(db, ctx),
    activities: new PostgresActivityStore(db, ctx),
    entities: new PostgresEntityStore(db, ctx),
    apiTokens: new PostgresApiTokenStore(db),
    tenantSettings: new PostgresTenantSettingsStore(db),
    discovery: { ...discoveryStores(db, 'postgres'), usage: new PostgresDiscoveryUsageStore(db, ctx.root) },
    changeStamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(postgresStores(trx, close, changeStamp, ctx))),
    close,
  };
}
