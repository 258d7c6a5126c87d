import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudAppsPermission } from '@appwarden/protocol';
import { bearer, inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let token: string;
const op = { authorization: `Bearer ${OPERATOR_KEY}` };
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 20, alerts: 1 } });
  token = await h.tokenFor();
});
afterAll(() => h.close());

const sanction = (appId: number | string, state: string) =>
  h.app.inject({ method: 'PUT', url: `/admin/tenants/${h.tenantId}/cloud-apps/discovery/apps/${appId}`, headers: op, payload: { state } });
const get = (url: string, t = token) => h.app.inject({ method: 'GET', url, headers: bearer(t) });

const DROPBOX = 11627;
const BOX = 10489;
const SLACK = 1000033;
const GITHUB = 1000202;

describe('sanctioning (admin endpoint)', () => {
  it('marks apps sanctioned, unsanctioned or monitored; guarded like the other admin endpoints', async () => {
    for (const [id, state] of [
      [DROPBOX, 'unsanctioned'],
      [BOX, 'Unsanctioned'],
      [SLACK, 'sanctioned'],
      [GITHUB, 'monitored'],
    ] as const) {
      const res = await sanction(id, state);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ appId: id, state: state.toLowerCase() });
    }
    const list = await h.app.inject({ method: 'GET', url: `/admin/tenants/${h.tenantId}/cloud-apps/discovery/apps`, headers: op });
    expect(list.json().value.map((v: { name: string; state: string }) => `${v.name}:${v.state}`)).toEqual([
      'Box:unsanctioned',
      'Dropbox:unsanctioned',
      'Slack:sanctioned',
      'GitHub:monitored',
    ]);
    expect((await sanction(999999999, 'sanctioned')).statusCode).toBe(404);
    expect((await sanction(DROPBOX, 'blocked')).statusCode).toBe(400);
    const anonymous = await h.app.inject({
      method: 'PUT',
      url: `/admin/tenants/${h.tenantId}/cloud-apps/discovery/apps/${DROPBOX}`,
      payload: { state: 'sanctioned' },
    });
    expect(anonymous.statusCode).toBe(401);
    const casToken = await h.app.inject({
      method: 'PUT',
      url: `/admin/tenants/${h.tenantId}/cloud-apps/discovery/apps/${DROPBOX}`,
      headers: bearer(token),
      payload: { state: 'sanctioned' },
    });
    expect(casToken.statusCode).toBeGreaterThanOrEqual(401);
    expect(casToken.statusCode).toBeLessThanOrEqual(403);
  });
});

describe('block scripts (reference §3)', () => {
  const expected: Record<number, (d: string) => string> = {
    102: (d) => `url.domain=${d} deny`,
    135: (d) => `dest_host=${d} action=deny`,
    120: (d) => `.${d}`,
  };

  for (const format of [102, 104, 108, 112, 120, 129, 135]) {
    it(`format=${format}: text/plain in the appliance's syntax, unsanctioned apps only`, async () => {
      for (const url of [
        `/api/discovery_block_scripts/?format=${format}&type=banned`,
        `/cas/api/discovery_block_scripts?format=${format}`,
      ]) {
        const res = await get(url);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/plain/);
        expect(res.headers['content-disposition']).toMatch(/^attachment; filename="2025-03-01_CAS_\w+_block_script\.txt"$/);
        expect(res.body).toContain('dropbox.com');
        expect(res.body).toContain('box.com');
        expect(res.body).not.toContain('slack.com');
        expect(res.body).not.toContain('github.com');
        const line = expected[format];
        if (line) {
          const lines = res.body.split('\n');
          expect(lines).toContain(line('dropbox.com'));
          expect(lines).toContain(line('box.com'));
        }
      }
      const allowed = await get(`/api/discovery_block_scripts/?format=${format}&type=allowed`);
      expect(allowed.body).toContain('slack.com');
      expect(allowed.body).not.toContain('dropbox.com');
    });
  }

  it('JSON without format: data[].domainList with paging', async () => {
    const res = await get('/api/discovery_block_scripts/?type=banned&limit=1&skip=0');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ hasNext: true, total: 2 });
    expect(body.data[0]).toMatchObject({ appId: BOX, name: 'Box' });
    expect(body.data[0].domainList).toContain('box.com');
    const next = (await get('/api/discovery_block_scripts/?type=banned&limit=1&skip=1')).json();
    expect(next).toMatchObject({ hasNext: false, data: [{ appId: DROPBOX }] });
  });

  it('400 naming an unknown format or type', async () => {
    const res = await get('/api/discovery_block_scripts/?format=999&type=banned');
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toContain('999');
    expect((await get('/api/discovery_block_scripts/?format=102&type=everything')).statusCode).toBe(400);
  });
});

describe('discovery permissions (reference §2.3)', () => {
  const cases: [string, string][] = [
    ['GET', '/api/discovery/streams/'],
    ['POST', '/api/v1/discovery/discovered_apps/categories/'],
    ['POST', '/api/v1/discovery/discovered_apps/'],
    ['GET', '/api/v1/discovery/data_sources/'],
    ['GET', '/api/v1/discovery/upload_url/?filename=a.log&source=SQUID'],
    ['GET', '/api/discovery_block_scripts/?format=102&type=banned'],
  ];
  const manageOnly = new Set([
    '/api/v1/discovery/upload_url/?filename=a.log&source=SQUID',
    '/api/discovery_block_scripts/?format=102&type=banned',
  ]);

  for (const perm of ['Discovery.read', 'Discovery.manage', 'Investigation.manage', 'Settings.manage'] as CloudAppsPermission[]) {
    it(`${perm}`, async () => {
      const t = await h.tokenFor([perm]);
      for (const [method, url] of cases) {
        const res = await h.app.inject({ method: method as 'GET', url, headers: bearer(t) });
        const allowed = perm === 'Discovery.manage' || (perm === 'Discovery.read' && !manageOnly.has(url));
        expect(res.statusCode, `${perm} ${method} ${url}`).toBe(allowed ? 200 : 403);
      }
    });
  }
});
