import path from 'node:path';
import type { StoreBackend } from '../backend.js';
import { SqliteCounterStore } from './counter-store.js';
import { openSqlite } from './database.js';
import { sqliteStores } from './stores.js';

/** The embedded default: one database file in the data directory, counters in a file beside it. */
export const sqliteBackend: StoreBackend = {
  name: 'sqlite',
  async open(options) {
    const database = await openSqlite(path.join(options.dataDir, 'appwarden.sqlite'));
    const counters = options.counters ?? new SqliteCounterStore(path.join(options.dataDir, 'counters.sqlite'));
    const close = async () => {
      await counters.close();
      await database.close();
    };
    return { stores: sqliteStores(database, close), counters, changeFeed: database.changeFeed, close };
  },
};
