import { invalidParameter } from '../../errors.js';
import { evaluateFilters } from '../../filters/evaluate.js';
import { readFilters, type FilterCondition } from '../../filters/index.js';
import { stringParam } from '../../request-params.js';
import type { CloudAppsCall, CloudAppsRoute } from '../../route-definition.js';
import { pageOf, pageParams, sortBy, sortDirection } from '../memory-list.js';
import { reportApps } from '../report-apps.js';
import { DISCOVERED_APP_FIELDS, DISCOVERED_APP_SORT, scoreBand } from './model.js';

/** `filters`, plus the top-level `category` [PS] sends beside them, as one list of conditions. */
function conditions(call: CloudAppsCall): FilterCondition[] {
  const out = readFilters(call.params.filters, 'discoveredApps', call.now).map(scoreBand);
  const category = stringParam(call.params, 'category');
  if (category) out.push({ field: 'category', op: 'eq', values: [category] });
  return out;
}

/** The apps of a report over a time frame, filtered, sorted and paged in memory. */
async function list(call: CloudAppsCall) {
  const p = call.params;
  const { skip, limit } = pageParams(p);
  const sortField = stringParam(p, 'sortField') ?? 'trafficTotalEvents';
  const key = Object.prototype.hasOwnProperty.call(DISCOVERED_APP_SORT, sortField) ? DISCOVERED_APP_SORT[sortField] : undefined;
  if (!key) throw invalidParameter('sortField', `sortField must be one of ${Object.keys(DISCOVERED_APP_SORT).join(', ')}`, sortField);
  const sign = sortDirection(p, sortField === 'name' ? 'asc' : 'desc');
  const keep = evaluateFilters(conditions(call), DISCOVERED_APP_FIELDS);
  const apps = (await reportApps(call)).filter(keep);
  sortBy(apps, key, sign, (a) => a.appId);
  return pageOf(apps, skip, limit);
}

/** Needs Discovery.read (`discovery.categories`). */
export const DISCOVERED_APP_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/discovered_apps'],
    rootPaths: ['discovery/discovered_apps'],
    endpoint: 'discovery.categories',
    handle: list,
  },
];
