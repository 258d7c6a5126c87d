import { describe, expect, it } from 'vitest';
import {
  DISCOVERED_APP_FILTER_FIELDS,
  DISCOVERY_CATEGORY_FILTER_FIELDS,
  FILTER_FIELDS,
  POLICY_FILTER_FIELDS,
  SUBNET_FILTER_FIELDS,
  type FilterRegistryName,
  type FilterFieldSpec,
} from '@appwarden/protocol';
import { CATEGORY_FIELDS, categoryId } from '../../src/cloudapps/discovery/categories/model.js';
import { DISCOVERED_APP_FIELDS, scoreBand } from '../../src/cloudapps/discovery/discovered-apps/model.js';
import { SUBNET_FIELDS, type IpRangeJson } from '../../src/cloudapps/subnets/model.js';
import { POLICY_FIELDS, type CloudAppsPolicy } from '../../src/cloudapps/policies/model.js';
import { evaluateFilters, type ItemFieldMap } from '../../src/cloudapps/filters/evaluate.js';
import { readFilters } from '../../src/cloudapps/filters/index.js';
import { discoveredApps, type DiscoveredApp } from '../../src/discovery/reports/discovered-apps.js';

const T = Date.UTC(2025, 2, 1);

/** Two real catalog apps as a report would list them (Dropbox unsanctioned). */
const APPS: DiscoveredApp[] = discoveredApps(
  [
    {
      app_id: 11627,
      users: 3,
      ips: 3,
      transactions: 30,
      blocked: 0,
      bytes_up: 5000,
      bytes_down: 10,
      bytes_total: 5010,
      first_day: T,
      last_day: T,
    },
    {
      app_id: 1000202,
      users: 0,
      ips: 1,
      transactions: 3,
      blocked: 0,
      bytes_up: 0,
      bytes_down: 10,
      bytes_total: 10,
      first_day: T,
      last_day: T,
    },
  ],
  new Map([[11627, 'unsanctioned']]),
);

/** A value of the field's type that the items may hold. */
function sample(spec: FilterFieldSpec): unknown {
  return spec.type === 'int' ? 3 : spec.type === 'bool' ? true : 'CLOUD_STORAGE';
}

function everyOperatorEvaluates<T>(
  resource: Exclude<FilterRegistryName, 'alerts' | 'activities' | 'entities' | 'files'>,
  fields: ItemFieldMap<T>,
  items: T[],
) {
  for (const [field, spec] of Object.entries(FILTER_FIELDS[resource])) {
    for (const op of spec.operators) {
      const conditions = readFilters({ [field]: { [op]: sample(spec) } }, resource, T);
      expect(() => items.filter(evaluateFilters(conditions, fields)), `${field} ${op}`).not.toThrow();
    }
  }
}

describe('in-memory list filter fields (discovery, subnets, policies): registry (protocol) and item fields (server) agree', () => {
  it('every registry field of discoveredApps reads an app, and only those', () => {
    expect(Object.keys(DISCOVERED_APP_FIELDS).sort()).toEqual(Object.keys(DISCOVERED_APP_FILTER_FIELDS).sort());
    everyOperatorEvaluates('discoveredApps', DISCOVERED_APP_FIELDS, APPS);
  });

  it('every registry field of discoveryCategories reads a category, and only those', () => {
    expect(Object.keys(CATEGORY_FIELDS).sort()).toEqual(Object.keys(DISCOVERY_CATEGORY_FILTER_FIELDS).sort());
    everyOperatorEvaluates('discoveryCategories', CATEGORY_FIELDS, [{ id: 'SAASDB_CATEGORY_CLOUD_STORAGE', total: 2 }]);
  });

  it('every registry field of policies reads a policy, and only those', () => {
    expect(Object.keys(POLICY_FIELDS).sort()).toEqual(Object.keys(POLICY_FILTER_FIELDS).sort());
    const policy = { _id: 'p1', policyType: 'ANOMALY_DETECTION', enabled: true, severity: 2, category: 0 } as unknown as CloudAppsPolicy;
    everyOperatorEvaluates('policies', POLICY_FIELDS, [policy]);
    const keep = (filters: unknown) => [policy].filter(evaluateFilters(readFilters(filters, 'policies', T), POLICY_FIELDS)).length;
    expect(keep({ type: { eq: 'ANOMALY_DETECTION' } })).toBe(1);
    expect(keep({ type: { neq: ['ANOMALY_DETECTION'] } })).toBe(0);
    expect(keep({ enabled: { eq: false } })).toBe(0);
  });

  it('every registry field of subnets reads an IP range, and only those', () => {
    expect(Object.keys(SUBNET_FIELDS).sort()).toEqual(Object.keys(SUBNET_FILTER_FIELDS).sort());
    const range = { category: 4, tags: [{ id: '000000000000000000010000', name: 'Tor' }], builtIn: false } as unknown as IpRangeJson;
    everyOperatorEvaluates('subnets', SUBNET_FIELDS, [range]);
    const keep = (filters: unknown) => [range].filter(evaluateFilters(readFilters(filters, 'subnets', T), SUBNET_FIELDS)).length;
    expect(keep({ tags: { eq: 'Tor' } })).toBe(1);
    expect(keep({ tags: { eq: ['000000000000000000010000'] }, category: { eq: '4' } })).toBe(1);
    expect(keep({ builtIn: { eq: 'true' } })).toBe(0);
  });

  it('short names ([PS]) and the response field names select the same apps', () => {
    const pairs = [
      ['users', 'usersCount'],
      ['transactions', 'trafficTotalEvents'],
      ['upload', 'trafficUploadedBytes'],
      ['tag', 'tags'],
    ] as const;
    for (const [short, long] of pairs) {
      expect(DISCOVERED_APP_FILTER_FIELDS[short].operators).toEqual(DISCOVERED_APP_FILTER_FIELDS[long].operators);
      const value = short === 'tag' ? 'unsanctioned' : 3;
      const select = (field: string) =>
        APPS.filter(evaluateFilters(readFilters({ [field]: { eq: value } }, 'discoveredApps', T), DISCOVERED_APP_FIELDS));
      expect(select(short), short).toEqual(select(long));
    }
  });

  it('the client shapes of reference §5.7 validate: users gt/lt, score as a band, appId lists', () => {
    const read = (filters: unknown) => readFilters(filters, 'discoveredApps', T).map(scoreBand);
    expect(read({ users: { gt: '5', lt: 9 } })).toEqual([
      { field: 'users', op: 'gt', values: [5] },
      { field: 'users', op: 'lt', values: [9] },
    ]);
    expect(read({ score: { eq: [3, 8] } })).toEqual([{ field: 'score', op: 'range', values: [{ start: 3, end: 8 }] }]);
    expect(read({ score: { eq: [3, 8, 9] } })).toEqual([{ field: 'score', op: 'eq', values: [3, 8, 9] }]);
    expect(read({ appId: { eq: [11161, 11627] } })).toEqual([{ field: 'appId', op: 'eq', values: [11161, 11627] }]);
    expect(() => read({ score: { eq: 2.5 } })).toThrow(/score: '2.5' is not a valid integer/);
  });

  it('category ids: the bare name, the prefixed id and any case are one category', () => {
    expect(categoryId('cloud_storage')).toBe('SAASDB_CATEGORY_CLOUD_STORAGE');
    expect(categoryId('SAASDB_CATEGORY_CLOUD_STORAGE')).toBe('SAASDB_CATEGORY_CLOUD_STORAGE');
    expect(categoryId('SAASDB_SUBCATEGORY_INSURANCE_AND_INVESTMENTS')).toBe('SAASDB_SUBCATEGORY_INSURANCE_AND_INVESTMENTS');
  });
});
