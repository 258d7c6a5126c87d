import type { Kysely } from 'kysely';
import type { EntityStore, ListPage, ListQuery } from '../interfaces.js';
import { entityColumns } from '../kysely/cloudapps-columns.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CountCache } from '../kysely/count-cache.js';
import type { CloudAppsEntityRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { analyze, chunk, listPage, upsertPrepared, type ListSpec } from './cloudapps-list.js';
import { sqliteFilters } from './filter-dialect.js';

const SPEC: ListSpec = {
  table: 'ca_entities',
  columns: entityColumns(sqliteFilters),
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
};

export class SqliteEntityStore implements EntityStore {
  /** `raw` is given only to stores bound to a transaction (see upsertPrepared). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly counts?: CountCache,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsEntityRow>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts);
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
  async upsert(rows: CloudAppsEntityRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.raw) return upsertPrepared(this.raw, 'ca_entities', ['tenant_id', 'oid'], rows);
    const cols = Object.keys(rows[0]!).filter((k) => k !== 'tenant_id' && k !== 'oid') as (keyof CloudAppsEntityRow)[];
    for (const part of chunk(rows, cols.length + 2)) {
      await this.db
        .insertInto('ca_entities')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'oid']).doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        )
        .execute();
    }
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_entities');
  }
  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('ca_entities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
