import { categoryCounts } from '../../../discovery/reports/discovered-apps.js';
import { invalidParameter } from '../../errors.js';
import { evaluateFilters } from '../../filters/evaluate.js';
import { readFilters } from '../../filters/index.js';
import { stringParam } from '../../request-params.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../../route-definition.js';
import { pageParams, sortBy, sortDirection } from '../memory-list.js';
import { reportApps } from '../report-apps.js';
import { CATEGORY_FIELDS, CATEGORY_SORT_FIELDS } from './model.js';

/** The categories of a report with their number of apps (reference §6: a bare array). */
async function list(call: CloudAppsCall) {
  const p = call.params;
  const { skip, limit } = pageParams(p);
  const sortField = stringParam(p, 'sortField') ?? 'score';
  if (!(CATEGORY_SORT_FIELDS as readonly string[]).includes(sortField))
    throw invalidParameter('sortField', 'sortField must be score, total or id', sortField);
  const byId = sortField === 'id' || sortField === 'name';
  const sign = sortDirection(p, byId ? 'asc' : 'desc');
  const keep = evaluateFilters(readFilters(p.filters, 'discoveryCategories', call.now), CATEGORY_FIELDS);
  const list = categoryCounts(await reportApps(call)).filter(keep);
  sortBy(list, byId ? (c) => c.id : (c) => c.total, sign, (c) => c.id);
  // A bare array, as the real endpoint answers.
  return new RawJson(JSON.stringify(list.slice(skip, skip + limit)));
}

/** Needs Discovery.read (`discovery.categories`). */
export const CATEGORY_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/discovered_apps/categories'],
    rootPaths: ['discovery/discovered_apps/categories'],
    endpoint: 'discovery.categories',
    handle: list,
  },
];
