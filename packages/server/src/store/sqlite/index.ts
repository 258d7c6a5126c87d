/** The SQLite backend, loaded by the composition root (wiring.ts) when no DATABASE_URL is set. */
export { sqliteBackend } from './backend.js';
export { openSqlite, type SqliteDatabase } from './database.js';
export { sqliteStores } from './stores.js';
export { SqliteCounterStore } from './counter-store.js';
