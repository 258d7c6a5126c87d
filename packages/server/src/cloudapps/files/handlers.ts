import { OBJECT_ID_PATTERN } from '@appwarden/protocol';
import type { FilterCondition } from '../../store/filter-conditions.js';
import { notFound } from '../errors.js';
import { envelopeText, readListRequest } from '../list-envelope.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';

/**
 * Trashed and deleted files stay out of the list unless `allowDeleted` is true; a `trashed`
 * condition overrides both (reference §5.5).
 */
function withDeletedRule(conditions: FilterCondition[]): FilterCondition[] {
  const allowDeleted = conditions.some((c) => c.field === 'allowDeleted' && c.values.includes(true));
  const rest = conditions.filter((c) => c.field !== 'allowDeleted');
  if (allowDeleted || rest.some((c) => c.field === 'trashed')) return rest;
  return [...rest, { field: 'trashed', op: 'eq', values: [false] }];
}

async function list(call: CloudAppsCall) {
  const q = readListRequest(call.params, 'files', call.now);
  const page = await call.services.stores.files.list(call.caller.tenant.id, { ...q, conditions: withDeletedRule(q.conditions) });
  return envelopeText(
    page,
    q.max,
    page.rows.map((r) => r.doc),
  );
}

/** By the 24-hex `_id`; any other key is simply not found. */
async function fetch(call: CloudAppsCall) {
  const id = call.path.pk!;
  const row = OBJECT_ID_PATTERN.test(id) ? await call.services.stores.files.get(call.caller.tenant.id, id) : undefined;
  if (!row) throw notFound();
  return new RawJson(row.doc);
}

export const FILE_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['files'], endpoint: 'files.list', handle: list },
  { methods: ['GET'], paths: ['files/:pk'], endpoint: 'files.fetch', handle: fetch },
];
