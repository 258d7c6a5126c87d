import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ColumnMap } from '../../cloudapps/filters/compile.js';
import type { FilterCondition } from '../../cloudapps/filters/model.js';
import type { ActivityStore, ListPage, ListQuery } from '../interfaces.js';
import { cloudAppsReads } from '../kysely/cloudapps-reads.js';
import type { CloudAppsActivityRow, Database } from '../schema.js';
import type SQLite from 'better-sqlite3';
import { analyze, type CountCache, chunk, listPage, upsertPrepared, type ListSpec } from './cloudapps-list.js';

const scalar = (column: string) => ({ kind: 'scalar', column }) as const;
const array = (column: string) => ({ kind: 'array', column }) as const;

/** Activities related to an alert are the alert's `audits` (activity ids). */
function relatedToAlerts(c: FilterCondition) {
  const ids = c.values.filter((v): v is string => typeof v === 'string');
  if (ids.length === 0) return sql<SqlBool>`0`;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ca_alerts a, json_each(a.doc, '$.audits') j
    WHERE a.tenant_id = ca_activities.tenant_id AND a.id IN (${sql.join(ids)}) AND j.value = ca_activities.id)`;
}

export const ACTIVITY_COLUMNS: ColumnMap = {
  service: scalar('app_id'),
  instance: scalar('instance_id'),
  'user.orgUnit': scalar('user_org_unit'),
  actionType: scalar('action_type'),
  'activity.eventActionType': scalar('event_type_value'),
  'activity.eventType': scalar('event_type_name'),
  'activity.actionType': scalar('action_type'),
  'activity.id': scalar('id'),
  'activity.impersonated': scalar('impersonated'),
  'activity.type': scalar('is_admin'),
  'activity.takenAction': scalar('taken_action'),
  'activity.alertId': { kind: 'custom', compile: relatedToAlerts },
  'device.type': scalar('device_type'),
  'device.tags': array('device_tags'),
  'userAgent.userAgent': scalar('user_agent'),
  'userAgent.tags': array('ua_tags'),
  'location.country': scalar('country'),
  'location.organizations': scalar('organization'),
  'ip.address': scalar('ip'),
  'ip.category': scalar('ip_category'),
  'ip.tags': array('ip_tags'),
  fileSelector: array('file_ids'),
  fileId: array('file_ids'),
  fileLabels: array('file_labels'),
  office365url: scalar('object_url'),
  text: scalar('description'),
  date: scalar('timestamp'),
  created: scalar('created'),
  policy: array('policy_ids'),
  source: scalar('source'),
  activityObject: array('object_ids'),
  entity: array('actor_keys'),
  'user.username': scalar('username'),
  'user.tags': array('user_tags'),
  'user.domain': scalar('user_domain'),
};

const SPEC: ListSpec = {
  table: 'ca_activities',
  columns: ACTIVITY_COLUMNS,
  sort: { '': 'timestamp', date: 'timestamp', created: 'created' },
  tieBreak: 'id',
};

export class SqliteActivityStore implements ActivityStore {
  /** `raw` is given only to stores bound to a transaction (see upsertPrepared). */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly raw?: SQLite.Database,
    private readonly counts?: CountCache,
  ) {}
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsActivityRow>> {
    return listPage(this.db, SPEC, tenantId, query, this.counts);
  }
  get(tenantId: string, id: string): Promise<CloudAppsActivityRow | undefined> {
    return cloudAppsReads.activity(this.db, tenantId, id);
  }
  setFeedback(tenantId: string, id: string, feedback: string): Promise<boolean> {
    return cloudAppsReads.setActivityFeedback(this.db, tenantId, id, feedback);
  }
  async upsert(rows: CloudAppsActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.raw) return upsertPrepared(this.raw, 'ca_activities', ['tenant_id', 'id'], rows);
    const cols = Object.keys(rows[0]!).filter((k) => k !== 'tenant_id' && k !== 'id') as (keyof CloudAppsActivityRow)[];
    for (const part of chunk(rows, cols.length + 2)) {
      await this.db
        .insertInto('ca_activities')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => Object.fromEntries(cols.map((c) => [c, eb.ref(`excluded.${c}`)]))),
        )
        .execute();
    }
  }
  analyze(): Promise<void> {
    return analyze(this.db, 'ca_activities');
  }
  async count(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('ca_activities')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
