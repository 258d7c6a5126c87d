import type { Kysely } from 'kysely';
import type { Stores } from '../interfaces.js';

export type IdentityStores = Pick<
  Stores,
  'tenants' | 'signingKeys' | 'applications' | 'credentials' | 'servicePrincipals' | 'assignments' | 'users' | 'assertions' | 'userContext'
>;
import type { Database } from '../schema.js';
import { KyselyAppRoleAssignmentStore } from './app-role-assignment-store.js';
import { KyselyApplicationStore } from './application-store.js';
import { KyselyAssertionReplayStore } from './assertion-replay-store.js';
import { KyselyCredentialStore } from './credential-store.js';
import { KyselyServicePrincipalStore } from './service-principal-store.js';
import { KyselySigningKeyStore } from './signing-key-store.js';
import { KyselyTenantStore } from './tenant-store.js';
import { userContextStores } from './user-context-stores.js';
import { KyselyUserStore } from './user-store.js';

/** The identity platform's stores: SQL that SQLite and PostgreSQL both run, shared by both backends. */
export function identityStores(db: Kysely<Database>): IdentityStores {
  return {
    tenants: new KyselyTenantStore(db),
    signingKeys: new KyselySigningKeyStore(db),
    applications: new KyselyApplicationStore(db),
    credentials: new KyselyCredentialStore(db),
    servicePrincipals: new KyselyServicePrincipalStore(db),
    assignments: new KyselyAppRoleAssignmentStore(db),
    users: new KyselyUserStore(db),
    assertions: new KyselyAssertionReplayStore(db),
    userContext: userContextStores(db),
  };
}
