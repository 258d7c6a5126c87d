import { sql, type Kysely, type SqlBool } from 'kysely';
import { entityPkKey, likeEscape, sqlNot, sqlOr, type ColumnMap } from '../../cloudapps/filters/compile.js';
import type { EntityPk, FilterCondition } from '../../cloudapps/filters/model.js';
import type { EntityStore, ListPage, ListQuery } from '../interfaces.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CloudAppsEntityRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { analyze, type CountCache, chunk, listPage, upsertPrepared, type ListSpec } from './cloudapps-list.js';

const scalar = (column: string) => ({ kind: 'scalar', column }) as const;

/** An entity key selects the entity and, for a user, its accounts (reference §5.4). */
function entityMatch(c: FilterCondition) {
  const one = (pk: EntityPk) => {
    if (pk.saas === undefined && pk.inst === undefined) {
      return sql<SqlBool>`(id = ${pk.id} OR parent_pk LIKE ${`${likeEscape(pk.id)}|%`} ESCAPE '\\')`;
    }
    const key = entityPkKey(pk);
    return sql<SqlBool>`(pk = ${key} OR parent_pk = ${key})`;
  };
  const any = sqlOr(c.values.filter((v): v is EntityPk => typeof v === 'object' && v !== null && 'id' in v).map(one));
  // parent_pk is NULL for users: without coalesce, NOT (… OR NULL) would drop them from `neq`.
  return c.op === 'neq' ? sqlNot(sql<SqlBool>`coalesce(${any}, 0)`) : any;
}

export const ENTITY_COLUMNS: ColumnMap = {
  type: scalar('type'),
  isAdmin: scalar('is_admin'),
  entity: { kind: 'custom', compile: entityMatch },
  userGroups: { kind: 'array', column: 'user_groups' },
  app: scalar('saas'),
  service: scalar('saas'),
  instance: scalar('inst'),
  isExternal: scalar('is_external'),
  affiliation: scalar('is_external'),
  domain: scalar('domain'),
  organization: scalar('organization'),
  status: scalar('status'),
  lastSeen: scalar('last_seen'),
  score: scalar('threat_score'),
  displayName: scalar('display_name'),
  'user.username': scalar('username'),
};

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
