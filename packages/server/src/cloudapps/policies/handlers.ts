// The policies API that clients use although Microsoft does not document it (reference detection
// §1.6): POST /cas/api/v1/policies/ lists, GET .../policies/<type>/<id>/ and .../policies/<id>/
// read one, POST .../policies/<id>/disable/ switches one off. Activity policies (AUDIT) and the
// built-in anomaly detections (ANOMALY_DETECTION) are served; creating and editing stays on the
// operator's admin routes (docs/detection.md).
import { LIST_LIMITS } from '@appwarden/protocol';
import { findPolicy, listPolicies, setPolicyEnabled, type PolicyCatalogDeps } from '../../detection/policy-catalog.js';
import { invalidParameter, notFound } from '../errors.js';
import { evaluateFilters } from '../filters/evaluate.js';
import { readFilters } from '../filters/index.js';
import { intParam, skipParam, stringParam } from '../request-params.js';
import type { CloudAppsCall, CloudAppsRoute } from '../route-definition.js';
import { cloudAppsPolicyJson, POLICY_FIELDS, POLICY_SORT_FIELDS, type CloudAppsPolicy } from './model.js';

const catalog = (call: CloudAppsCall): PolicyCatalogDeps => ({
  stores: call.services.stores,
  settings: call.services.cloudApps.settings,
});

async function list(call: CloudAppsCall) {
  const p = call.params;
  const skip = skipParam(p);
  const limit = Math.min(Math.max(intParam(p, 'limit', LIST_LIMITS.defaultLimit), 1), LIST_LIMITS.maxLimit);
  const sortField = stringParam(p, 'sortField') ?? 'name';
  if (!(POLICY_SORT_FIELDS as readonly string[]).includes(sortField)) {
    throw invalidParameter('sortField', `sortField must be one of ${POLICY_SORT_FIELDS.join(', ')}`, sortField);
  }
  const dir = (stringParam(p, 'sortDirection') ?? 'asc').toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', dir);
  const keep = evaluateFilters(readFilters(p.filters, 'policies', call.now), POLICY_FIELDS);
  const tenant = call.caller.tenant;
  const all = (await listPolicies(catalog(call), tenant.id)).map((x) => cloudAppsPolicyJson(tenant, x)).filter(keep);
  const key = (x: CloudAppsPolicy): string | number =>
    sortField === 'severity'
      ? x.severity
      : sortField === 'created'
        ? x.created
        : sortField === 'policyType'
          ? x.policyType
          : x.name.toLowerCase();
  const sign = dir === 'asc' ? 1 : -1;
  // Ties broken by id, so that pages never overlap.
  all.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a._id < b._id ? -1 : 1) * sign;
  });
  const data = all.slice(skip, skip + limit);
  return { data, hasNext: skip + data.length < all.length, max: LIST_LIMITS.maxLimit, total: all.length, moreThanTotal: false };
}

async function fetchOne(call: CloudAppsCall) {
  const found = await findPolicy(catalog(call), call.caller.tenant.id, call.path.id!);
  if (!found) throw notFound();
  const policy = cloudAppsPolicyJson(call.caller.tenant, found);
  // GET policies/<policyType>/<id>/: a policy of another type is not found there.
  if (call.path.policyType !== undefined && call.path.policyType.toUpperCase() !== policy.policyType) throw notFound();
  return policy;
}

async function disable(call: CloudAppsCall) {
  const changed = await setPolicyEnabled(catalog(call), call.caller.tenant.id, call.path.id!, false, call.now);
  if (!changed) throw notFound();
  return cloudAppsPolicyJson(call.caller.tenant, changed);
}

export const POLICY_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['policies'], endpoint: 'policies.list', handle: list },
  { methods: ['GET'], paths: ['policies/:id'], endpoint: 'policies.fetch', handle: fetchOne },
  { methods: ['GET'], paths: ['policies/:policyType/:id'], endpoint: 'policies.fetch', handle: fetchOne },
  { methods: ['POST'], paths: ['policies/:id/disable'], endpoint: 'policies.disable', handle: disable },
];
