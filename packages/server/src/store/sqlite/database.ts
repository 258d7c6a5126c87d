import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from '../schema.js';
import * as m0001 from './migrations/0001-identity.js';
import * as m0002 from './migrations/0002-cloudapps.js';

/** Migrations are compiled in (not read from disk) so that the built package runs anywhere. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-identity': m0001,
  '0002-cloudapps': m0002,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

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
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
  return { db, raw };
}
