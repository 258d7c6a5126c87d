import { sql, type Kysely, type SqlBool } from 'kysely';
import { dialectOr, entityPkKey, likeEscape, POSTGRES_FILTERS, sqlNot, type ColumnMap } from '../../cloudapps/filters/compile.js';
import type { EntityPk, FilterCondition } from '../../cloudapps/filters/model.js';
import type { EntityStore, ListPage, ListQuery } from '../interfaces.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CloudAppsEntityRow, Database } from '../schema.js';
import { ENTITY_COLUMNS as SQLITE_ENTITY_COLUMNS } from '../sqlite/cloudapps-entity-store.js';
import { analyze, listPage, upsertRows, type ListSpec, type PostgresContext } from './cloudapps-list.js';

/** An entity key selects the entity and, for a user, its accounts (reference §5.4). */
function entityMatch(c: FilterCondition) {
  const one = (pk: EntityPk) => {
    if (pk.saas === undefined && pk.inst === undefined) {
      return sql<SqlBool>`(id = ${pk.id} OR parent_pk LIKE ${`${likeEscape(pk.id)}|%`} ESCAPE '\\')`;
    }
    const key = entityPkKey(pk);
    return sql<SqlBool>`(pk = ${key} OR parent_pk = ${key})`;
  };
  const any = dialectOr(POSTGRES_FILTERS, c.values.filter((v): v is EntityPk => typeof v === 'object' && v !== null && 'id' in v).map(one));
  // parent_pk is NULL for users: without coalesce, NOT (… OR NULL) would drop them from `neq`.
  return c.op === 'neq' ? sqlNot(sql<SqlBool>`coalesce(${any}, FALSE)`) : any;
}

/** The SQLite column map, with its custom (SQL-writing) entries in PostgreSQL's dialect. */
export const ENTITY_COLUMNS: ColumnMap = { ...SQLITE_ENTITY_COLUMNS, entity: { kind: 'custom', compile: entityMatch } };

const SPEC: ListSpec = {
  table: 'ca_entities',
  columns: ENTITY_COLUMNS,
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
