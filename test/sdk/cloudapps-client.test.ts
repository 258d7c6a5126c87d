import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  CloudAppsClient,
  PermissionError,
  ThrottledError,
  type Alert,
  type FetchLike,
  type RetryEvent,
} from '@appwarden/sdk';
import { listening, type ListeningHarness } from '../support/harness.js';

let live: ListeningHarness;
let totalAlerts = 0;

beforeAll(async () => {
  live = await listening({ freshTenant: 'sdkpaging', config: { rateLimitPerMinute: 0 } });
  await live.cloudAppsAdmin('POST', '/demo', { activities: 5000, alerts: 1250, seed: 'sdk-paging', endTime: Date.UTC(2025, 5, 1) });
  const first = await live.client().alerts.list({ maxPageSize: 1 }).byPage().next();
  totalAlerts = (first.value as { total: number }).total;
}, 120_000);
afterAll(() => live.close());

/** Records how often the token endpoint and the API were called. */
function countingFetch(base: FetchLike) {
  const counts = { token: 0, api: 0 };
  const f: FetchLike = (input, init) => {
    if (input.includes('/oauth2/')) counts.token++;
    else counts.api++;
    return base(input, init);
  };
  return { fetch: f, counts };
}

describe('paging across more than 1,000 records', () => {
  it('iterates every alert item by item, without duplicates', async () => {
    expect(totalAlerts).toBeGreaterThanOrEqual(1000);
    const ids = new Set<string>();
    for await (const a of live.client().alerts.list()) ids.add(a._id);
    expect(ids.size).toBe(totalAlerts);
  });

  it('pages with byPage() and maxPageSize, and resumes from a continuation token', async () => {
    const client = live.client();
    const seen: string[] = [];
    let pages = 0;
    let token: string | undefined;
    for await (const page of client.alerts.list({ sortField: 'date', sortDirection: 'asc' }).byPage({ maxPageSize: 50 })) {
      expect(page.data.length).toBeLessThanOrEqual(50);
      seen.push(...page.data.map((a) => a._id));
      pages++;
      if (pages === 7) {
        token = page.continuationToken;
        break;
      }
    }
    expect(token).toBe('350');
    for await (const page of client.alerts
      .list({ sortField: 'date', sortDirection: 'asc' })
      .byPage({ continuationToken: token!, maxPageSize: 100 }))
      seen.push(...page.data.map((a) => a._id));
    expect(seen).toHaveLength(totalAlerts);
    expect(new Set(seen).size).toBe(totalAlerts);
  });

  it('lists activities (skip paging) and scans them (nextQueryFilters) to the same set', async () => {
    const client = live.client();
    const listed = new Set<string>();
    for await (const a of client.activities.list()) listed.add(a._id);
    expect(listed.size).toBeGreaterThanOrEqual(4500);
    const scanned: string[] = [];
    let pages = 0;
    for await (const page of client.activities.scan({ maxPageSize: 500 }).byPage()) {
      pages++;
      scanned.push(...page.data.map((a) => a._id));
      if (page.hasNext) expect(JSON.parse(page.continuationToken!)).toHaveProperty('date.lte');
    }
    expect(pages).toBeGreaterThanOrEqual(9);
    expect(new Set(scanned).size).toBe(scanned.length);
    expect(new Set(scanned)).toEqual(listed);
  });

  it('scans upwards with filters, and the item iterator gives the same records', async () => {
    const client = live.client();
    const filters = { 'activity.eventType': { eq: 'EVENT_CATEGORY_LOGIN' } } as const;
    const items: string[] = [];
    for await (const a of client.activities.scan({ filters, sortDirection: 'asc', maxPageSize: 500 })) items.push(a._id);
    const listed: string[] = [];
    for await (const a of client.activities.list({ filters })) listed.push(a._id);
    expect(items.length).toBeGreaterThan(0);
    expect(new Set(items)).toEqual(new Set(listed));
  });

  it('filters with typed filters, Dates included', async () => {
    const client = live.client();
    const since = new Date(Date.UTC(2025, 4, 25));
    let n = 0;
    for await (const a of client.alerts.list({ filters: { severity: { eq: [2] }, date: { gte: since } } })) {
      expect(a.severityValue).toBe(2);
      expect(a.timestamp).toBeGreaterThanOrEqual(since.getTime());
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });
});

describe('alerts, activities and entities', () => {
  it('gets, marks read/unread and closes alerts', async () => {
    const client = live.client();
    const open: Alert[] = [];
    for await (const a of client.alerts.list({ filters: { alertOpen: { eq: true } }, maxPageSize: 3 })) {
      open.push(a);
      if (open.length === 3) break;
    }
    const [a, b, c] = open as [Alert, Alert, Alert];
    await client.alerts.markRead(a._id);
    expect((await client.alerts.get(a._id)).statusValue).toBe(1);
    await client.alerts.markUnread(a._id);
    expect((await client.alerts.get(a._id)).statusValue).toBe(0);
    const benign = await client.alerts.closeBenign(a._id, { reasonId: 2, comment: 'lab' });
    expect(benign.closed).toBe(1);
    expect((await client.alerts.get(a._id)).resolutionStatusValue).toBe(4);
    const fp = await client.alerts.closeFalsePositive([b._id, 'ffffffffffffffffffffffff'], { reasonId: 1 });
    expect(fp).toMatchObject({ closed: 1, alertsNotFound: ['ffffffffffffffffffffffff'] });
    const tp = await client.alerts.closeTruePositive({ filters: { id: { eq: c._id } } });
    expect(tp.closed).toBe(1);
    expect((await client.alerts.get(c._id)).resolutionStatusValue).toBe(5);
    await expect(client.alerts.get('000000000000000000000000')).rejects.toMatchObject({ name: 'ApiError', status: 404 });
  });

  it('gets an activity and sends feedback', async () => {
    const client = live.client();
    const { value } = await client.activities.list({ maxPageSize: 1 }).next();
    const act = value as { _id: string };
    expect((await client.activities.get(act._id))._id).toBe(act._id);
    await client.activities.feedback(act._id, { feedbackValue: '0', feedbackText: 'Irrelevant' });
  });

  it('gets entities by key object or base64 key, and their tree', async () => {
    const client = live.client();
    let user: { id: string; appData?: { saas: number; instance: number } } | undefined;
    for await (const e of client.entities.list({ filters: { type: { eq: 2 } }, maxPageSize: 5 })) {
      user = e;
      break;
    }
    const key = { id: user!.id, saas: 11161, inst: 0 };
    const got = await client.entities.get(key);
    expect(got.id).toBe(user!.id);
    const tree = await client.entities.tree(key);
    expect(tree.id).toBe(user!.id);
    expect(Array.isArray(tree.children)).toBe(true);
  });
});

describe('retries, timeouts, aborts and errors', () => {
  async function faults(settings: Record<string, unknown> | null) {
    await live.cloudAppsAdmin('PATCH', '/settings', { faults: settings });
  }

  it('survives injected 429 (Retry-After) and 503 (backoff) while paging 1,000+ alerts', async () => {
    // 25+ pages at 30% + 30%: the chance that one kind of fault never shows is below 1e-3.
    await faults({ error429: 0.3, error503: 0.3, retryAfterSeconds: 0, endpoints: ['alerts.list'] });
    try {
      const events: RetryEvent[] = [];
      const client = live.client({ retry: { maxRetries: 20, baseDelayMs: 1, maxDelayMs: 5 }, onRetry: (e) => events.push(e) });
      let n = 0;
      for await (const _ of client.alerts.list({ maxPageSize: 40 })) n++;
      expect(n).toBe(totalAlerts);
      expect(events.some((e) => e.status === 429)).toBe(true);
      expect(events.some((e) => e.status === 503)).toBe(true);
    } finally {
      await faults(null);
    }
  });

  it('waits the one-minute window after a 429 without Retry-After', async () => {
    let calls = 0;
    const fetch503: FetchLike = async () => {
      calls++;
      return calls === 1
        ? new Response('{"detail":"Request was throttled."}', { status: 429 })
        : new Response('{"_id":"a","title":"t","timestamp":1,"entities":[]}', { status: 200 });
    };
    const waits: number[] = [];
    const client = new CloudAppsClient(
      'https://example.invalid',
      { apiToken: 'x'.repeat(64) },
      {
        fetch: fetch503,
        sleep: async (ms) => void waits.push(ms),
      },
    );
    expect((await client.alerts.get('a'))._id).toBe('a');
    expect(waits).toEqual([60_000]);
  });

  it('retries 5xx only for idempotent calls', async () => {
    await faults({ error503: 1, retryAfterSeconds: 0, endpoints: ['subnet.create', 'alerts.fetch'] });
    try {
      const events: RetryEvent[] = [];
      const client = live.client({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 }, onRetry: (e) => events.push(e) });
      await expect(client.alerts.get('000000000000000000000000')).rejects.toMatchObject({ status: 503 });
      expect(events).toHaveLength(2);
      events.length = 0;
      await expect(client.subnets.create({ name: 'x', category: 1, subnets: ['10.0.0.0/8'] })).rejects.toBeInstanceOf(ApiError);
      expect(events).toHaveLength(0);
    } finally {
      await faults(null);
    }
  });

  it('throws ThrottledError once retries run out, with retryAfterMs', async () => {
    await faults({ error429: 1, retryAfterSeconds: 7, endpoints: ['alerts.fetch'] });
    try {
      const waits: number[] = [];
      const client = live.client({ retry: { maxRetries: 1 }, sleep: async (ms) => void waits.push(ms) });
      const err = await client.alerts.get('000000000000000000000000').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ThrottledError);
      expect((err as ThrottledError).retryAfterMs).toBe(7000);
      expect(waits).toEqual([7000]);
    } finally {
      await faults(null);
    }
  });

  it('times out an attempt and honours an AbortSignal', async () => {
    await faults({ latencyMs: 1500, endpoints: ['alerts.list'] });
    try {
      const client = live.client({ timeoutMs: 200, retry: { maxRetries: 0 } });
      await expect(client.alerts.list().next()).rejects.toMatchObject({ name: 'RequestTimeoutError', timeoutMs: 200 });
      const ac = new AbortController();
      const pending = live.client().alerts.list({ signal: ac.signal }).next();
      setTimeout(() => ac.abort(new Error('stopped by the user')), 100);
      await expect(pending).rejects.toThrow('stopped by the user');
    } finally {
      await faults(null);
    }
  });

  it('maps 401 and 403 to typed errors; legacy API tokens authenticate', async () => {
    const bad = new CloudAppsClient(live.server.url, { apiToken: 'A'.repeat(64) }, { fetch: live.fetch });
    await expect(bad.alerts.list().next()).rejects.toBeInstanceOf(AuthenticationError);
    const created = await live.cloudAppsAdmin('POST', '/api-tokens', { name: 'sdk read-only', kind: 'read-only' });
    const ro = new CloudAppsClient(live.server.url, { apiToken: created.token as string }, { fetch: live.fetch });
    expect((await ro.alerts.list({ maxPageSize: 1 }).byPage().next()).value?.data).toHaveLength(1);
    const { value } = await ro.alerts.list({ maxPageSize: 1 }).next();
    await expect(ro.alerts.closeBenign((value as Alert)._id)).rejects.toBeInstanceOf(PermissionError);
  });
});

describe('token cache', () => {
  it('refreshes the token exactly once for 50 concurrent calls near expiry', async () => {
    let now = Date.now();
    const { fetch, counts } = countingFetch(live.fetch);
    const client = live.client({ fetch }, { fetch, now: () => now });
    await client.alerts.list({ maxPageSize: 1 }).next();
    expect(counts.token).toBe(1);
    await Promise.all(Array.from({ length: 10 }, () => client.alerts.list({ maxPageSize: 1 }).next()));
    expect(counts.token).toBe(1);
    // 56 minutes later the one-hour token is inside the 5-minute renewal margin.
    now += 56 * 60_000;
    const before = counts.api;
    await Promise.all(Array.from({ length: 50 }, () => client.alerts.list({ maxPageSize: 1 }).next()));
    expect(counts.api - before).toBe(50);
    expect(counts.token).toBe(2);
  });
});
