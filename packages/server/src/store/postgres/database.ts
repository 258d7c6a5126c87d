import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Clock } from '../../clock.js';
import { migrateToLatest } from '../migrations/index.js';
import { maintainPartitions } from './partitions.js';
import type { Database } from '../schema.js';
import { PostgresChangeFeed } from './change-feed.js';

/**
 * The pool's own type parsers (not pg's process-wide ones, which would change what every other
 * pg user in the process reads). Times are epoch milliseconds in bigint columns: read as numbers
 * (exact below 2^53). List columns are jsonb here and JSON text on SQLite; the stores' rows carry
 * the text either way.
 */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    if (oid === pg.types.builtins.JSONB) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Connections per process; several processes share one database (docs/scale-out.md). */
export const POSTGRES_POOL_SIZE = 10;

/** Partition maintenance (months ahead, retention) runs at open and then this often. */
export const MAINTENANCE_INTERVAL_MS = 3_600_000;

export interface PostgresOptions {
  /** Drop activity partitions older than this many days; 0 (default) keeps everything. */
  activityRetentionDays?: number;
  clock?: Clock;
}

export interface PostgresDatabase {
  db: Kysely<Database>;
  /** The pool under `db`, for statements that must not move the change stamp (counters). */
  pool: pg.Pool;
  changeFeed: PostgresChangeFeed;
  /** Stops maintenance, closes the LISTEN connection and the pool. */
  close(): Promise<void>;
}

/**
 * Opens a pool on DATABASE_URL and migrates. An Appwarden-specific `schema` query parameter
 * (`postgres://host/db?schema=appwarden`) puts every table in that schema, created if missing;
 * tests use it to give each server its own namespace in one database.
 */
export async function openPostgres(databaseUrl: string, options: PostgresOptions = {}): Promise<PostgresDatabase> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`DATABASE_URL schema '${schema}' must be a lower-case SQL identifier`);
  }
  if (schema) {
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: POSTGRES_POOL_SIZE,
    types: TYPES,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  const feed = new PostgresChangeFeed(url.toString(), schema ?? 'public');
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [feed] });
  let timer: NodeJS.Timeout | undefined;
  const close = async () => {
    clearInterval(timer);
    await feed.close();
    await db.destroy();
  };
  try {
    await feed.start();
    await migrateToLatest(db, schema ?? undefined);
    const now = () => options.clock?.now() ?? Date.now();
    const maintain = () => maintainPartitions(db, now(), options.activityRetentionDays ?? 0);
    await maintain();
    timer = setInterval(
      () => void maintain().catch((e: unknown) => process.emitWarning(`partition maintenance failed: ${String(e)}`)),
      MAINTENANCE_INTERVAL_MS,
    );
    timer.unref();
  } catch (e) {
    await close().catch(() => undefined);
    throw e;
  }
  return { db, pool, changeFeed: feed, close };
}
