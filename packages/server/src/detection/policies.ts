import { readFilters, type FilterCondition } from '../cloudapps/filters/index.js';
import { evaluateFilters, type ItemFieldMap, type ItemValue } from '../cloudapps/filters/evaluate.js';
import { errors } from '../http/errors.js';
import type { CloudAppsActivityRow, DetectionPolicyRow } from '../store/schema.js';
import type { ActivityFacts } from './activity-facts.js';
import type { Detector } from './detectors.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Policy categories (the portal's list) and the alert `stories` code each is written as (reference §1.1). */
export const POLICY_CATEGORIES: Record<string, number> = {
  THREAT_DETECTION: 0,
  PRIVILEGED_ACCOUNTS: 1,
  COMPLIANCE: 2,
  DLP: 3,
  CLOUD_DISCOVERY: 4,
  SHARING_CONTROL: 5,
  ACCESS_CONTROL: 7,
  CONFIGURATION_CONTROL: 8,
};
export const POLICY_SEVERITIES: Record<string, number> = { LOW: 0, MEDIUM: 1, HIGH: 2 };
export const GROUP_BY = ['user', 'ip', 'app'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** Most activities one repeated-activity alert may need (its window is held in the state). */
export const MAX_MIN_REPEATED = 1000;
export const MAX_DAILY_ALERT_LIMIT = 10_000;
export const MAX_POLICIES_PER_TENANT = 200;

/** An activity policy as stored and as the admin API shows it (shape: reference §1.6, inferred names). */
export interface ActivityPolicy {
  _id: string;
  name: string;
  description: string;
  policyType: 'AUDIT';
  severity: number;
  category: string;
  enabled: boolean;
  filters: Record<string, unknown>;
  matchParameters: { type: 'single' } | { type: 'repeated'; minRepeated: number; windowMinutes: number; groupBy: GroupBy };
  alertsPerDay: number;
  createAlert: boolean;
  created: number;
  updated: number;
}

const str = (v: unknown, name: string, max: number, required: boolean): string => {
  if (v === undefined || v === null) {
    if (required) throw errors.invalidInput(`'${name}' is required.`);
    return '';
  }
  if (typeof v !== 'string' || v.length > max) throw errors.invalidInput(`'${name}' must be a string of at most ${max} characters.`);
  return v;
};

const int = (v: unknown, name: string, lo: number, hi: number, dflt: number): number => {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
    throw errors.invalidInput(`'${name}' must be an integer ${lo}..${hi}.`);
  return v;
};

/** Severity as 0..2 or LOW/MEDIUM/HIGH. */
function severity(v: unknown): number {
  if (v === undefined) return 1;
  if (typeof v === 'string' && v.toUpperCase() in POLICY_SEVERITIES) return POLICY_SEVERITIES[v.toUpperCase()]!;
  return int(v, 'severity', 0, 2, 1);
}

/**
 * Validates a policy document from the admin API (create, or a full replacement); the filters are
 * checked against the activities registry exactly as POST /api/v1/activities/ checks them.
 */
export function readPolicy(body: Record<string, unknown>, id: string, now: number, existing?: ActivityPolicy): ActivityPolicy {
  const name = str(body.name, 'name', 200, true).trim();
  if (!name) throw errors.invalidInput("'name' must not be empty.");
  const category = body.category === undefined ? 'THREAT_DETECTION' : String(body.category).toUpperCase();
  if (!(category in POLICY_CATEGORIES))
    throw errors.invalidInput(`'category' must be one of ${Object.keys(POLICY_CATEGORIES).join(', ')}.`);
  const filters = body.filters ?? {};
  if (!filters || typeof filters !== 'object' || Array.isArray(filters)) throw errors.invalidInput("'filters' must be an object.");
  compileFilters(filters as Record<string, unknown>, now);
  const mp = (body.matchParameters ?? { type: 'single' }) as Record<string, unknown>;
  if (!mp || typeof mp !== 'object') throw errors.invalidInput("'matchParameters' must be an object.");
  let matchParameters: ActivityPolicy['matchParameters'];
  if (mp.type === undefined || mp.type === 'single') matchParameters = { type: 'single' };
  else if (mp.type === 'repeated') {
    const groupBy = (mp.groupBy ?? 'user') as GroupBy;
    if (!GROUP_BY.includes(groupBy)) throw errors.invalidInput(`'matchParameters.groupBy' must be one of ${GROUP_BY.join(', ')}.`);
    matchParameters = {
      type: 'repeated',
      minRepeated: int(mp.minRepeated, 'matchParameters.minRepeated', 2, MAX_MIN_REPEATED, 10),
      windowMinutes: int(mp.windowMinutes, 'matchParameters.windowMinutes', 1, 1440, 5),
      groupBy,
    };
  } else throw errors.invalidInput("'matchParameters.type' must be 'single' or 'repeated'.");
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw errors.invalidInput("'enabled' must be true or false.");
  if (body.createAlert !== undefined && typeof body.createAlert !== 'boolean')
    throw errors.invalidInput("'createAlert' must be true or false.");
  return {
    _id: id,
    name,
    description: str(body.description, 'description', 4000, false),
    policyType: 'AUDIT',
    severity: severity(body.severity),
    category,
    enabled: (body.enabled as boolean | undefined) ?? true,
    filters: filters as Record<string, unknown>,
    matchParameters,
    alertsPerDay: int(body.alertsPerDay ?? body.dailyAlertLimit, 'alertsPerDay', 1, MAX_DAILY_ALERT_LIMIT, 5),
    createAlert: (body.createAlert as boolean | undefined) ?? true,
    created: existing?.created ?? now,
    updated: now,
  };
}

export function policyRow(tenantId: string, p: ActivityPolicy): DetectionPolicyRow {
  return {
    tenant_id: tenantId,
    id: p._id,
    name: p.name,
    enabled: p.enabled ? 1 : 0,
    created: p.created,
    updated: p.updated,
    doc: JSON.stringify(p),
  };
}

export function policyFromRow(row: DetectionPolicyRow): ActivityPolicy {
  return { ...(JSON.parse(row.doc) as ActivityPolicy), enabled: row.enabled === 1 };
}

// The in-memory reading of each activity filter field: the same columns the SQL lists compile
// (store/kysely/cloudapps-columns.ts), so a policy matches exactly what the activity list shows.
/** What policy filters read: the activity's columns (never its document). */
type Row = Omit<CloudAppsActivityRow, 'doc'>;
const scalar = (read: (r: Row) => ItemValue) => ({ read });
/** List columns are JSON text; each row's lists are parsed once however many policies read them. */
const parsedLists = new WeakMap<Row, Map<keyof Row, string[]>>();
const list = (col: keyof Row) => ({
  read: (r: Row) => {
    let m = parsedLists.get(r);
    if (!m) parsedLists.set(r, (m = new Map()));
    let v = m.get(col);
    if (!v) m.set(col, (v = JSON.parse(r[col] as string) as string[]));
    return v;
  },
});
const ACTIVITY_FIELDS: ItemFieldMap<Row> = {
  service: scalar((r) => r.app_id),
  instance: scalar((r) => r.instance_id),
  'user.orgUnit': scalar((r) => r.user_org_unit),
  actionType: scalar((r) => r.action_type),
  'activity.eventActionType': scalar((r) => r.event_type_value),
  'activity.eventType': scalar((r) => r.event_type_name),
  'activity.actionType': scalar((r) => r.action_type),
  'activity.id': scalar((r) => r.id),
  'activity.impersonated': scalar((r) => r.impersonated === 1),
  'activity.type': scalar((r) => r.is_admin === 1),
  'activity.takenAction': scalar((r) => r.taken_action),
  'device.type': scalar((r) => r.device_type),
  'device.tags': list('device_tags'),
  'userAgent.userAgent': scalar((r) => r.user_agent),
  'userAgent.tags': list('ua_tags'),
  'location.country': scalar((r) => r.country),
  'location.organizations': scalar((r) => r.organization),
  'ip.address': scalar((r) => r.ip),
  'ip.category': scalar((r) => r.ip_category),
  'ip.tags': list('ip_tags'),
  fileSelector: list('file_ids'),
  fileId: list('file_ids'),
  fileLabels: list('file_labels'),
  office365url: scalar((r) => r.object_url),
  text: scalar((r) => r.description),
  date: scalar((r) => r.timestamp),
  created: scalar((r) => r.created),
  policy: list('policy_ids'),
  source: scalar((r) => r.source),
  activityObject: list('object_ids'),
  entity: list('actor_keys'),
  'user.username': scalar((r) => r.username),
  'user.tags': list('user_tags'),
  'user.domain': scalar((r) => r.user_domain),
};

/** The policy's filters as a predicate; fields that only a stored list can answer are refused. */
export function compileFilters(filters: Record<string, unknown>, now: number): (r: Row) => boolean {
  const conditions: FilterCondition[] = readFilters(filters, 'activities', now);
  for (const c of conditions) {
    if (!(c.field in ACTIVITY_FIELDS))
      throw errors.invalidInput(`filters: '${c.field}' cannot be used in an activity policy.`, { param: 'filters' });
  }
  return evaluateFilters(conditions, ACTIVITY_FIELDS);
}

interface WindowState {
  ts: number[];
  ids: string[];
}

function groupValue(a: ActivityFacts, g: GroupBy): string | null {
  if (g === 'ip') return a.row.ip;
  if (g === 'app') return a.row.app_id === null ? null : String(a.row.app_id);
  return a.user;
}

/** The detector of one enabled policy (reference §4: single or repeated activity; daily limit per UTC day). */
export function policyDetector(p: ActivityPolicy, now: number): Detector {
  const test = compileFilters(p.filters, now);
  // keys() and evaluate() ask for the same activity: test it once.
  const seen = new WeakMap<ActivityFacts, boolean>();
  const matches = (a: ActivityFacts) => {
    let m = seen.get(a);
    if (m === undefined) seen.set(a, (m = test(a.row)));
    return m;
  };
  const mp = p.matchParameters;
  const limitKey = (a: ActivityFacts) => `plimit:${p._id}:${Math.floor(a.timestamp / DAY)}`;
  const windowKey = (a: ActivityFacts, g: string) => `policy:${p._id}:${g}`;
  const rule = { id: p._id, label: p.name, policyType: 'AUDIT' as const };
  const description = (a: ActivityFacts) => `Activity policy '${p.name}' was triggered by '${a.user ?? a.row.ip ?? 'unknown'}'`;
  const stories = [POLICY_CATEGORIES[p.category] ?? 0];
  return {
    keys(a) {
      if (!matches(a)) return [];
      if (mp.type === 'single') return [limitKey(a)];
      const g = groupValue(a, mp.groupBy);
      return g === null ? [] : [limitKey(a), windowKey(a, g)];
    },
    evaluate(a, ctx) {
      if (!matches(a)) return;
      const raise = (incidentKey: string, ids: string[]) => {
        if (!p.createAlert) return;
        ctx.raise({
          rule,
          incidentKey,
          title: p.name,
          description: description(a),
          severity: p.severity,
          typeCode: 'ALERT_CABINET_EVENT_MATCH_AUDIT',
          threatScore: 0,
          activityIds: ids,
          stories,
          dailyLimitKey: limitKey(a),
          dailyLimit: p.alertsPerDay,
        });
      };
      if (mp.type === 'single') {
        raise(a.id, [a.id]);
        return;
      }
      const g = groupValue(a, mp.groupBy);
      if (g === null) return;
      const k = windowKey(a, g);
      const st = ctx.state.get<WindowState>(k) ?? { ts: [], ids: [] };
      st.ts.push(a.timestamp);
      st.ids.push(a.id);
      let drop = 0;
      while (drop < st.ts.length && st.ts[drop]! < a.timestamp - mp.windowMinutes * MINUTE) drop++;
      if (drop) {
        st.ts.splice(0, drop);
        st.ids.splice(0, drop);
      }
      if (st.ts.length >= mp.minRepeated) {
        raise(`${g}|${st.ids[0]}`, [...st.ids]);
        ctx.state.delete(k);
        return;
      }
      ctx.state.set(k, st);
    },
  };
}
