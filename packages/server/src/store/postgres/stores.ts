import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import { identityStores } from '../kysely/identity-stores.js';
import type { Database } from '../schema.js';

/** A Cloud Apps store that PostgreSQL does not have yet: every call fails with a clear message. */
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: () => () => Promise.reject(new Error(`${name} is not available on PostgreSQL yet (TODO(issue 6): PostgreSQL Cloud Apps stores)`)),
  });
}

/** Binds every PostgreSQL store to one Kysely handle (the database or a transaction). */
export function postgresStores(db: Kysely<Database>, close: () => Promise<void>, changeStamp: () => string): Stores {
  return {
    ...identityStores(db),
    alerts: unavailable('AlertStore'),
    activities: unavailable('ActivityStore'),
    entities: unavailable('EntityStore'),
    apiTokens: unavailable('ApiTokenStore'),
    tenantSettings: unavailable('TenantSettingsStore'),
    changeStamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(postgresStores(trx, close, changeStamp))),
    close,
  };
}
