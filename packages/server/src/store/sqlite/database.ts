import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.js';
import { migrateToLatest } from '../migrations/index.js';

export interface SqliteDatabase {
  db: Kysely<Database>;
  raw: SQLite.Database;
}

/** Opens (creating if needed) the SQLite database file and brings its schema up to date. */
export async function openSqlite(file: string): Promise<SqliteDatabase> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const raw = new SQLite(file);
  // WAL lets readers proceed while a writer commits; NORMAL sync is durable across process crashes.
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
  await migrateToLatest(db);
  return { db, raw };
}
