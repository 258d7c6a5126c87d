import type SQLite from 'better-sqlite3';
import type { ChangeFeed } from '../backend.js';

/**
 * `total_changes()` counts rows this connection has written (it moves as soon as a statement runs,
 * before commit); `data_version` moves when another connection commits. Together they change
 * whenever data this process could read may differ from what it read before. One stamp serves
 * the directory and the Cloud Apps data alike.
 */
export class SqliteChangeFeed implements ChangeFeed {
  // Two plain statements cost half of one that reads the pragma as a table-valued function, and
  // this runs several times per request (bearer, directory and count caches).
  private readonly changes: SQLite.Statement;
  private readonly version: SQLite.Statement;

  constructor(raw: SQLite.Database) {
    this.changes = raw.prepare('SELECT total_changes()').pluck();
    this.version = raw.prepare('PRAGMA data_version').pluck();
  }

  stamp = (): string => `${this.changes.get() as number}.${this.version.get() as number}`;

  dataStamp = this.stamp;
}
