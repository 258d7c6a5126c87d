// The SQLite store is plain Kysely with nothing SQLite-specific: PostgreSQL uses it as it is.
// TODO(SQLite Cloud Apps work landing): move it to store/kysely/ beside the identity stores.
export { SqliteTenantSettingsStore as PostgresTenantSettingsStore } from '../sqlite/tenant-settings-store.js';
