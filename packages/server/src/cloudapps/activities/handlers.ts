import { LIST_LIMITS } from '@appwarden/protocol';
import type { ActivityListRow } from '../../store/interfaces.js';
import { notFound } from '../errors.js';
import { envelopeText, readListRequest } from '../list-envelope.js';
import { boolParam } from '../request-params.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';

/** The client's filters as an object (they may have arrived as a JSON string). */
function rawFilters(input: unknown): Record<string, unknown> {
  if (typeof input === 'string' && input.trim() !== '') return JSON.parse(input) as Record<string, unknown>;
  return input && typeof input === 'object' ? (input as Record<string, unknown>) : {};
}

async function list(call: CloudAppsCall) {
  if (boolParam(call.params, 'isScan')) return scan(call);
  const q = readListRequest(call.params, 'activities', call.now);
  const page = await call.services.stores.activities.list(call.caller.tenant.id, q);
  return envelopeText(
    page,
    q.max,
    page.rows.map((r) => r.doc),
  );
}

/**
 * Scan mode (reference §4.2): pages walk down (or up, with asc) the `date` axis. When more records
 * follow, the records sharing the page's last timestamp are left for the next page, whose
 * `nextQueryFilters` bound `date` at that timestamp, so no record appears twice and none is
 * skipped. A page whose records all share one timestamp returns every record of that timestamp.
 */
async function scan(call: CloudAppsCall) {
  const q = { ...readListRequest(call.params, 'activities', call.now, true), skip: 0, sortField: 'date' };
  const store = call.services.stores.activities;
  const tenantId = call.caller.tenant.id;
  const page = await store.list(tenantId, q);
  if (!page.hasNext)
    return envelopeText(
      page,
      q.max,
      page.rows.map((r) => r.doc),
    );
  const last = page.rows[page.rows.length - 1]!.timestamp;
  let rows: ActivityListRow[] = page.rows.filter((r) => r.timestamp !== last);
  let bound = last;
  if (rows.length === 0) {
    const tied = await store.list(tenantId, {
      ...q,
      conditions: [...q.conditions, { field: 'date', op: 'range', values: [{ start: last, end: last }] }],
      limit: LIST_LIMITS.scanMax * 10,
    });
    rows = tied.rows;
    bound = q.sortDirection === 'desc' ? last - 1 : last + 1;
  }
  const filters = rawFilters(call.params.filters);
  const date = { ...((filters.date as Record<string, unknown> | undefined) ?? {}) };
  if (q.sortDirection === 'desc') {
    delete date.lt;
    date.lte = bound;
  } else {
    delete date.gt;
    date.gte = bound;
  }
  return envelopeText(
    { ...page, hasNext: true },
    q.max,
    rows.map((r) => r.doc),
    `,"nextQueryFilters":${JSON.stringify({ ...filters, date })}`,
  );
}

async function fetch(call: CloudAppsCall) {
  const row = await call.services.stores.activities.get(call.caller.tenant.id, call.path.pk!);
  if (!row) throw notFound();
  return new RawJson(row.doc);
}

async function feedback(call: CloudAppsCall) {
  const p = call.params;
  const record = {
    feedbackValue: p.feedbackValue ?? p.feedback ?? null,
    feedbackText: p.feedbackText ?? null,
    allowContact: p.allowContact ?? false,
    contactEmail: p.contactEmail ?? null,
    at: call.now,
    by: call.caller.actor,
  };
  const ok = await call.services.stores.activities.setFeedback(call.caller.tenant.id, call.path.pk!, JSON.stringify(record));
  if (!ok) throw notFound();
  return {};
}

export const ACTIVITY_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['activities'], endpoint: 'activities.list', handle: list },
  { methods: ['GET'], paths: ['activities/:pk'], endpoint: 'activities.fetch', handle: fetch },
  { methods: ['POST'], paths: ['activities/:pk/feedback'], endpoint: 'activities.feedback', handle: feedback },
];
