import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

// Malformed or oversized query input is a 400 in the area's wire format, never a 500 (issue 12).
let h: InProcessHarness;
let auth: Record<string, string>;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 40, alerts: 10 } });
  auth = bearer(await h.tokenFor());
});
afterAll(() => h?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  h.app.inject({
    method: 'POST',
    url,
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** A Cloud Apps 400: `{"detail": ...}` (plus the parameter shape when one parameter is at fault). */
function expectCloudApps400(res: { statusCode: number; body: string }, param?: string) {
  expect(res.statusCode, res.body).toBe(400);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(typeof body.detail).toBe('string');
  if (param) expect(body[param], res.body).toEqual([expect.objectContaining({ errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE' })]);
  expect(res.body.length).toBeLessThan(4096);
}

const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth);

describe('Cloud Apps list parameters', () => {
  it.each([
    ['2^63 as a string', '9223372036854775808'],
    ['2^63 as a number', 9223372036854775808],
    ['2^53 + 2', '9007199254740994'],
    ['negative', -1],
    ['a float', 1.5],
    ['1e400', '1e400'],
  ])('skip %s is a 400 about skip', async (_name, skip) => {
    for (const url of ['/api/v1/alerts/', '/api/v1/activities/', '/api/v1/discovery/discovered_apps/', '/api/v1/subnet/']) {
      expectCloudApps400(await post(url, { skip }), 'skip');
    }
  });

  it('a large safe skip is an empty page, not an error', async () => {
    const res = await post('/api/v1/alerts/', { skip: Number.MAX_SAFE_INTEGER });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ data: [], hasNext: false });
  });

  it('bounds the values of one operator (ranges, startswith, eq) with a 400 naming the limit', async () => {
    const ranges = Array.from({ length: 1000 }, (_, i) => ({ start: i, end: i + 1 }));
    let res = await post('/api/v1/alerts/', { filters: { date: { range: ranges } } });
    expectCloudApps400(res, 'filters');
    expect(res.json().detail).toMatch(/at most 100 values/);
    res = await post('/api/v1/alerts/', { filters: { date: { range: ranges.slice(0, 100) } } });
    expect(res.statusCode, res.body).toBe(200);

    const prefixes = Array.from({ length: 999 }, (_, i) => `u${i}`);
    expectCloudApps400(await post('/api/v1/activities/', { filters: { 'user.username': { startswith: prefixes } } }), 'filters');
    res = await post('/api/v1/activities/', { filters: { 'user.username': { startswith: prefixes.slice(0, 100) } } });
    expect(res.statusCode, res.body).toBe(200);

    const ids = Array.from({ length: 40_000 }, (_, i) => i);
    expectCloudApps400(await post('/api/v1/activities/', { filters: { 'user.username': { eq: ids } } }), 'filters');
    expectCloudApps400(await post('/api/v1/discovery/discovered_apps/', { filters: { appId: { eq: ids } } }), 'filters');
    res = await post('/api/v1/activities/', { filters: { 'user.username': { eq: ids.slice(0, 1000) } } });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('refuses JSON nested 10 000 deep, in a body and in a filters string, in the Cloud Apps shape', async () => {
    expectCloudApps400(await post('/api/v1/alerts/', `{"filters":{"date":{"range":${nested(10_000)}}}}`));
    const res = await h.app.inject({
      method: 'GET',
      url: `/api/v1/alerts/?filters=${encodeURIComponent(`{"date":{"range":${nested(10_000)}}}`)}`,
      headers: auth,
    });
    expectCloudApps400(res, 'filters');
    // A form body carries filters as a string too.
    const form = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/',
      headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `filters=${encodeURIComponent(`{"date":{"range":${nested(10_000)}}}`)}`,
    });
    expectCloudApps400(form, 'filters');
  });

  it('does not echo a megabyte sortField or filter field back', async () => {
    expectCloudApps400(await post('/api/v1/alerts/', { sortField: 'x'.repeat(1_000_000) }), 'sortField');
    expectCloudApps400(await post('/api/v1/alerts/', { filters: { ['f'.repeat(500_000)]: { eq: [1] } } }), 'filters');
    expectCloudApps400(await post('/api/v1/activities/', { filters: { 'user.username': { eq: ['v'.repeat(5000)] } } }), 'filters');
  });
});

describe('Graph query options', () => {
  const graph = (query: string) =>
    h.app.inject({
      method: 'GET',
      url: `/v1.0/applications?${query}`,
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': h.tenantId },
    });
  const expectGraph400 = (res: { statusCode: number; body: string }) => {
    expect(res.statusCode, res.body).toBe(400);
    expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  };

  it('refuses non-safe $top and $skiptoken', async () => {
    expectGraph400(await graph('$top=9223372036854775808'));
    expectGraph400(await graph('$skiptoken=9223372036854775808'));
  });

  it('reads an unclosed `in` list of digit strings in linear time (was exponential)', async () => {
    const values = Array(24).fill('1'.repeat(36)).join(',');
    const started = performance.now();
    expectGraph400(await graph(`$filter=${encodeURIComponent(`appId in (${values}, x`)}`));
    expectGraph400(await graph(`$filter=${encodeURIComponent(`appId in (${values},)`)}`));
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('bounds an `in` list and still answers a well-formed one', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `'a${i}'`).join(',');
    expectGraph400(await graph(`$filter=${encodeURIComponent(`displayName in (${many})`)}`));
    const ok = await graph(`$filter=${encodeURIComponent(`appId in ('00000000-0000-0000-0000-000000000001', 'x''y')`)}`);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a JSON body nested 10 000 deep in the Graph shape', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1.0/applications',
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': h.tenantId, 'content-type': 'application/json' },
      payload: `{"displayName":"deep","tags":${nested(10_000)}}`,
    });
    expectGraph400(res);
  });
});
