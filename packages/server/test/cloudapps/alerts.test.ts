import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, inProcess, T0, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let auth: Record<string, string>;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 400, alerts: 30 } });
  auth = bearer(await h.tokenFor());
});
afterAll(() => h.close());

const post = (url: string, payload?: unknown) =>
  h.app.inject({ method: 'POST', url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });
const get = (url: string) => h.app.inject({ method: 'GET', url, headers: auth });

async function openAlertIds(n: number): Promise<string[]> {
  const res = await post('/api/v1/alerts/', { filters: { alertOpen: { eq: true } }, limit: n });
  return (res.json() as { data: { _id: string }[] }).data.map((a) => a._id);
}

describe('alerts', () => {
  it('counts the total again after a write (remembered totals are never stale)', async () => {
    const total = async () =>
      ((await post('/api/v1/alerts/', { filters: { alertOpen: { eq: true } }, limit: 1 })).json() as { total: number }).total;
    const before = await total();
    expect(before).toBeGreaterThan(2);
    expect(await total()).toBe(before);
    const [id] = await openAlertIds(1);
    expect((await post('/api/v1/alerts/close_true_positive/', { filters: { id: { eq: [id] } } })).json()).toEqual({
      closed_true_positive: 1,
    });
    expect(await total()).toBe(before - 1);
    await post('/api/v1/alerts/reopen/', { filters: { id: { eq: [id] } } });
    expect(await total()).toBe(before);
  });

  it('lists every alert exactly as it fetches it (non-ASCII state, resolve time, byte for byte)', async () => {
    const [id] = await openAlertIds(1);
    const comment = 'Geprüft — faux positif ✓ "quoted" \\ \u0007 😀';
    await post('/api/v1/alerts/close_benign/', { filters: { id: { eq: [id] } }, comment, reasonId: 2 });
    const res = await post('/api/v1/alerts/', { limit: 100, sortField: 'date', sortDirection: 'desc' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    const text = res.rawPayload.toString('utf8');
    const page = JSON.parse(text) as { data: { _id: string }[]; total: number };
    expect(page.data.length).toBe(page.total);
    const closed = page.data.find((a) => a._id === id) as unknown as Record<string, unknown>;
    expect(closed).toMatchObject({ comment, resolutionStatusValue: 4, resolveTime: new Date(T0).toISOString() });
    const items: string[] = [];
    for (const a of page.data) items.push((await get(`/api/v1/alerts/${a._id}`)).rawPayload.toString('utf8'));
    expect(text.startsWith(`{"data":[${items.join(',')}],"hasNext":false,`)).toBe(true);
    await post('/api/v1/alerts/reopen/', { filters: { id: { eq: [id] } } });
  });

  it('fetches one alert in the documented shape', async () => {
    const [id] = await openAlertIds(1);
    const res = await get(`/api/v1/alerts/${id}`);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expect(a._id).toMatch(/^[0-9a-f]{24}$/);
    expect(typeof a.timestamp).toBe('number');
    expect(a.URL).toBe(`https://localhost:8443/#/alerts/${id}`);
    for (const k of [
      'entities',
      'title',
      'description',
      'statusValue',
      'severityValue',
      'resolutionStatusValue',
      'stories',
      'threatScore',
      'idValue',
    ]) {
      expect(a).toHaveProperty(k);
    }
    expect(a.entities.find((e: { type: string }) => e.type === 'service').id).toEqual(expect.any(Number));
    expect((await get('/api/v1/alerts/aaaaaaaaaaaaaaaaaaaaaaaa')).statusCode).toBe(404);
  });

  it('closes benign with a reasonId and records who, when and why', async () => {
    const ids = await openAlertIds(2);
    const res = await post('/api/v1/alerts/close_benign/', {
      filters: { id: { eq: ids } },
      comment: 'lab test',
      reasonId: 6,
      sendFeedback: false,
    });
    expect(res.json()).toEqual({ closed_benign: 2 });
    const a = (await get(`/api/v1/alerts/${ids[0]}/`)).json();
    expect(a.resolutionStatusValue).toBe(4);
    expect(a.resolveTime).toBe(new Date(T0).toISOString());
    expect(a.comment).toBe('lab test');
    expect(a.handledByUser).toBe(h.demo.tenants.contoso.daemon!.clientId);
    const list = (
      await post('/api/v1/alerts/', { filters: { id: { eq: ids }, alertOpen: { eq: false }, resolutionStatus: { eq: 4 } } })
    ).json();
    expect(list.total).toBe(2);
  });

  it('reports alertsNotFound and validates reasonId per kind', async () => {
    const [id] = await openAlertIds(1);
    const res = await post('/api/v1/alerts/close_false_positive/', { filters: { id: { eq: [id, 'invalidAlert1'] } }, reasonId: 1 });
    expect(res.json()).toEqual({ closed_false_positive: 1, alertsNotFound: ['invalidAlert1'] });
    const fail = await post('/api/v1/alerts/close_true_positive/', { filters: { id: { eq: ['invalidAlert1', 'invalidAlert2'] } } });
    expect(fail.json()).toEqual({ closed_true_positive: 0, alertsNotFound: ['invalidAlert1', 'invalidAlert2'] });
    const bad = await post('/api/v1/alerts/close_benign/', { filters: { id: { eq: [id] } }, reasonId: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().reasonId[0].errorMessageCode).toBe('CONSOLE_FORMS_NOT_VALID_VALUE');
    // XSOAR sends `reason` and nulls: accepted.
    const xsoar = await post('/api/v1/alerts/close_benign/', {
      filters: { id: { eq: [id] } },
      comment: null,
      reason: 1,
      feedbackText: null,
      contactEmail: null,
    });
    expect(xsoar.json()).toEqual({ closed_benign: 1 });
    expect((await post('/api/v1/alerts/close_benign/', {})).statusCode).toBe(400);
  });

  it('maps the deprecated actions', async () => {
    const [a, b, c] = await openAlertIds(3);
    expect((await post(`/api/v1/alerts/${a}/dismiss/`, { comment: 'old client' })).json()).toEqual({ dismissed: 1 });
    expect((await get(`/api/v1/alerts/${a}`)).json().resolutionStatusValue).toBe(3);
    expect((await post('/cas/api/v1/alerts/dismiss_bulk/', { filters: { id: { eq: [b] } } })).json()).toEqual({ dismissed: 1 });
    expect((await post('/cas/api/v1/alerts/resolve/', { filters: { id: { eq: [c] } }, comment: 'done' })).json()).toEqual({ resolved: 1 });
    expect((await get(`/api/v1/alerts/${c}`)).json().resolutionStatusValue).toBe(5);
    expect((await post('/api/v1/alerts/reopen/', { filters: { id: { eq: [a, b, c] } } })).json()).toEqual({ reopened: 3 });
    const reopened = (await get(`/api/v1/alerts/${c}`)).json();
    expect(reopened.resolutionStatusValue).toBe(0);
    expect(reopened).not.toHaveProperty('resolveTime');
  });

  it('marks read and unread', async () => {
    const [id] = await openAlertIds(1);
    expect((await post(`/api/v1/alerts/${id}/read/`)).json()).toEqual({});
    expect((await get(`/api/v1/alerts/${id}`)).json().statusValue).toBe(1);
    expect((await post(`/api/v1/alerts/${id}/unread`, {})).statusCode).toBe(200);
    expect((await get(`/api/v1/alerts/${id}`)).json().statusValue).toBe(0);
    const unread = (await post('/api/v1/alerts/', { filters: { read: { eq: false }, id: { eq: [id] } } })).json();
    expect(unread.total).toBe(1);
  });

  it('sorts by date and severity, pages to the end without gaps or duplicates', async () => {
    const seen = new Set<string>();
    let skip = 0;
    let last = Infinity;
    for (;;) {
      const page = (await post('/api/v1/alerts/', { sortField: 'date', sortDirection: 'desc', skip, limit: 7 })).json();
      for (const a of page.data) {
        expect(seen.has(a._id)).toBe(false);
        expect(a.timestamp).toBeLessThanOrEqual(last);
        last = a.timestamp;
        seen.add(a._id);
      }
      skip += page.data.length;
      if (!page.hasNext) break;
    }
    expect(seen.size).toBe(h.counts.alerts);
    const bySeverity = (await post('/api/v1/alerts/', { sortField: 'severity', sortDirection: 'asc', limit: 100 })).json().data;
    const sev = bySeverity.map((a: { severityValue: number }) => a.severityValue);
    expect(sev).toEqual([...sev].sort((x: number, y: number) => x - y));
    expect((await post('/api/v1/alerts/', { sortField: 'bogus' })).statusCode).toBe(400);
  });

  it('caps limit at 100 and reports max', async () => {
    const many = await inProcess({ cloudApps: { activities: 300, alerts: 130 } });
    try {
      const res = await many.app.inject({
        method: 'POST',
        url: '/api/v1/alerts/',
        headers: bearer(await many.tokenFor()),
        payload: { limit: 100000 },
      });
      const body = res.json();
      expect(body.data).toHaveLength(100);
      expect(body).toMatchObject({ hasNext: true, max: 100, total: 130, moreThanTotal: false });
    } finally {
      await many.close();
    }
  });
});
