import { CLOSE_BENIGN_REASONS, CLOSE_FALSE_POSITIVE_REASONS } from '@appwarden/protocol';
import { invalidParameter, notFound } from '../errors.js';
import { readFilters } from '../filters/index.js';
import type { FilterCondition } from '../filters/model.js';
import { envelopeBytes, readListRequest } from '../list-envelope.js';
import { intParam, stringParam } from '../request-params.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';
import { alertJsonText, alertListItems } from './model.js';

/** Most alerts one close/reopen call acts on. */
const MAX_BULK = 10_000;

type CloseKind = 'benign' | 'false_positive' | 'true_positive';
const RESOLUTION: Record<CloseKind, number> = { benign: 4, false_positive: 3, true_positive: 5 };
const REASONS: Record<CloseKind, Readonly<Record<number, string>> | undefined> = {
  benign: CLOSE_BENIGN_REASONS,
  false_positive: CLOSE_FALSE_POSITIVE_REASONS,
  true_positive: undefined,
};

async function list(call: CloudAppsCall) {
  const q = readListRequest(call.params, 'alerts', call.now);
  const page = await call.services.stores.alerts.listViews(call.caller.tenant.id, q);
  return envelopeBytes(page, q.max, alertListItems(page.rows, call.services.origin.value));
}

async function fetch(call: CloudAppsCall) {
  const row = await call.services.stores.alerts.get(call.caller.tenant.id, call.path.pk!);
  if (!row) throw notFound();
  return new RawJson(alertJsonText(row, call.services.origin.value));
}

function markRead(statusValue: 0 | 1) {
  return async (call: CloudAppsCall) => {
    const n = await call.services.stores.alerts.updateState(call.caller.tenant.id, [call.path.pk!], { status_value: statusValue });
    if (n === 0) throw notFound();
    return {};
  };
}

/** The ids a bulk call names through `filters.id.eq` (reported back as `alertsNotFound` when unknown). */
function namedIds(conditions: FilterCondition[]): string[] {
  return conditions
    .filter((c) => c.field === 'id' && c.op === 'eq')
    .flatMap((c) => c.values.filter((v): v is string => typeof v === 'string'));
}

function bulkConditions(call: CloudAppsCall): FilterCondition[] {
  const conditions = readFilters(call.params.filters, 'alerts', call.now);
  if (conditions.length === 0) throw invalidParameter('filters', 'filters: select the alerts to act on, e.g. {"id": {"eq": [...]}}');
  return conditions;
}

async function close(call: CloudAppsCall, kind: CloseKind, conditions: FilterCondition[]) {
  const reasons = REASONS[kind];
  let reasonId: number | null = null;
  if (reasons && call.params.reasonId !== undefined && call.params.reasonId !== null) {
    reasonId = intParam(call.params, 'reasonId', 0);
    if (!(reasonId in reasons)) {
      const allowed = Object.entries(reasons).map(([k, v]) => `${k} (${v})`);
      throw invalidParameter('reasonId', `reasonId must be one of ${allowed.join(', ')}`, reasonId);
    }
  }
  const tenantId = call.caller.tenant.id;
  const alerts = call.services.stores.alerts;
  const named = namedIds(conditions);
  const existing = await alerts.existingIds(tenantId, named);
  const notFoundIds = named.filter((id) => !existing.has(id));
  const ids = await alerts.matchIds(tenantId, conditions, MAX_BULK);
  const comment = stringParam(call.params, 'comment') ?? null;
  const n = await alerts.updateState(tenantId, ids, {
    resolution_status: RESOLUTION[kind],
    resolve_time: call.now,
    handled_by_user: call.caller.actor,
    comment,
    reason_id: reasonId,
  });
  return { n, notFoundIds };
}

function closeRoute(kind: CloseKind, key: string) {
  return async (call: CloudAppsCall) => {
    const { n, notFoundIds } = await close(call, kind, bulkConditions(call));
    return notFoundIds.length ? { [key]: n, alertsNotFound: notFoundIds } : { [key]: n };
  };
}

async function reopen(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  const conditions = bulkConditions(call);
  const ids = await call.services.stores.alerts.matchIds(tenantId, conditions, MAX_BULK);
  const n = await call.services.stores.alerts.updateState(tenantId, ids, {
    resolution_status: 0,
    resolve_time: null,
    handled_by_user: call.caller.actor,
    reason_id: null,
  });
  return { reopened: n };
}

export const ALERT_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['alerts'], endpoint: 'alerts.list', handle: list },
  { methods: ['GET'], paths: ['alerts/:pk'], endpoint: 'alerts.fetch', handle: fetch },
  { methods: ['POST'], paths: ['alerts/:pk/read'], endpoint: 'alerts.read', handle: markRead(1) },
  { methods: ['POST'], paths: ['alerts/:pk/unread'], endpoint: 'alerts.unread', handle: markRead(0) },
  { methods: ['POST'], paths: ['alerts/close_benign'], endpoint: 'alerts.close', handle: closeRoute('benign', 'closed_benign') },
  {
    methods: ['POST'],
    paths: ['alerts/close_false_positive'],
    endpoint: 'alerts.close',
    handle: closeRoute('false_positive', 'closed_false_positive'),
  },
  {
    methods: ['POST'],
    paths: ['alerts/close_true_positive'],
    endpoint: 'alerts.close',
    handle: closeRoute('true_positive', 'closed_true_positive'),
  },
  // Deprecated actions, mapped to the current ones as Microsoft documents (reference §6.1).
  {
    methods: ['POST'],
    paths: ['alerts/:pk/dismiss'],
    endpoint: 'alerts.close',
    handle: async (call) => {
      const { n } = await close(call, 'false_positive', [{ field: 'id', op: 'eq', values: [call.path.pk!] }]);
      if (n === 0) throw notFound();
      return { dismissed: n };
    },
  },
  { methods: ['POST'], paths: ['alerts/dismiss_bulk'], endpoint: 'alerts.close', handle: closeRoute('false_positive', 'dismissed') },
  { methods: ['POST'], paths: ['alerts/resolve'], endpoint: 'alerts.close', handle: closeRoute('true_positive', 'resolved') },
  { methods: ['POST'], paths: ['alerts/reopen'], endpoint: 'alerts.close', handle: reopen },
];
