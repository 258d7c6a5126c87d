import type { StoreBackend } from '../backend.js';
import { PostgresCounterStore } from './counter-store.js';
import { openPostgres } from './database.js';
import { postgresStores } from './stores.js';

/** The scale path: several stateless processes share one database (DATABASE_URL), counters included. */
export const postgresBackend: StoreBackend = {
  name: 'postgres',
  async open(options) {
    if (!options.databaseUrl) throw new Error('the PostgreSQL backend needs a database URL (DATABASE_URL)');
    const database = await openPostgres(options.databaseUrl, {
      activityRetentionDays: options.activityRetentionDays,
      clock: options.clock,
    });
    const counters = options.counters ?? new PostgresCounterStore(database.pool);
    const close = async () => {
      await counters.close();
      await database.close();
    };
    return { stores: postgresStores(database, close), counters, changeFeed: database.changeFeed, close };
  },
};
