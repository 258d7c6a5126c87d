/** The PostgreSQL backend, loaded on demand by the composition root (wiring.ts) when DATABASE_URL is set. */
export { postgresBackend } from './backend.js';
export { openPostgres, type PostgresDatabase } from './database.js';
export { postgresStores } from './stores.js';
export { PostgresCounterStore } from './counter-store.js';
