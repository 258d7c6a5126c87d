import { invalidParameter, notFound } from '../errors.js';
import { readFilters } from '../filters/index.js';
import type { FilterCondition } from '../filters/model.js';
import { envelopeBytes, readListRequest } from '../list-envelope.js';
import { intParam, stringParam } from '../request-params.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';
import { CLOSE_REASONS, type CloseKind } from './alert-state-service.js';
import { alertJsonText, alertListItems } from './model.js';

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

function markRead(read: boolean) {
  return async (call: CloudAppsCall) => {
    if (!(await call.services.cloudApps.alertStates.setRead(call.caller.tenant.id, call.path.pk!, read))) throw notFound();
    return {};
  };
}

function bulkConditions(call: CloudAppsCall): FilterCondition[] {
  const conditions = readFilters(call.params.filters, 'alerts', call.now);
  if (conditions.length === 0) throw invalidParameter('filters', 'filters: select the alerts to act on, e.g. {"id": {"eq": [...]}}');
  return conditions;
}

async function close(call: CloudAppsCall, kind: CloseKind, conditions: FilterCondition[]) {
  const reasons = CLOSE_REASONS[kind];
  let reasonId: number | null = null;
  if (reasons && call.params.reasonId !== undefined && call.params.reasonId !== null) {
    reasonId = intParam(call.params, 'reasonId', 0);
    if (!(reasonId in reasons)) {
      const allowed = Object.entries(reasons).map(([k, v]) => `${k} (${v})`);
      throw invalidParameter('reasonId', `reasonId must be one of ${allowed.join(', ')}`, reasonId);
    }
  }
  return call.services.cloudApps.alertStates.close(call.caller.tenant.id, conditions, {
    kind,
    actor: call.caller.actor,
    comment: stringParam(call.params, 'comment') ?? null,
    reasonId,
    at: call.now,
  });
}

function closeRoute(kind: CloseKind, key: string) {
  return async (call: CloudAppsCall) => {
    const { closed, notFoundIds } = await close(call, kind, bulkConditions(call));
    return notFoundIds.length ? { [key]: closed, alertsNotFound: notFoundIds } : { [key]: closed };
  };
}

async function reopen(call: CloudAppsCall) {
  const conditions = bulkConditions(call);
  return { reopened: await call.services.cloudApps.alertStates.reopen(call.caller.tenant.id, conditions, call.caller.actor) };
}

export const ALERT_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['alerts'], endpoint: 'alerts.list', handle: list },
  { methods: ['GET'], paths: ['alerts/:pk'], endpoint: 'alerts.fetch', handle: fetch },
  { methods: ['POST'], paths: ['alerts/:pk/read'], endpoint: 'alerts.read', handle: markRead(true) },
  { methods: ['POST'], paths: ['alerts/:pk/unread'], endpoint: 'alerts.unread', handle: markRead(false) },
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
      const { closed } = await close(call, 'false_positive', [{ field: 'id', op: 'eq', values: [call.path.pk!] }]);
      if (closed === 0) throw notFound();
      return { dismissed: closed };
    },
  },
  { methods: ['POST'], paths: ['alerts/dismiss_bulk'], endpoint: 'alerts.close', handle: closeRoute('false_positive', 'dismissed') },
  { methods: ['POST'], paths: ['alerts/resolve'], endpoint: 'alerts.close', handle: closeRoute('true_positive', 'resolved') },
  { methods: ['POST'], paths: ['alerts/reopen'], endpoint: 'alerts.close', handle: reopen },
];
