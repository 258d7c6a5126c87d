import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_PATTERN } from '@appwarden/protocol';
import { bearer, inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
const op = () => ({ authorization: `Bearer ${OPERATOR_KEY}` });
beforeAll(async () => {
  h = await inProcess({ config: { rateLimitPerMinute: 30 }, cloudApps: { activities: 100, alerts: 10 } });
});
afterAll(() => h.close());

const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: unknown, headers = op()) =>
  h.app.inject({
    method,
    url: `/admin/tenants/${h.tenantId}/cloud-apps${path}`,
    headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

describe('throttling', () => {
  it('answers the 31st request of a minute with 429, Retry-After and a throttled body; the next minute is free again', async () => {
    await admin('PATCH', '/settings', { rateLimitPerMinute: null });
    h.clock.set(Date.UTC(2025, 2, 1, 13, 0, 10));
    const auth = bearer(await h.tokenFor());
    for (let i = 0; i < 30; i++) {
      const ok = await h.app.inject({ method: 'GET', url: '/api/v1/alerts/?limit=1', headers: auth });
      expect(ok.statusCode).toBe(200);
    }
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/alerts/', headers: auth });
    expect(res.statusCode).toBe(429);
    expect(res.statusMessage).toBe('TOO MANY REQUESTS');
    expect(res.headers['retry-after']).toBe('50');
    expect(res.json().detail).toMatch(/throttled/);
    h.clock.advance(50_000);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/alerts/', headers: auth })).statusCode).toBe(200);
  });

  it('takes a per-tenant override through the admin API (0 = off)', async () => {
    h.clock.set(Date.UTC(2025, 2, 1, 14, 0, 0));
    const auth = bearer(await h.tokenFor());
    const set = await admin('PATCH', '/settings', { rateLimitPerMinute: 2 });
    expect(set.json()).toMatchObject({ rateLimitPerMinute: 2, effectiveRateLimitPerMinute: 2 });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: auth })).statusCode);
    expect(codes).toEqual([200, 200, 429]);
    await admin('PATCH', '/settings', { rateLimitPerMinute: 0 });
    for (let i = 0; i < 40; i++)
      expect((await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: auth })).statusCode).toBe(200);
  });
});

describe('fault injection', () => {
  it('answers the configured share with errors, per endpoint, and adds latency', async () => {
    await admin('PATCH', '/settings', { rateLimitPerMinute: 0 });
    const auth = bearer(await h.tokenFor());
    const waits: number[] = [];
    h.services.cloudApps.delay = async (ms) => void waits.push(ms);
    let roll = 0;
    const rolls = [0.05, 0.35, 0.65, 0.95];
    h.services.cloudApps.random = () => rolls[roll++ % rolls.length]!;
    const set = await admin('PATCH', '/settings', {
      faults: { latencyMs: 250, error429: 0.25, error500: 0.25, error503: 0.25, retryAfterSeconds: 7, endpoints: ['alerts.list'] },
    });
    expect(set.statusCode).toBe(200);
    const res = [];
    for (let i = 0; i < 4; i++) res.push(await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: auth }));
    expect(res.map((r) => r.statusCode)).toEqual([429, 500, 503, 200]);
    expect(res[0]!.headers['retry-after']).toBe('7');
    expect(res[2]!.headers['retry-after']).toBe('7');
    expect(waits).toEqual([250, 250, 250, 250]);
    // Other endpoints are untouched.
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/activities/', headers: auth })).statusCode).toBe(200);
    expect((await admin('PATCH', '/settings', { faults: { error500: 2 } })).statusCode).toBe(400);
    await admin('PATCH', '/settings', { faults: null });
    expect((await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: auth })).statusCode).toBe(200);
  });
});

describe('legacy API tokens', () => {
  it('are shown once, work with any scheme spelling, respect read-only, and stop working when revoked', async () => {
    await admin('PATCH', '/settings', { rateLimitPerMinute: 0 });
    const full = (await admin('POST', '/api-tokens', { name: 'siem', kind: 'full' })).json();
    expect(full.token).toMatch(API_TOKEN_PATTERN);
    const ro = (await admin('POST', '/api-tokens', { name: 'reader', kind: 'read-only' })).json();
    const listed = (await admin('GET', '/api-tokens')).json().value;
    expect(listed).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(full.token);
    for (const header of [`Token ${full.token}`, `token ${full.token}`, `Token ${full.token} `]) {
      expect((await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: { authorization: header } })).statusCode).toBe(200);
    }
    const close = { filters: { id: { eq: ['ffffffffffffffffffffffff'] } } };
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/alerts/close_benign/',
          headers: { authorization: `Token ${full.token}` },
          payload: close,
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await h.app.inject({ method: 'POST', url: '/api/v1/activities/', headers: { authorization: `Token ${ro.token}` } })).statusCode,
    ).toBe(200);
    const denied = await h.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/close_benign/',
      headers: { authorization: `Token ${ro.token}` },
      payload: close,
    });
    expect(denied.statusCode).toBe(403);
    expect((await admin('DELETE', `/api-tokens/${full.id}`)).statusCode).toBe(204);
    const revoked = await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: { authorization: `Token ${full.token}` } });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toEqual({ detail: 'Invalid token' });
    expect(revoked.headers['www-authenticate']).toMatch(/^Token, Bearer/);
  });

  it('401 for missing, mangled and foreign-audience tokens', async () => {
    for (const authorization of [undefined, 'Token nope', 'Bearer abc.def.ghi', 'Basic dXNlcjpwYXNz']) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/alerts/', headers: authorization ? { authorization } : {} });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ detail: 'Invalid token' });
    }
  });

  it('the admin endpoints need the operator key or a management token of the tenant', async () => {
    expect((await admin('GET', '/api-tokens', undefined, bearer(await h.tokenFor()))).statusCode).toBe(401);
    expect((await admin('GET', '/api-tokens', undefined, {} as never)).statusCode).toBe(401);
  });
});

describe('import', () => {
  const alert = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      _id: id,
      timestamp: 1_700_000_000_000,
      title: 'Imported',
      severityValue: 2,
      entities: [{ id: 11161, label: 'Office 365', type: 'service' }],
      ...extra,
    });
  const importAlerts = (body: string) =>
    h.app.inject({
      method: 'POST',
      url: `/admin/tenants/${h.tenantId}/cloud-apps/import/alerts`,
      headers: { ...op(), 'content-type': 'application/x-ndjson' },
      payload: body,
    });

  it('reports bad lines with numbers and imports nothing', async () => {
    const before = await h.services.stores.alerts.count(h.tenantId);
    const body = [
      alert('aaaaaaaaaaaaaaaaaaaa0001'),
      '{broken',
      '',
      alert('not-an-id'),
      alert('aaaaaaaaaaaaaaaaaaaa0002', { severityValue: 9 }),
      '[1]',
    ].join('\n');
    const res = await importAlerts(body);
    expect(res.statusCode).toBe(400);
    const r = res.json();
    expect(r.imported).toBe(0);
    expect(r.errors.map((e: { line: number }) => e.line)).toEqual([2, 4, 5, 6]);
    expect(r.errors[1].error).toContain('_id');
    expect(await h.services.stores.alerts.count(h.tenantId)).toBe(before);
  });

  it('is idempotent by id', async () => {
    const before = await h.services.stores.alerts.count(h.tenantId);
    const body = [
      alert('aaaaaaaaaaaaaaaaaaaa0001'),
      alert('aaaaaaaaaaaaaaaaaaaa0002'),
      alert('aaaaaaaaaaaaaaaaaaaa0001', { title: 'second' }),
    ].join('\n');
    expect((await importAlerts(body)).json()).toMatchObject({ lines: 3, imported: 2, errors: [] });
    expect((await importAlerts(body)).json()).toMatchObject({ imported: 2 });
    expect(await h.services.stores.alerts.count(h.tenantId)).toBe(before + 2);
    const got = await h.app.inject({ method: 'GET', url: '/api/v1/alerts/aaaaaaaaaaaaaaaaaaaa0001', headers: bearer(await h.tokenFor()) });
    expect(got.json().title).toBe('second');
    expect(
      (
        await h.app.inject({
          method: 'POST',
          url: `/admin/tenants/${h.tenantId}/cloud-apps/import/subnets`,
          headers: { ...op(), 'content-type': 'text/plain' },
          payload: '',
        })
      ).statusCode,
    ).toBe(404);
  });
});

describe('demo data generation', () => {
  const entityCount = async () =>
    (
      await h.services.stores.entities.list(h.tenantId, {
        conditions: [],
        sortField: 'displayName',
        sortDirection: 'asc',
        skip: 0,
        limit: 1,
      })
    ).total;
  it('adds a second data set to a tenant that already holds generated users with the same names', async () => {
    const generate = (seed: string) => admin('POST', '/demo', { activities: 400, alerts: 5, users: 400, seed });
    // 400 users from the fixed name pool: the two sets share many account keys (user@domain, app).
    const first = await generate('first');
    expect(first.statusCode).toBe(200);
    const entitiesAfterFirst = await entityCount();
    const second = await generate('second');
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ activities: 400, alerts: 5 });
    // Some accounts already existed, so fewer entities are new than were generated.
    const generatedAccounts = first.json().entities as number;
    expect(second.json().entities).toBeLessThan(generatedAccounts);
    const total = await entityCount();
    expect(total).toBe(entitiesAfterFirst + second.json().entities);
    // The same seed again is idempotent.
    expect((await generate('second')).statusCode).toBe(200);
    expect(await entityCount()).toBe(total);
  });
});
