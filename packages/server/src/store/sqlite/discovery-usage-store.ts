// Cloud Discovery usage buckets on SQLite: inside a transaction, rows are upserted through one
// prepared statement, row by row (as the Cloud Apps bulk writes, see upsertPrepared). An upload
// job stores hundreds of thousands of buckets in one transaction; multi-row INSERTs built by the
// query builder cost a syntax tree and a long SQL text per 500 rows, garbage that piled up in the
// old generation (~50 MB of heap for 280k rows), and more time.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { DiscoveryAggregateRow } from '../discovery-schema.js';
import { KyselyDiscoveryUsageStore } from '../kysely/discovery-stores.js';
import type { Database } from '../schema.js';

const COLUMNS = [
  'tenant_id',
  'stream_id',
  'day',
  'app_id',
  'user_name',
  'ip',
  'transactions',
  'blocked',
  'bytes_up',
  'bytes_down',
  'bytes_total',
] as const;

/** Same effect as KyselyDiscoveryUsageStore.add: counters add up. */
const UPSERT = `INSERT INTO disc_aggregates (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (tenant_id, stream_id, day, app_id, user_name, ip) DO UPDATE SET
    transactions = disc_aggregates.transactions + excluded.transactions,
    blocked = disc_aggregates.blocked + excluded.blocked,
    bytes_up = disc_aggregates.bytes_up + excluded.bytes_up,
    bytes_down = disc_aggregates.bytes_down + excluded.bytes_down,
    bytes_total = disc_aggregates.bytes_total + excluded.bytes_total`;

const statements = new WeakMap<SQLite.Database, SQLite.Statement>();

/**
 * Page cache while usage rows are written (KiB, as `PRAGMA cache_size = -N`). The connection's
 * cache is 64 MiB (database.ts) for the Cloud Apps tables; a job's rows arrive in primary-key
 * order and are new pages, so more cache does not make the write faster (measured: 280k rows in
 * 1.5 s either way), but the transaction kept every page it wrote in memory up to the 64 MiB cap
 * (~38 MB of RSS for 280k rows). With 8 MiB, dirty pages spill to the WAL as they would at commit.
 * Cached pages beyond 8 MiB (Cloud Apps data read earlier) are dropped; the setting is restored
 * after each call.
 */
const WRITE_CACHE_KIB = 8192;

/**
 * Connections whose automatic WAL checkpoint is off while usage rows are written, with the value
 * to restore. At the commit of a job's transaction SQLite would otherwise checkpoint the WAL on
 * this (the main) thread: copying the ~130 MB a million buckets wrote to the database file took
 * about a second of blocked event loop (bench/discovery-usage.mjs). `checkpoint()` runs it on a
 * worker thread with a connection of its own, then turns the automatic checkpoint back on.
 */
const autoCheckpointOff = new WeakMap<SQLite.Database, number>();

/** The worker's code: one PASSIVE checkpoint of the file (readers and writers go on meanwhile). */
const CHECKPOINT_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file, { fileMustExist: true });
try {
  db.pragma('busy_timeout = 5000');
  parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)'));
} finally {
  db.close();
}`;

let sqliteModule: string | undefined;

function checkpointOffThread(file: string): Promise<void> {
  sqliteModule ??= createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((resolve, reject) => {
    const w = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { module: sqliteModule, file } });
    w.once('error', reject);
    w.once('exit', () => resolve());
  });
}

export class SqliteDiscoveryUsageStore extends KyselyDiscoveryUsageStore {
  /**
   * `raw` is given only to stores bound to a transaction, which own the connection while it runs;
   * `connection` is the database's connection either way (for `checkpoint`).
   */
  constructor(
    db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly connection?: SQLite.Database,
  ) {
    super(db);
  }

  override async checkpoint(): Promise<void> {
    const raw = this.connection ?? this.raw;
    const auto = raw ? autoCheckpointOff.get(raw) : undefined;
    if (!raw || auto === undefined) return;
    try {
      if (!raw.memory && raw.open) await checkpointOffThread(raw.name);
    } finally {
      autoCheckpointOff.delete(raw);
      if (raw.open) raw.pragma(`wal_autocheckpoint = ${auto}`);
    }
  }

  override async add(rows: DiscoveryAggregateRow[]): Promise<void> {
    if (!this.raw) return super.add(rows);
    let stmt = statements.get(this.raw);
    if (!stmt) statements.set(this.raw, (stmt = this.raw.prepare(UPSERT)));
    const raw = this.raw;
    if (!autoCheckpointOff.has(raw)) {
      autoCheckpointOff.set(raw, raw.pragma('wal_autocheckpoint', { simple: true }) as number);
      raw.pragma('wal_autocheckpoint = 0');
    }
    const cache = raw.pragma('cache_size', { simple: true }) as number;
    // Negative: KiB; positive: pages (4 KiB by default).
    const small = (cache < 0 ? -cache : cache * 4) > WRITE_CACHE_KIB;
    if (small) raw.pragma(`cache_size = -${WRITE_CACHE_KIB}`);
    try {
      const values: unknown[] = new Array(COLUMNS.length);
      for (const r of rows) {
        for (let i = 0; i < COLUMNS.length; i++) values[i] = r[COLUMNS[i]!];
        stmt.run(values);
      }
    } finally {
      if (small) raw.pragma(`cache_size = ${cache}`);
    }
  }
}
