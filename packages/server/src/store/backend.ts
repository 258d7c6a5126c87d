import type { Clock } from '../clock.js';
import type { CounterStore, Stores } from './interfaces.js';

// A storage backend, in the manner of kysely's dialects: one folder per database (store/sqlite/,
// store/postgres/) with the same file names in each and no imports between them; what both share
// sits in store/kysely/. The composition root (wiring.ts) loads one folder's index.ts on demand and
// sees only this interface, so no code outside a backend's folder asks which database it is.

/**
 * Tells read caches that data may have changed. SQLite reads it from the connection; PostgreSQL
 * from its own writes and from the other processes' NOTIFY.
 */
export interface ChangeFeed {
  /** See Stores.changeStamp. */
  stamp(): string;
  /**
   * Moves with `stamp`, and also on every write to the Cloud Apps tables (alerts, activities,
   * entities) where those are kept apart from `stamp`: list totals are cached on it.
   */
  dataStamp(): string;
}

export interface BackendOptions {
  /** The data directory (SQLite keeps its database and counter files there). */
  dataDir: string;
  /** The PostgreSQL connection string (DATABASE_URL); required by the PostgreSQL backend. */
  databaseUrl?: string;
  /** Activities older than this many days may be dropped by maintenance; 0 keeps everything. */
  activityRetentionDays?: number;
  clock?: Clock;
  /**
   * Counters kept outside the database (Redis, config.redisUrl): used instead of the backend's
   * own, and closed with it.
   */
  counters?: CounterStore;
}

/** An open backend. */
export interface OpenBackend {
  stores: Stores;
  /** Rate-limit and lockout counters, shared by every process of the installation. */
  counters: CounterStore;
  changeFeed: ChangeFeed;
  /** Closes the counters, the change feed and the database (`stores.close` does the same). */
  close(): Promise<void>;
}

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** Opens (creating and migrating as needed) the database, its stores and counters. */
  open(options: BackendOptions): Promise<OpenBackend>;
}
