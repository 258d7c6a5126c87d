import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEntityKey } from '../../src/cloudapps/entities/model.js';
import { bearer, inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let auth: Record<string, string>;
beforeAll(async () => {
  // Few distinct timestamps per page boundary would be rare; coarse-grained data makes ties likely.
  h = await inProcess({ cloudApps: { activities: 1800, alerts: 20 } });
  auth = bearer(await h.tokenFor());
});
afterAll(() => h.close());

const post = (url: string, payload?: unknown) =>
  h.app.inject({ method: 'POST', url, headers: auth, ...(payload !== undefined ? { payload: payload as object } : {}) });

describe('activities', () => {
  it('scan mode returns every record exactly once', async () => {
    const seen = new Map<string, number>();
    let filters: Record<string, unknown> = { service: { eq: [11161, 15600, 20892, 20893, 28375, 10489, 11114, 11599] } };
    for (let i = 0; i < 50; i++) {
      const page = (await post('/api/v1/activities/', { filters, isScan: true, limit: 500 })).json();
      expect(page.max).toBe(5000);
      for (const a of page.data) seen.set(a._id, (seen.get(a._id) ?? 0) + 1);
      if (!page.hasNext) {
        expect(page).not.toHaveProperty('nextQueryFilters');
        break;
      }
      filters = page.nextQueryFilters;
      expect(filters.service).toBeDefined();
    }
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(seen.size).toBe(h.counts.activities);
  });

  it('scan mode survives a page of identical timestamps', async () => {
    const first = (await post('/api/v1/activities/', { limit: 1 })).json().data[0];
    const rows = Array.from({ length: 600 }, (_, i) => ({ ...first, _id: `${first._id}-tie${i}`, uid: undefined }));
    const { importJsonLines } = await import('../../src/cloudapps/import.js');
    const r = await importJsonLines(h.services.stores, h.tenantId, 'activities', rows.map((x) => JSON.stringify(x)).join('\n'));
    expect(r.imported).toBe(600);
    const seen = new Set<string>();
    let filters: Record<string, unknown> = { date: { gte: first.timestamp } };
    for (let i = 0; i < 10; i++) {
      const page = (await post('/api/v1/activities/', { filters, isScan: true, limit: 500 })).json();
      for (const a of page.data) {
        expect(seen.has(a._id)).toBe(false);
        seen.add(a._id);
      }
      if (!page.hasNext) break;
      filters = page.nextQueryFilters;
    }
    expect(seen.size).toBeGreaterThanOrEqual(601);
  });

  it('fetches an activity and takes feedback (path without trailing slash)', async () => {
    const a = (await post('/api/v1/activities/', { limit: 1, sortField: 'created', sortDirection: 'asc' })).json().data[0];
    expect(a._id).toMatch(/^\d+_\d+_[0-9a-f-]{36}$/);
    const one = await h.app.inject({ method: 'GET', url: `/api/v1/activities/${a._id}`, headers: auth });
    expect(one.json()._id).toBe(a._id);
    const fb = await post(`/api/v1/activities/${a._id}/feedback`, {
      feedbackValue: '0',
      feedbackText: 'Irrelevant',
      allowContact: false,
      contactEmail: 'x',
    });
    expect(fb.statusCode).toBe(200);
    expect((await post('/api/v1/activities/nope/feedback', {})).statusCode).toBe(404);
  });

  it('tolerates a filter at top level (Siemplify connectivity test)', async () => {
    const res = await post('/api/v1/activities/', { limit: 1, service: { eq: 11161 } });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(1);
  });

  it('filters by related alert', async () => {
    const alert = (await post('/api/v1/alerts/', { limit: 1 })).json().data[0];
    const res = (await post('/api/v1/activities/', { filters: { 'activity.alertId': { eq: alert._id } } })).json();
    expect(res.data.map((a: { _id: string }) => a._id).sort()).toEqual([...alert.audits].sort());
  });
});

describe('entities', () => {
  it('lists users with a filter and fetches by base64 key in every spelling', async () => {
    const users = (await post('/api/v1/entities/', { filters: { type: { eq: 'user' }, isExternal: { eq: false } }, limit: 3 })).json();
    expect(users.data.length).toBe(3);
    const u = users.data[0];
    expect(u.type).toBe(2);
    const std = encodeEntityKey({ id: u.id, saas: 11161, inst: 0 });
    const urlSafe = std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const spaced = Buffer.from(`{"id": "${u.id}", "saas": 11161, "inst": 0}`).toString('base64');
    for (const key of [std, urlSafe, spaced, encodeURIComponent(std), u._id]) {
      const res = await h.app.inject({ method: 'GET', url: `/api/v1/entities/${key}/`, headers: auth });
      expect(res.statusCode, key).toBe(200);
      expect(res.json()._id).toBe(u._id);
    }
    expect((await post(`/cas/api/v1/entities/${std}`)).json()._id).toBe(u._id);
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/entities/bm90IGEga2V5/', headers: auth })).statusCode).toBe(404);
  });

  it('selecting a user also returns its accounts; the tree groups them', async () => {
    const u = (await post('/api/v1/entities/', { filters: { type: { eq: 2 } }, limit: 1 })).json().data[0];
    const pk = { id: u.id, saas: 11161, inst: 0 };
    const family = (await post('/api/v1/entities/', { filters: { entity: { eq: pk } } })).json();
    expect(family.total).toBeGreaterThanOrEqual(2);
    const tree = (
      await h.app.inject({ method: 'GET', url: `/api/v1/entities/${encodeEntityKey(pk)}/retrieve_tree/`, headers: auth })
    ).json();
    expect(tree._id).toBe(u._id);
    expect(tree.children.length).toBe(family.total - 1);
    const account = tree.children[0];
    const fromAccount = (
      await h.app.inject({
        method: 'GET',
        url: `/api/v1/entities/${encodeEntityKey({ id: account.id, saas: account.appData.saas, inst: 0 })}/tree`,
        headers: auth,
      })
    ).json();
    expect(fromAccount._id).toBe(u._id);
  });
});
