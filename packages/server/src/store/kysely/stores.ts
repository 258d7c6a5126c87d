import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';
import type { Database } from '../schema.js';
import { KyselyAppRoleAssignmentStore } from './app-role-assignment-store.js';
import { KyselyApplicationStore } from './application-store.js';
import { KyselyAssertionReplayStore } from './assertion-replay-store.js';
import { KyselyCredentialStore } from './credential-store.js';
import { KyselyServicePrincipalStore } from './service-principal-store.js';
import { KyselySigningKeyStore } from './signing-key-store.js';
import { KyselyTenantStore } from './tenant-store.js';
import { KyselyUserStore } from './user-store.js';

/**
 * Binds every store to one Kysely handle (the database or a transaction). The stores use only SQL
 * that SQLite and PostgreSQL both run; a backend overrides a store where it can do better.
 */
export function kyselyStores(db: Kysely<Database>, close: () => Promise<void>, changeStamp: () => string): Stores {
  return {
    tenants: new KyselyTenantStore(db),
    signingKeys: new KyselySigningKeyStore(db),
    applications: new KyselyApplicationStore(db),
    credentials: new KyselyCredentialStore(db),
    servicePrincipals: new KyselyServicePrincipalStore(db),
    assignments: new KyselyAppRoleAssignmentStore(db),
    users: new KyselyUserStore(db),
    assertions: new KyselyAssertionReplayStore(db),
    changeStamp,
    transaction: (fn) => db.transaction().execute((trx) => fn(kyselyStores(trx, close, changeStamp))),
    close,
  };
}
