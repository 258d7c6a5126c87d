// The undocumented policies API (reference detection §1.6) over real HTTPS: the list with the
// clients' filter body, reading one policy both ways, switching one off, the same envelope, paging
// and error formats as the other Cloud Apps lists, and its permissions (inferred: docs/detection.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@appwarden/sdk';
import { builtInRuleId } from '../../src/detection/alert-document.js';
import { DETECTION_NAMES } from '../../src/detection/settings.js';
import { bearer, listening, type ListeningHarness } from '../../../../test/support/harness.js';

let live: ListeningHarness;
let audit: { _id: string };
type Policy = Record<string, unknown> & { _id: string; name: string; policyType: string; enabled: boolean };
type Page = { data: Policy[]; hasNext: boolean; max: number; total: number; moreThanTotal: boolean };

beforeAll(async () => {
  live = await listening({ freshTenant: 'policies', config: { rateLimitPerMinute: 0 } });
  audit = (await live.cloudAppsAdmin('POST', '/policies', {
    name: 'Mass download - finance',
    severity: 'HIGH',
    category: 'DLP',
    filters: { 'activity.eventType': { eq: ['EVENT_CATEGORY_DOWNLOAD_FILE'] } },
    matchParameters: { type: 'repeated', minRepeated: 50, windowMinutes: 1, groupBy: 'user' },
  })) as { _id: string };
  await live.cloudAppsAdmin('POST', '/policies', { name: 'Admin activity', filters: { 'activity.type': { eq: true } } });
}, 120_000);
afterAll(() => live?.close());

const list = async (body: unknown): Promise<Page> => {
  const res = await live.api('POST', '/cas/api/v1/policies/', body);
  expect(res.status, res.text).toBe(200);
  return res.json<Page>();
};

describe('POST /cas/api/v1/policies/', () => {
  it('lists the built-in detections with the filter clients send, in the list envelope', async () => {
    const page = await list({ skip: 0, limit: 100, filters: { type: { eq: 'ANOMALY_DETECTION' } } });
    expect(page).toMatchObject({ hasNext: false, max: 100, total: DETECTION_NAMES.length, moreThanTotal: false });
    expect(page.data.map((p) => p.policyType)).toEqual(DETECTION_NAMES.map(() => 'ANOMALY_DETECTION'));
    const travel = page.data.find((p) => p._id === builtInRuleId(live.tenantId, 'impossibleTravel'));
    expect(travel).toMatchObject({
      name: 'Impossible travel',
      enabled: true,
      matchParameters: { type: 'single' },
      detection: 'impossibleTravel',
    });
    const download = page.data.find((p) => p.detection === 'massDownload');
    expect(download!.matchParameters).toEqual({ type: 'repeated', minRepeated: 50, windowMinutes: 5, sameUser: true, sameApp: false });
  });

  it('shows an activity policy in the AUDIT shape', async () => {
    const page = await list({ filters: { type: { eq: ['AUDIT'] } }, sortField: 'name' });
    expect(page.total).toBe(2);
    expect(page.data.map((p) => p.name)).toEqual(['Admin activity', 'Mass download - finance']);
    const p = page.data[1]!;
    expect(p).toEqual({
      _id: audit._id,
      name: 'Mass download - finance',
      description: '',
      policyType: 'AUDIT',
      severity: 2,
      category: 3,
      enabled: true,
      filters: { 'activity.eventType': { eq: ['EVENT_CATEGORY_DOWNLOAD_FILE'] } },
      matchParameters: { type: 'repeated', minRepeated: 50, windowMinutes: 1, sameUser: true, sameApp: false },
      alertsPerDay: 5,
      createAlert: true,
      msFlowId: null,
      governance: [],
      created: expect.any(Number),
    });
  });

  it('pages by skip and limit without overlap, sorted as asked, and accepts GET with query parameters', async () => {
    const all = await list({});
    expect(all.total).toBe(DETECTION_NAMES.length + 2);
    const seen: string[] = [];
    for (let skip = 0; ; skip += 4) {
      const page = await list({ skip, limit: 4, sortField: 'severity', sortDirection: 'desc' });
      seen.push(...page.data.map((p) => p._id));
      expect(page.total).toBe(all.total);
      if (!page.hasNext) break;
    }
    expect(seen).toHaveLength(all.total);
    expect(new Set(seen).size).toBe(all.total);
    const bySeverity = (await list({ sortField: 'severity', sortDirection: 'desc' })).data.map((p) => p.severity as number);
    expect(bySeverity).toEqual([...bySeverity].sort((a, b) => b - a));
    const res = await live.api('GET', '/api/v1/policies/?limit=1');
    expect(res.status, res.text).toBe(200);
    expect(res.json<Page>()).toMatchObject({ hasNext: true, total: all.total });
    expect(res.json<Page>().data).toHaveLength(1);
  });

  it('refuses bad input with the Cloud Apps 400, never a 500', async () => {
    for (const body of [
      { filters: { type: { contains: 'AUDIT' } } },
      { filters: { nope: { eq: 1 } } },
      { filters: { enabled: { eq: 'maybe' } } },
      { sortField: 'color' },
      { sortDirection: 'up' },
      { limit: 'ten' },
      { skip: -1 },
      { filters: 'not json' },
    ]) {
      const res = await live.api('POST', '/cas/api/v1/policies/', body);
      expect(res.status, `${JSON.stringify(body)}: ${res.text}`).toBe(400);
      expect(res.json<Record<string, unknown>>(), res.text).toHaveProperty('detail');
    }
  });
});

describe('GET /cas/api/v1/policies/<id>/ and /<policyType>/<id>/', () => {
  it('reads one policy by id, or by type and id; another type, another tenant id or an unknown id is a 404', async () => {
    const byId = await live.api('GET', `/cas/api/v1/policies/${audit._id}/`);
    expect(byId.status, byId.text).toBe(200);
    expect(byId.json<Policy>()).toMatchObject({ _id: audit._id, policyType: 'AUDIT' });
    const byType = await live.api('GET', `/cas/api/v1/policies/AUDIT/${audit._id}`);
    expect(byType.json<Policy>()).toEqual(byId.json<Policy>());
    const detection = builtInRuleId(live.tenantId, 'ransomware');
    const builtIn = await live.api('GET', `/cas/api/v1/policies/ANOMALY_DETECTION/${detection}/`);
    expect(builtIn.json<Policy>()).toMatchObject({ _id: detection, policyType: 'ANOMALY_DETECTION', name: 'Ransomware activity' });
    for (const path of [
      `/cas/api/v1/policies/ANOMALY_DETECTION/${audit._id}/`,
      `/cas/api/v1/policies/FILE/${detection}/`,
      '/cas/api/v1/policies/ffffffffffffffffffffffff/',
      `/cas/api/v1/policies/${builtInRuleId(live.demo.tenants.contoso.tenantId, 'ransomware')}/`,
    ]) {
      const res = await live.api('GET', path);
      expect(res.status, `${path}: ${res.text}`).toBe(404);
      expect(res.json<Record<string, unknown>>()).toHaveProperty('detail');
    }
  });
});

describe('POST /cas/api/v1/policies/<id>/disable/', () => {
  it('switches an activity policy and a built-in detection off, as the operator API sees it too', async () => {
    const res = await live.api('POST', `/cas/api/v1/policies/${audit._id}/disable/`);
    expect(res.status, res.text).toBe(200);
    expect(res.json<Policy>()).toMatchObject({ _id: audit._id, enabled: false });
    expect(await live.cloudAppsAdmin('GET', `/policies/${audit._id}`)).toMatchObject({ enabled: false });
    // Idempotent.
    expect((await live.api('POST', `/cas/api/v1/policies/${audit._id}/disable`)).json<Policy>().enabled).toBe(false);

    const share = builtInRuleId(live.tenantId, 'massShare');
    expect((await live.api('POST', `/cas/api/v1/policies/${share}/disable/`)).json<Policy>()).toMatchObject({ _id: share, enabled: false });
    const settings = (await live.cloudAppsAdmin('GET', '/settings')) as { detection: { detections: Record<string, { enabled: boolean }> } };
    expect(settings.detection.detections.massShare!.enabled).toBe(false);
    expect(settings.detection.detections.massDownload!.enabled).toBe(true);

    const disabled = await list({ filters: { enabled: { eq: false } } });
    expect(disabled.data.map((p) => p._id).sort()).toEqual([audit._id, share].sort());
    expect((await live.api('POST', '/cas/api/v1/policies/ffffffffffffffffffffffff/disable/')).status).toBe(404);
    await live.cloudAppsAdmin('POST', `/policies/${share}/enable`);
  });

  it('needs Investigation.manage; Investigation.read reads but cannot disable, Discovery.manage cannot read', async () => {
    const reader = await live.tokenFor(['Investigation.read']);
    expect((await live.request('POST', '/cas/api/v1/policies/', { headers: bearer(reader), body: {} })).status).toBe(200);
    const denied = await live.request('POST', `/cas/api/v1/policies/${audit._id}/disable/`, { headers: bearer(reader) });
    expect(denied.status).toBe(403);
    expect(denied.json<{ detail: string }>().detail).toContain('Investigation.manage');
    const discovery = await live.tokenFor(['Discovery.manage']);
    expect((await live.request('GET', `/cas/api/v1/policies/${audit._id}/`, { headers: bearer(discovery) })).status).toBe(403);
    // A read-only legacy API token reads; disable is a write.
    const ro = (await live.cloudAppsAdmin('POST', '/api-tokens', { name: 'policy reader', kind: 'read-only' })) as { token: string };
    const legacy = { authorization: `Token ${ro.token}` };
    expect((await live.request('POST', '/cas/api/v1/policies/', { headers: legacy, body: {} })).status).toBe(200);
    expect((await live.request('POST', `/cas/api/v1/policies/${audit._id}/disable/`, { headers: legacy })).status).toBe(403);
    const manager = await live.tokenFor(['Investigation.manage']);
    expect((await live.request('POST', `/cas/api/v1/policies/${audit._id}/disable/`, { headers: bearer(manager) })).status).toBe(200);
  });
});

describe('SDK: client.policies', () => {
  it('lists with typed filters, reads and disables', async () => {
    const client = live.client();
    const built: string[] = [];
    for await (const p of client.policies.list({ filters: { type: { eq: 'ANOMALY_DETECTION' } }, maxPageSize: 4 })) built.push(p._id);
    expect(built).toHaveLength(DETECTION_NAMES.length);
    const one = await client.policies.get(audit._id, { policyType: 'AUDIT' });
    expect(one.name).toBe('Mass download - finance');
    const travel = builtInRuleId(live.tenantId, 'impossibleTravel');
    expect((await client.policies.disable(travel)).enabled).toBe(false);
    expect((await client.policies.get(travel)).enabled).toBe(false);
    await expect(client.policies.get(travel, { policyType: 'AUDIT' })).rejects.toBeInstanceOf(ApiError);
    await live.cloudAppsAdmin('POST', `/policies/${travel}/enable`);
  });
});
