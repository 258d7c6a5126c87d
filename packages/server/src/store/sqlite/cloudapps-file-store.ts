import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { FileStore, ListPage, ListQuery } from '../interfaces.js';
import { fileColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CountCache } from '../kysely/count-cache.js';
import type { CloudAppsFileRow, Database } from '../schema.js';
import { analyze, chunk, listPage, upsertPrepared, type ListSpec } from './cloudapps-list.js';
import { sqliteFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_files',
  columns: fileColumns(sqliteFilters),
  sort: {
    '': 'modified_date',
    modifiedDate: 'modified_date',
    createdDate: 'created_date',
    name: 'name',
    fileSize: 'file_size',
    snapshotLastModifiedDate: 'snapshot_modified',
  },
  tieBreak: 'oid',
};

export class SqliteFileStore implements FileStore {
  /** `raw` is given only to stores bound to a transaction (see upsertPrepared). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly counts?: CountCache,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsFileRow>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts);
  }
  get(tenantId: string, oid: string): Promise<CloudAppsFileRow | undefined> {
    return cloudAppsReads.file(this.db, tenantId, oid);
  }
  async upsert(rows: CloudAppsFileRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.raw) return upsertPrepared(this.raw, 'ca_files', ['tenant_id', 'oid'], rows);
    const cols = Object.keys(rows[0]!).filter((k) => k !== 'tenant_id' && k !== 'oid') as (keyof CloudAppsFileRow)[];
    for (const part of chunk(rows, cols.length + 2)) {
      await this.db
        .insertInto('ca_files')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'oid']).doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        )
        .execute();
    }
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_files');
  }
  count(tenantId: string): Promise<number> {
    return cloudAppsReads.fileCount(this.db, tenantId);
  }
}
