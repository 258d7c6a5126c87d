import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newStreamRow, STREAM_TYPE } from '../../src/discovery/ingest/streams.js';
import { catalogApp } from '../../src/discovery/reports/discovered-apps.js';
import type { DiscoveryAggregateRow } from '../../src/store/discovery-schema.js';
import { bearer, inProcess, T0, type InProcessHarness } from '../../../../test/support/harness.js';

const DROPBOX = 11627;
const BOX = 10489;
const SLACK = 1000033;
const GITHUB = 1000202;
const DAY = 86_400_000;
const STREAM = '5f0000000000000000000001';

let h: InProcessHarness;
let token: string;

/** One bucket of usage on the harness's day. */
function bucket(appId: number, user: string, ip: string, transactions: number, up: number): DiscoveryAggregateRow {
  return {
    tenant_id: h.tenantId,
    stream_id: STREAM,
    day: Math.floor(T0 / DAY) * DAY,
    app_id: appId,
    user_name: user,
    ip,
    transactions,
    blocked: 0,
    bytes_up: up,
    bytes_down: 100,
    bytes_total: up + 100,
  };
}

beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 1, alerts: 1 } });
  token = await h.tokenFor();
  const d = h.services.stores.discovery;
  await d.streams.insert(newStreamRow(h.tenantId, STREAM, T0, { display_name: 'Proxy', stream_type: STREAM_TYPE.INPUT }));
  // Dropbox: 3 users, 30 transactions; Slack: 2 users, 12; Box: 1 user, 5; GitHub: no user, 3.
  await d.usage.add([
    bucket(DROPBOX, 'alice', '10.0.0.1', 10, 5000),
    bucket(DROPBOX, 'bob', '10.0.0.2', 10, 0),
    bucket(DROPBOX, 'carol', '10.0.0.3', 10, 0),
    bucket(SLACK, 'alice', '10.0.0.1', 6, 400),
    bucket(SLACK, 'bob', '10.0.0.2', 6, 400),
    bucket(BOX, 'alice', '10.0.0.1', 5, 0),
    bucket(GITHUB, '', '10.0.0.9', 3, 0),
  ]);
  await d.appStates.put({ tenant_id: h.tenantId, app_id: DROPBOX, state: 'unsanctioned', updated_at: T0, updated_by: 'test' });
  await d.appStates.put({ tenant_id: h.tenantId, app_id: SLACK, state: 'sanctioned', updated_at: T0, updated_by: 'test' });
});
afterAll(() => h.close());

const post = (url: string, payload: Record<string, unknown>) =>
  h.app.inject({ method: 'POST', url, headers: bearer(token), payload: { timeframe: 7, ...payload } });

async function appIds(payload: Record<string, unknown>): Promise<number[]> {
  const res = await post('/api/v1/discovery/discovered_apps/', payload);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { data: { appId: number }[] }).data.map((a) => a.appId).sort((a, b) => a - b);
}

const sorted = (...ids: number[]) => ids.sort((a, b) => a - b);

describe('discovered apps filters (registry discoveredApps, evaluated in memory)', () => {
  it('numbers: users, transactions, upload and their long names; eq lists, neq, bounds', async () => {
    expect(await appIds({})).toEqual(sorted(DROPBOX, SLACK, BOX, GITHUB));
    // [PS]: users {gt} and {lt}.
    expect(await appIds({ filters: { users: { gt: 1 } } })).toEqual(sorted(DROPBOX, SLACK));
    expect(await appIds({ filters: { usersCount: { lt: '2' } } })).toEqual(sorted(BOX, GITHUB));
    expect(await appIds({ filters: { transactions: { gte: 5, lte: 12 } } })).toEqual(sorted(SLACK, BOX));
    expect(await appIds({ filters: { trafficUploadedBytes: { gt: 0 } } })).toEqual(sorted(DROPBOX, SLACK));
    // An id list is either id (the shape [PS] sends on /discovered_apps/tags/), not a range.
    expect(await appIds({ filters: { appId: { eq: [SLACK, BOX] } } })).toEqual(sorted(SLACK, BOX));
    expect(await appIds({ filters: { appId: { neq: DROPBOX } } })).toEqual(sorted(SLACK, BOX, GITHUB));
  });

  it('score {"eq": [min, max]} is a band; one score is that score', async () => {
    const score = (id: number) => catalogApp(id)!.risk.score;
    const all = [DROPBOX, SLACK, BOX, GITHUB];
    const min = Math.min(...all.map(score));
    const max = Math.max(...all.map(score));
    expect(await appIds({ filters: { score: { eq: [min, max] } } })).toEqual(sorted(...all));
    expect(await appIds({ filters: { score: { eq: [max, max] } } })).toEqual(sorted(...all.filter((id) => score(id) === max)));
    expect(await appIds({ filters: { score: { eq: [score(BOX)] } } })).toEqual(sorted(...all.filter((id) => score(id) === score(BOX))));
  });

  it('category (with or without the SAASDB_CATEGORY_ prefix, in filters or beside them) and tags without case', async () => {
    expect(await appIds({ filters: { category: { eq: 'cloud_storage' } } })).toEqual(sorted(DROPBOX, BOX));
    expect(await appIds({ filters: { category: { neq: ['SAASDB_CATEGORY_CLOUD_STORAGE'] } } })).toEqual(sorted(SLACK, GITHUB));
    expect(await appIds({ category: 'SAASDB_CATEGORY_CLOUD_STORAGE', filters: { users: { gt: 1 } } })).toEqual([DROPBOX]);
    expect(await appIds({ filters: { tag: { eq: ['unsanctioned'] } } })).toEqual([DROPBOX]);
    expect(await appIds({ filters: { tags: { neq: ['Sanctioned', 'UNSANCTIONED'] } } })).toEqual(sorted(BOX, GITHUB));
  });

  it('filters as a JSON string in the query of a GET', async () => {
    const filters = encodeURIComponent(JSON.stringify({ users: { gt: 2 } }));
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/discovery/discovered_apps/?timeframe=7&filters=${filters}`,
      headers: bearer(token),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().data.map((a: { appId: number }) => a.appId)).toEqual([DROPBOX]);
  });

  it('bad filters are a 400 keyed by filters that names the field', async () => {
    const cases: [unknown, string][] = [
      [{ bogus: { eq: 1 } }, 'bogus is not a valid filter field for discoveredApps'],
      [{ users: { contains: 'x' } }, "users: operator 'contains' is not supported (use eq, neq, gt, gte, lt, lte)"],
      [{ users: { frobs: 1 } }, "users: unknown operator 'frobs'"],
      [{ users: { gt: 'many' } }, "users: 'many' is not a valid integer"],
      [{ users: 5 }, 'users: expected an object of operators such as {"eq": [...]}'],
      ['{not json', 'filters is not valid JSON'],
      [[1], 'filters must be an object'],
    ];
    for (const [filters, message] of cases) {
      const res = await post('/api/v1/discovery/discovered_apps/', { filters });
      expect(res.statusCode, JSON.stringify(filters)).toBe(400);
      expect(res.json()).toMatchObject({
        detail: message,
        error: true,
        filters: [{ error: message, errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE' }],
      });
    }
  });
});

describe('categories filters (registry discoveryCategories)', () => {
  const categories = async (filters: unknown) => {
    const res = await post('/api/v1/discovery/discovered_apps/categories/', { filters, sortField: 'id' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { id: string; total: number }[];
  };

  it('by category id, eq and neq, with or without the prefix', async () => {
    expect(await categories(undefined)).toEqual([
      { id: 'SAASDB_CATEGORY_CLOUD_STORAGE', total: 2 },
      { id: 'SAASDB_CATEGORY_CODE_HOSTING', total: 1 },
      { id: 'SAASDB_CATEGORY_COLLABORATION', total: 1 },
    ]);
    expect(await categories({ id: { eq: ['CLOUD_STORAGE', 'SAASDB_CATEGORY_COLLABORATION'] } })).toEqual([
      { id: 'SAASDB_CATEGORY_CLOUD_STORAGE', total: 2 },
      { id: 'SAASDB_CATEGORY_COLLABORATION', total: 1 },
    ]);
    expect(await categories({ category: { neq: 'cloud_storage' } })).toEqual([
      { id: 'SAASDB_CATEGORY_CODE_HOSTING', total: 1 },
      { id: 'SAASDB_CATEGORY_COLLABORATION', total: 1 },
    ]);
  });

  it('an unknown field or operator is a 400 naming it', async () => {
    const res = await post('/api/v1/discovery/discovered_apps/categories/', { filters: { total: { gt: 1 } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toBe('total is not a valid filter field for discoveryCategories');
    const op = await post('/api/v1/discovery/discovered_apps/categories/', { filters: { id: { gt: 'A' } } });
    expect(op.statusCode).toBe(400);
    expect(op.json().detail).toBe("id: operator 'gt' is not supported (use eq, neq)");
  });
});
