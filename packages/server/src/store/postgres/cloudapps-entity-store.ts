import { sql, type Kysely } from 'kysely';
import type { EntityStore, ListPage, ListQuery } from '../interfaces.js';
import { entityColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CloudAppsEntityRow, Database } from '../schema.js';
import { analyze, listPage, upsertRows, type ListSpec, type PostgresContext } from './cloudapps-list.js';
import { postgresFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_entities',
  columns: entityColumns(postgresFilters),
  sort: {
    '': 'display_name',
    displayName: 'display_name',
    username: 'username',
    lastSeen: 'last_seen',
    date: 'last_seen',
    score: 'threat_score',
    severity: 'threat_score',
  },
  tieBreak: 'oid',
  nullable: ['username', 'last_seen', 'threat_score'],
};

export class PostgresEntityStore implements EntityStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ctx: PostgresContext,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsEntityRow>> {
    return listPage(this.db, this.ctx, SPEC, tenantId, query);
  }
  getByPk(tenantId: string, pk: string): Promise<CloudAppsEntityRow | undefined> {
    return cloudAppsReads.entityByPk(this.db, tenantId, pk);
  }
  getByOid(tenantId: string, oid: string): Promise<CloudAppsEntityRow | undefined> {
    return cloudAppsReads.entityByOid(this.db, tenantId, oid);
  }
  children(tenantId: string, parentPk: string): Promise<CloudAppsEntityRow[]> {
    return cloudAppsReads.entityChildren(this.db, tenantId, parentPk);
  }
  upsert(rows: CloudAppsEntityRow[]): Promise<void> {
    return upsertRows(this.db, this.ctx, 'ca_entities', ['tenant_id', 'oid'], rows);
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_entities');
  }
  async count(tenantId: string): Promise<number> {
    const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ca_entities WHERE tenant_id = ${tenantId}`.execute(this.db);
    return r.rows[0]?.n ?? 0;
  }
}
