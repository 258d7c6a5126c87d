import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionEngine } from '../../packages/server/src/detection/engine.js';
import { listening, type ListeningHarness } from '../support/harness.js';
import { activity, jsonl, scenario } from './scenario.js';

// Detection end to end over HTTPS: activities imported through the admin import API are evaluated
// by the engine (the server's background loop), and the alerts appear in /api/v1/alerts/, in the
// SDK, linked to their activities, exactly once.

let live: ListeningHarness;
const START = Date.UTC(2026, 10, 2, 8, 0, 0);

type Alert = {
  _id: string;
  title: string;
  severityValue: number;
  entities: { type: string; id: unknown; policyType?: string }[];
  audits: string[];
};

async function importActivities(docs: Record<string, unknown>[]) {
  const res = await live.request('POST', `/admin/tenants/${live.tenantId}/cloud-apps/import/activities`, {
    body: jsonl(docs),
    headers: { authorization: `Bearer ${live.operatorKey}`, 'content-type': 'application/x-ndjson' },
  });
  expect(res.status, res.text).toBe(200);
  await live.services.detection.whenIdle();
}

async function alerts(filters: Record<string, unknown> = {}): Promise<Alert[]> {
  const res = await live.api('POST', '/api/v1/alerts/', { filters, limit: 100 });
  expect(res.status, res.text).toBe(200);
  return res.json<{ data: Alert[] }>().data;
}

const byTitle = (xs: Alert[], title: string) => xs.filter((a) => a.title === title);

beforeAll(async () => {
  live = await listening({ freshTenant: 'detect', config: { rateLimitPerMinute: 0 } });
  await live.cloudAppsAdmin('PATCH', '/settings', { detection: { detectionsSkipLearning: true } });
}, 120_000);
afterAll(() => live?.close());

describe('built-in detections on an imported scenario', () => {
  it('raises impossible travel, infrequent country, mass download and failed sign-ins with their entities', async () => {
    await importActivities(scenario({ start: START }));
    const all = await alerts();
    const travel = byTitle(all, 'Impossible travel activity');
    expect(travel).toHaveLength(1);
    expect(travel[0]!.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'policyRule', label: 'Impossible travel', policyType: 'ANOMALY_DETECTION' }),
        expect.objectContaining({ type: 'user', id: 'megan@contoso.example' }),
        expect.objectContaining({ type: 'ip', id: '81.250.10.20' }),
        expect.objectContaining({ type: 'ip', id: '1.120.30.40' }),
        expect.objectContaining({ type: 'country', id: 'FR' }),
        expect.objectContaining({ type: 'country', id: 'AU' }),
        expect.objectContaining({ type: 'account', pa: 'megan@contoso.example' }),
      ]),
    );
    expect(travel[0]!.severityValue).toBe(1);
    expect(byTitle(all, 'Activity from infrequent country')).toHaveLength(1);
    const mass = byTitle(all, 'Mass download');
    expect(mass).toHaveLength(1);
    expect(mass[0]!.entities).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'service', id: 15600, label: 'Microsoft OneDrive for Business' }),
        expect.objectContaining({ type: 'file', id: 'scn-file-0' }),
        expect.objectContaining({ type: 'user', id: 'megan@contoso.example' }),
      ]),
    );
    expect(byTitle(all, 'Multiple failed login attempts')).toHaveLength(1);
    const open = all.filter((a) => (a as unknown as { resolutionStatusValue: number; statusValue: number }).resolutionStatusValue === 0);
    expect(open).toHaveLength(all.length);
  });

  it('links each alert to the activities that raised it (activity.alertId)', async () => {
    const [mass] = byTitle(await alerts(), 'Mass download');
    const res = await live.api('POST', '/api/v1/activities/', { filters: { 'activity.alertId': { eq: mass!._id } }, limit: 100 });
    expect(res.status).toBe(200);
    const linked = res.json<{ data: { _id: string; eventTypeName: string }[] }>().data;
    expect(linked).toHaveLength(50);
    expect(linked.every((a) => a.eventTypeName === 'EVENT_CATEGORY_DOWNLOAD_FILE')).toBe(true);
    // Alerts of a rule are found by the rule's id.
    const policyId = mass!.entities.find((e) => e.type === 'policyRule')!.id;
    expect((await alerts({ 'entity.policy': { eq: policyId } })).map((a) => a._id)).toEqual([mass!._id]);
  });

  it('the SDK lists them and closing one works as for any alert', async () => {
    const client = live.client();
    const titles: string[] = [];
    for await (const a of client.alerts.list()) titles.push(a.title);
    expect(titles).toEqual(expect.arrayContaining(['Mass download', 'Impossible travel activity', 'Multiple failed login attempts']));
    const [mass] = byTitle(await alerts(), 'Mass download');
    const closed = await client.alerts.closeBenign(mass!._id, { comment: 'lab test' });
    expect(closed.closed).toBe(1);
    expect((await client.alerts.get(mass!._id)).resolutionStatusValue).not.toBe(0);
  });

  it('re-importing the same activities queues and raises nothing new', async () => {
    const before = (await alerts()).map((a) => a._id).sort();
    const evaluated = live.services.detection.stats.evaluated;
    await importActivities(scenario({ start: START }));
    expect(live.services.detection.stats.evaluated).toBe(evaluated);
    expect((await alerts()).map((a) => a._id).sort()).toEqual(before);
  });
});

describe('windows survive a restart', () => {
  it('a burst split across an engine restart raises exactly one alert with all its activities', async () => {
    const user = 'restart@contoso.example';
    const place = { countryCode: 'FR', city: 'Paris', latitude: 48.85, longitude: 2.35, ip: '81.250.10.21' };
    const del = (i: number) => activity(`rst-del-${i}`, START + 86_400_000 + i * 1000, user, 'EVENT_CATEGORY_DELETE_FILE', place);
    await importActivities(Array.from({ length: 30 }, (_, i) => del(i)));
    expect(byTitle(await alerts(), 'Mass delete')).toHaveLength(0);
    // A new process: the engine keeps nothing in memory, its windows are in the database.
    await live.services.detection.stop();
    const restarted = new DetectionEngine(
      live.services.stores,
      live.services.clock,
      async (t) => (await live.services.cloudApps.settings.get(t)).detection,
    );
    const res = await live.request('POST', `/admin/tenants/${live.tenantId}/cloud-apps/import/activities`, {
      body: jsonl(Array.from({ length: 30 }, (_, i) => del(30 + i))),
      headers: { authorization: `Bearer ${live.operatorKey}`, 'content-type': 'application/x-ndjson' },
    });
    expect(res.status).toBe(200);
    await restarted.drain();
    const mass = byTitle(await alerts(), 'Mass delete');
    expect(mass).toHaveLength(1);
    expect(mass[0]!.audits).toHaveLength(50);
    expect(mass[0]!.audits).toContain('rst-del-0');
    live.services.detection.start();
  });
});

describe('activity policies', () => {
  it('a repeated-activity policy and a single-event policy with a daily limit raise alerts; disabled, nothing', async () => {
    const repeated = await live.cloudAppsAdmin('POST', '/policies', {
      name: 'Bulk download - finance',
      severity: 'HIGH',
      category: 'DLP',
      filters: { 'activity.eventType': { eq: ['EVENT_CATEGORY_DOWNLOAD_FILE'] }, service: { eq: [15600] } },
      matchParameters: { type: 'repeated', minRepeated: 100, windowMinutes: 10, groupBy: 'user' },
      alertsPerDay: 10,
    });
    const single = await live.cloudAppsAdmin('POST', '/policies', {
      name: 'Failed sign-in from Australia',
      filters: { 'activity.eventType': { eq: ['EVENT_CATEGORY_FAILED_LOGIN'] }, 'location.country': { eq: ['AU'] } },
      alertsPerDay: 3,
    });
    const bad = await live.request('POST', `/admin/tenants/${live.tenantId}/cloud-apps/policies`, {
      body: { name: 'x', filters: { 'no.such.field': { eq: [1] } } },
      headers: { authorization: `Bearer ${live.operatorKey}` },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('no.such.field');
    await importActivities(scenario({ start: START + 2 * 86_400_000, prefix: 'pol', user: 'adele@contoso.example' }));
    const byPolicy = async (id: unknown) => alerts({ 'entity.policy': { eq: id } });
    const r = await byPolicy(repeated._id);
    expect(r).toHaveLength(3);
    expect(r[0]).toMatchObject({ title: 'Bulk download - finance', severityValue: 2, stories: [3] });
    expect(r[0]!.audits).toHaveLength(100);
    expect((r[0] as unknown as { description: string }).description).toBe(
      "Activity policy 'Bulk download - finance' was triggered by 'adele@contoso.example'",
    );
    expect(await byPolicy(single._id)).toHaveLength(3);
    await live.cloudAppsAdmin('POST', `/policies/${String(single._id)}/disable`);
    await importActivities(scenario({ start: START + 2 * 86_400_000 + 7_200_000, prefix: 'pol2', user: 'alex@contoso.example' }));
    expect(await byPolicy(single._id)).toHaveLength(3);
    expect(await byPolicy(repeated._id)).toHaveLength(6);
    const listed = (await live.cloudAppsAdmin('GET', '/policies')).value as { _id: string; enabled: boolean; policyType: string }[];
    expect(listed.find((p) => p._id === single._id)?.enabled).toBe(false);
    expect(listed.filter((p) => p.policyType === 'ANOMALY_DETECTION').length).toBeGreaterThanOrEqual(9);
  });

  it('a built-in detection can be turned off', async () => {
    await live.cloudAppsAdmin('POST', '/policies/failedSignIns/disable');
    const user = 'off@contoso.example';
    const place = { countryCode: 'FR', city: 'Paris', latitude: 48.85, longitude: 2.35, ip: '81.250.10.22' };
    await importActivities(
      Array.from({ length: 20 }, (_, i) =>
        activity(`off-${i}`, START + 5 * 86_400_000 + i * 1000, user, 'EVENT_CATEGORY_FAILED_LOGIN', place),
      ),
    );
    const failed = byTitle(await alerts({ 'entity.user': { eq: user } }), 'Multiple failed login attempts');
    expect(failed).toHaveLength(0);
    await live.cloudAppsAdmin('POST', '/policies/failedSignIns/enable');
  });
});
