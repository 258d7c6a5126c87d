import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { EntityPk, FilterCondition } from '../filter-conditions.js';
import { entityPkKey, likeEscape, sqlNot, sqlOr, type ColumnMap, type FilterDialect } from './filter-sql.js';

// Where each Cloud Apps filter field lives in the tables (the same schema in both backends). The
// few fields compiled by hand write their SQL through the dialect, so each backend builds its maps
// from its own FilterDialect.

const scalar = (column: string) => ({ kind: 'scalar', column }) as const;
const array = (column: string) => ({ kind: 'array', column }) as const;

export function alertColumns(d: FilterDialect): ColumnMap {
  const boolOn = (expr: (v: boolean) => RawBuilder<SqlBool>) => (c: FilterCondition) => {
    const vs = c.values.filter((v): v is boolean => typeof v === 'boolean');
    if (vs.length === 0) return d.FALSE;
    if (vs.includes(true) && vs.includes(false)) return d.TRUE;
    return expr(vs[0]!);
  };
  const keys = (prefix: string) => ({ kind: 'array', column: 'entity_keys', prefix }) as const;
  return {
    'entity.entity': keys('pk:'),
    'entity.ip': keys('ip:'),
    'entity.service': keys('service:'),
    'entity.instance': keys('instance:'),
    'entity.policy': keys('policy:'),
    'entity.file': keys('file:'),
    'entity.user': keys('user:'),
    instance: keys('instance:'),
    alertOpen: { kind: 'custom', compile: boolOn((open) => (open ? sql`resolution_status = 0` : sql`resolution_status <> 0`)) },
    read: { kind: 'custom', compile: boolOn((read) => (read ? sql`status_value = 1` : sql`status_value <> 1`)) },
    severity: scalar('severity'),
    resolutionStatus: scalar('resolution_status'),
    date: scalar('timestamp'),
    resolutionDate: scalar('resolve_time'),
    risk: scalar('threat_score'),
    alertType: scalar('alert_type'),
    id: scalar('id'),
    source: scalar('source'),
  };
}

export function activityColumns(d: FilterDialect): ColumnMap {
  /** Activities related to an alert are the alert's `audits` (activity ids). */
  const relatedToAlerts = (c: FilterCondition) => {
    const ids = c.values.filter((v): v is string => typeof v === 'string');
    if (ids.length === 0) return d.FALSE;
    return sql<SqlBool>`EXISTS (SELECT 1 FROM ca_alerts a WHERE a.tenant_id = ca_activities.tenant_id AND a.id IN (${sql.join(ids)})
      AND ${d.docArrayHolds(sql.ref('a.doc'), 'audits', sql.ref('ca_activities.id'))})`;
  };
  return {
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
}

export function entityColumns(d: FilterDialect): ColumnMap {
  /** An entity key selects the entity and, for a user, its accounts (reference §5.4). */
  const entityMatch = (c: FilterCondition) => {
    const one = (pk: EntityPk) => {
      if (pk.saas === undefined && pk.inst === undefined) {
        return sql<SqlBool>`(id = ${pk.id} OR parent_pk LIKE ${`${likeEscape(pk.id)}|%`} ESCAPE '\\')`;
      }
      const key = entityPkKey(pk);
      return sql<SqlBool>`(pk = ${key} OR parent_pk = ${key})`;
    };
    const any = sqlOr(d, c.values.filter((v): v is EntityPk => typeof v === 'object' && v !== null && 'id' in v).map(one));
    // parent_pk is NULL for users: without coalesce, NOT (… OR NULL) would drop them from `neq`.
    return c.op === 'neq' ? sqlNot(sql<SqlBool>`coalesce(${any}, ${d.FALSE})`) : any;
  };
  return {
    type: scalar('type'),
    isAdmin: scalar('is_admin'),
    entity: { kind: 'custom', compile: entityMatch },
    userGroups: array('user_groups'),
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
}

export function fileColumns(d: FilterDialect): ColumnMap {
  const entityKeys = (c: FilterCondition) => c.values.filter((v): v is EntityPk => typeof v === 'object' && v !== null && 'id' in v);
  /**
   * A person selected by entity key: the stored key or address matches, or the key names a user
   * or account entity (a user also stands for its accounts, as in the activities `entity` filter)
   * whose address is among `addresses` (an expression giving a set of addresses).
   */
  const personMatch =
    (keysColumn: string, addresses: (entityAddress: RawBuilder<unknown>) => RawBuilder<SqlBool>) => (c: FilterCondition) => {
      const one = (pk: EntityPk) => {
        const key = entityPkKey(pk);
        const named =
          pk.saas === undefined && pk.inst === undefined
            ? sql<SqlBool>`(ent.id = ${pk.id} OR ent.parent_pk LIKE ${`${likeEscape(pk.id)}|%`} ESCAPE '\\')`
            : sql<SqlBool>`(ent.pk = ${key} OR ent.parent_pk = ${key})`;
        return sqlOr(d, [
          d.holdsAny
            ? d.holdsAny(sql.ref(keysColumn), [key])
            : sql<SqlBool>`EXISTS (SELECT 1 FROM ${d.elements(sql.ref(keysColumn))} WHERE value = ${key})`,
          sql<SqlBool>`EXISTS (SELECT 1 FROM ca_entities ent WHERE ent.tenant_id = ca_files.tenant_id AND ${named}
          AND ent.username IS NOT NULL AND ${addresses(sql.ref('ent.username'))})`,
        ]);
      };
      const any = sqlOr(d, entityKeys(c).map(one));
      return c.op === 'neq' ? sqlNot(sql<SqlBool>`coalesce(${any}, ${d.FALSE})`) : any;
    };
  const ownerEntity = personMatch('owner_keys', (address) => sql<SqlBool>`${address} = ca_files.owner_username`);
  const collaboratorEntity = personMatch(
    'collaborator_users',
    (address) => sql<SqlBool>`EXISTS (SELECT 1 FROM ${d.elements(sql.ref('ca_files.collaborator_users'))} WHERE value = ${address})`,
  );
  return {
    service: scalar('app_id'),
    instance: scalar('instance_id'),
    fileType: scalar('file_type'),
    // Read by the list handler (it widens the list to trashed files); matches every file.
    allowDeleted: { kind: 'custom', compile: () => d.TRUE },
    policy: array('policy_ids'),
    filename: scalar('name'),
    modifiedDate: scalar('modified_date'),
    createdDate: scalar('created_date'),
    'collaborators.entity': { kind: 'custom', compile: collaboratorEntity },
    'collaborators.domains': array('collaborator_domains'),
    'collaborators.groups': array('collaborator_groups'),
    'collaborators.withDomain': array('collaborator_domains'),
    'collaborators.users': array('collaborator_users'),
    'owner.entity': { kind: 'custom', compile: ownerEntity },
    'owner.orgUnit': scalar('owner_org_unit'),
    'owner.username': scalar('owner_username'),
    sharing: scalar('sharing'),
    fileId: scalar('id'),
    fileLabels: array('file_labels'),
    fileScanLabels: array('scan_labels'),
    extension: scalar('extension'),
    mimeType: scalar('mime_type'),
    trashed: scalar('trashed'),
    parentFolder: array('parent_ids'),
    folder: scalar('is_folder'),
    quarantined: scalar('quarantined'),
    snapshotLastModifiedDate: scalar('snapshot_modified'),
  };
}
