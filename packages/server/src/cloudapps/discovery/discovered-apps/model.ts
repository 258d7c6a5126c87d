import type { DiscoveredApp } from '../../../discovery/reports/discovered-apps.js';
import type { FilterCondition } from '../../filters/index.js';
import type { ItemFieldMap } from '../../filters/evaluate.js';
import { categoryId } from '../categories/model.js';

const foldCase = (s: string) => s.toLowerCase();

/** How the `discoveredApps` filter fields read an app (registry: DISCOVERED_APP_FILTER_FIELDS). */
export const DISCOVERED_APP_FIELDS: ItemFieldMap<DiscoveredApp> = {
  appId: { read: (a) => a.appId },
  score: { read: (a) => a.score },
  users: { read: (a) => a.usersCount },
  usersCount: { read: (a) => a.usersCount },
  transactions: { read: (a) => a.trafficTotalEvents },
  trafficTotalEvents: { read: (a) => a.trafficTotalEvents },
  upload: { read: (a) => a.trafficUploadedBytes },
  trafficUploadedBytes: { read: (a) => a.trafficUploadedBytes },
  category: { read: (a) => a.category, fold: categoryId },
  tag: { read: (a) => a.tags, fold: foldCase },
  tags: { read: (a) => a.tags, fold: foldCase },
};

/** `sortField` values and the key each sorts by. */
export const DISCOVERED_APP_SORT: Readonly<Record<string, (a: DiscoveredApp) => number | string>> = {
  name: (a) => a.name.toLowerCase(),
  usersCount: (a) => a.usersCount,
  ipAddressesCount: (a) => a.ipAddressesCount,
  lastUsed: (a) => a.lastUsed,
  trafficUploadedBytes: (a) => a.trafficUploadedBytes,
  trafficDownloadedBytes: (a) => a.trafficDownloadedBytes,
  trafficTotalBytes: (a) => a.trafficTotalBytes,
  trafficTotalEvents: (a) => a.trafficTotalEvents,
  score: (a) => a.score,
};

/**
 * [PS] asks for a score band as `score: {"eq": [min, max]}` (reference §5.7): two scores under
 * `eq` on `score` are a range, not either score.
 */
export function scoreBand(c: FilterCondition): FilterCondition {
  const [min, max] = c.values;
  if (c.field !== 'score' || c.op !== 'eq' || c.values.length !== 2 || typeof min !== 'number' || typeof max !== 'number') return c;
  return { field: c.field, op: 'range', values: [{ start: min, end: max }] };
}
