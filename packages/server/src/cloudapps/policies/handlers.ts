// The policies API that clients use although Microsoft does not document it (reference detection
// §1.6): POST /cas/api/v1/policies/ lists, GET .../policies/<type>/<id>/ and .../policies/<id>/
// read one, POST .../policies/<id>/disable/ switches one off. Activity policies (AUDIT) and the
// built-in anomaly detections (ANOMALY_DETECTION) are served; creating and editing stays on the
// operator's admin routes (docs/detection.md).
import { findPolicy, listPolicies, setPolicyEnabled, type PolicyCatalogDeps } from '../../detection/policy-catalog.js';
import { notFound } from '../errors.js';
import { evaluateFilters } from '../filters/evaluate.js';
import { inMemoryPage, readInMemoryListParams } from '../in-memory-list.js';
import { readFilters } from '../filters/index.js';
import type { CloudAppsCall, CloudAppsRoute } from '../route-definition.js';
import { cloudAppsPolicyJson, POLICY_FIELDS, POLICY_SORT_FIELDS, type CloudAppsPolicy } from './model.js';

const catalog = (call: CloudAppsCall): PolicyCatalogDeps => ({
  stores: call.services.stores,
  settings: call.services.cloudApps.settings,
});

async function list(call: CloudAppsCall) {
  const p = call.params;
  const page = readInMemoryListParams(p, POLICY_SORT_FIELDS);
  const keep = evaluateFilters(readFilters(p.filters, 'policies', call.now), POLICY_FIELDS);
  const tenant = call.caller.tenant;
  const all = (await listPolicies(catalog(call), tenant.id)).map((x) => cloudAppsPolicyJson(tenant, x)).filter(keep);
  const key = (x: CloudAppsPolicy): string | number =>
    page.sortField === 'severity'
      ? x.severity
      : page.sortField === 'created'
        ? x.created
        : page.sortField === 'policyType'
          ? x.policyType
          : x.name.toLowerCase();
  return inMemoryPage(all, key, page);
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
