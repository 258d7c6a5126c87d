import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import { migrateToLatest } from '../migrations/index.js';
import { SqliteChangeFeed } from './change-feed.js';
import { ensurePrivateDirectory, ensurePrivateFile, SQLITE_COMPANIONS } from '../private-files.js';

/** Upper bound on cached prepared statements; the stores issue a few dozen distinct SQL texts. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running these
 * small indexed queries. better-sqlite3 statements are reusable (SQLite re-prepares them itself
 * after a schema change), so the connection handed to Kysely keeps them by SQL text.
 * Safe because nothing streams results (a statement mid-iteration could not be reused).
 */
function withStatementCache(raw: SQLite.Database): { prepare(sql: string): SQLite.Statement; close(): void } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (stmt) return stmt;
      stmt = raw.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(sql, stmt);
      return stmt;
    },
    close: () => raw.close(),
  };
}

export interface SqliteDatabase {
  db: Kysely<Database>;
  /** The connection under `db`, for bulk writes through prepared statements (see upsertPrepared). */
  raw: SQLite.Database;
  changeFeed: SqliteChangeFeed;
  close(): Promise<void>;
}

/** Opens (creating if needed) the SQLite database file and brings its schema up to date. */
export async function openSqlite(file: string): Promise<SqliteDatabase> {
  if (file !== ':memory:') {
    ensurePrivateDirectory(path.dirname(file));
    ensurePrivateFile(file, SQLITE_COMPANIONS);
  }
  const raw = new SQLite(file);
  // WAL lets readers proceed while a writer commits; NORMAL sync is durable across process crashes.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // 64 MiB of page cache instead of 2 MiB: the Cloud Apps tables reach gigabytes, and index pages
  // touched by list queries and by bulk writes (random primary keys) should stay in memory.
  raw.pragma('cache_size = -65536');
  // Checkpoint every 64 MiB of WAL instead of every 4 MiB: bulk imports write that much in one
  // batch, and each checkpoint syncs the database file. Durability is unchanged (WAL + NORMAL).
  raw.pragma('wal_autocheckpoint = 16384');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  await migrateToLatest(db);
  return { db, raw, changeFeed: new SqliteChangeFeed(raw), close: () => db.destroy() };
}
