import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { CounterStore } from '../interfaces.js';
import { ensurePrivateDirectory, ensurePrivateFile, SQLITE_COMPANIONS } from '../private-files.js';

/**
 * Counters of a SQLite installation, shared by every process on the machine (`serve --workers N`,
 * or several `serve` on one data directory): a small database file of their own beside the main
 * one, so that a hit (a write on every throttled request, some microseconds) never waits on the
 * main database's write lock and needs no migration of it. Without durability (synchronous=OFF):
 * counters are disposable.
 */
export class SqliteCounterStore implements CounterStore {
  readonly kind = 'sqlite';
  private readonly db: SQLite.Database;
  private readonly hitStmt: SQLite.Statement<[string, number], { count: number }>;
  private readonly peekStmt: SQLite.Statement<[string], { count: number }>;
  private readonly sweepStmt: SQLite.Statement<[number]>;
  private hits = 0;

  constructor(file: string) {
    ensurePrivateDirectory(path.dirname(file));
    ensurePrivateFile(file, SQLITE_COMPANIONS);
    this.db = new SQLite(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec('CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL)');
    this.hitStmt = this.db.prepare(`INSERT INTO counters (key, count, expires_at) VALUES (?, 1, ?)
      ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count`);
    this.peekStmt = this.db.prepare('SELECT count FROM counters WHERE key = ?');
    this.sweepStmt = this.db.prepare('DELETE FROM counters WHERE expires_at < ?');
  }

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    if (++this.hits % 500 === 0) this.sweepStmt.run(now);
    return this.hitStmt.get(`${key}@${window}`, (window + 1) * windowMs)!.count;
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    return this.peekStmt.get(`${key}@${Math.floor(now / windowMs)}`)?.count ?? 0;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
