import type { Kysely } from 'kysely';
import type { FileStore, ListPage, ListQuery } from '../interfaces.js';
import { fileColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CloudAppsFileRow, Database } from '../schema.js';
import { analyze, listPage, upsertRows, type ListSpec, type PostgresContext } from './cloudapps-list.js';
import { postgresFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_files',
  columns: fileColumns(postgresFilters),
  sort: {
    '': 'modified_date',
    modifiedDate: 'modified_date',
    createdDate: 'created_date',
    name: 'name',
    fileSize: 'file_size',
    snapshotLastModifiedDate: 'snapshot_modified',
  },
  tieBreak: 'oid',
  nullable: ['modified_date', 'created_date', 'file_size', 'snapshot_modified'],
};

export class PostgresFileStore implements FileStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ctx: PostgresContext,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsFileRow>> {
    return listPage(this.db, this.ctx, SPEC, tenantId, query);
  }
  get(tenantId: string, oid: string): Promise<CloudAppsFileRow | undefined> {
    return cloudAppsReads.file(this.db, tenantId, oid);
  }
  upsert(rows: CloudAppsFileRow[]): Promise<void> {
    return upsertRows(this.db, this.ctx, 'ca_files', ['tenant_id', 'oid'], rows);
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_files');
  }
  count(tenantId: string): Promise<number> {
    return cloudAppsReads.fileCount(this.db, tenantId);
  }
}
