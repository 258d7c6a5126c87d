import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJsonLines } from '../../packages/server/src/cloudapps/import.js';
import { alertId, builtInRuleId } from '../../packages/server/src/detection/alert-document.js';
import { childProcess, installation, type Installation } from '../support/harness.js';
import type { ChildServer } from '../support/child-server.js';
import { activity, jsonl } from './scenario.js';

// Exactly once across processes: a server killed with SIGKILL in the middle of evaluation loses no
// alert and duplicates none when it comes back; on PostgreSQL two servers evaluating one database
// raise one alert per incident.

const USERS = 40;
const PER_USER = 60;
const START = Date.UTC(2026, 10, 3, 8, 0, 0);
const postgres = !!process.env.APPWARDEN_TEST_DATABASE_URL && process.env.STORE === 'postgres';

let install: Installation;
let tenantId: string;
const children: ChildServer[] = [];

/** USERS users, each with a burst of PER_USER downloads in two minutes: one "Mass download" each. */
function workload(prefix: string) {
  const docs: Record<string, unknown>[] = [];
  const place = { countryCode: 'NL', city: 'Amsterdam', latitude: 52.37, longitude: 4.9, ip: '145.53.1.1' };
  for (let u = 0; u < USERS; u++) {
    for (let i = 0; i < PER_USER; i++) {
      docs.push(
        activity(
          `${prefix}-u${u}-d${i}`,
          START + u * 1000 + i * 2000,
          `${prefix}${u}@contoso.example`,
          'EVENT_CATEGORY_DOWNLOAD_FILE',
          place,
        ),
      );
    }
  }
  return docs;
}

async function queueDepth(): Promise<number> {
  return install.withServices((s) => s.stores.detection.queueDepth());
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The mass-download alerts of the workload's users, and whether each expected one exists. */
async function massDownloads(prefix: string) {
  return install.withServices(async (s) => {
    const rule = builtInRuleId(tenantId, 'massDownload');
    const expected = Array.from({ length: USERS }, (_, u) => alertId(tenantId, rule, `${prefix}${u}@contoso.example|${prefix}-u${u}-d0`));
    const present = await s.stores.alerts.existingIds(tenantId, expected);
    const all = await s.stores.alerts.matchIds(tenantId, [{ field: 'entity.policy', op: 'eq', values: [rule] }], 100_000);
    const ours = [];
    for (const id of all) {
      const row = await s.stores.alerts.get(tenantId, id);
      if (row && row.entity_keys.includes(`user:${prefix}`)) ours.push(id);
    }
    return { present: present.size, ours: ours.length };
  });
}

beforeAll(async () => {
  install = await installation();
  tenantId = install.demo.tenants.contoso.tenantId;
}, 120_000);
afterAll(async () => {
  for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) await c.stop().catch(() => undefined);
  install?.remove();
});

describe('exactly once across processes', () => {
  it('a server killed (SIGKILL) mid-evaluation loses and duplicates no alert', async () => {
    await install.withServices((s) => importJsonLines(s.stores, tenantId, 'activities', jsonl(workload('kill'))));
    const depth0 = await queueDepth();
    expect(depth0).toBeGreaterThanOrEqual(USERS * PER_USER);
    // Small batches: the evaluation spans many transactions, so the kill lands between and inside them.
    const first = await childProcess(install, [], { APPWARDEN_DETECTION_BATCH_SIZE: '20' });
    children.push(first);
    // Killed as soon as the first batches are in: on a quiet machine the whole queue drains in the
    // time a later check would take.
    await until(async () => (await queueDepth()) < depth0, 60_000);
    first.process.kill('SIGKILL');
    await new Promise((r) => first.process.once('exit', r));
    const left = await queueDepth();
    expect(left).toBeGreaterThan(0);
    const second = await childProcess(install, [], { APPWARDEN_DETECTION_BATCH_SIZE: '20' });
    children.push(second);
    await until(async () => (await queueDepth()) === 0, 90_000);
    await second.stop();
    expect(await massDownloads('kill')).toEqual({ present: USERS, ours: USERS });
  }, 240_000);

  it.runIf(postgres)(
    'two servers on one PostgreSQL database raise one alert per incident',
    async () => {
      const env = { APPWARDEN_DETECTION_BATCH_SIZE: '40', APPWARDEN_DETECTION_POLL_MS: '20' };
      // Both up first (one after the other: two cold starts at once outlast the start timeout on a
      // busy machine), then the workload arrives while both poll the queue every 20 ms.
      const pair = [await childProcess(install, [], env), await childProcess(install, [], env)];
      children.push(...pair);
      await install.withServices((s) => importJsonLines(s.stores, tenantId, 'activities', jsonl(workload('two'))));
      await until(async () => (await queueDepth()) === 0, 90_000);
      await Promise.all(pair.map((c) => c.stop()));
      expect(await massDownloads('two')).toEqual({ present: USERS, ours: USERS });
    },
    240_000,
  );
});
