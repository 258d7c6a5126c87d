import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficAggregator } from '../../src/discovery/aggregation.js';
import { writeUsage } from '../../src/discovery/ingest/usage-writer.js';
import type { DiscoveryJobRow } from '../../src/store/discovery-schema.js';
import type { Stores } from '../../src/store/interfaces.js';
import { storesOnly, TIER, type StoresHarness } from '../../../../test/support/harness.js';

// The discovery stores on the backend of this run (STORE=postgres or SQLite): the same Kysely
// classes serve both, so the SQL they emit must hold on each.
let h: StoresHarness;
let stores: Stores;
const TENANT = 'tenant-discovery-stores';

beforeAll(async () => {
  h = await storesOnly();
  stores = h.stores;
  await stores.tenants.insert({
    id: TENANT,
    name: 'discovery',
    domain: 'discovery.example',
    display_name: 'Discovery',
    created_at: 1,
    settings: '{}',
  });
});
afterAll(() => h?.close());

const job = (id: string, created: number): DiscoveryJobRow => ({
  id,
  tenant_id: TENANT,
  upload_id: `u-${id}`,
  stream_id: 's',
  state: 'queued',
  input: '{}',
  result: null,
  error: null,
  attempts: 0,
  created_at: created,
  started_at: null,
  heartbeat_at: null,
  finished_at: null,
  claimed_by: null,
});

describe(`discovery stores (${TIER === 'postgres' ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('usage buckets add up on conflict; per-app totals count distinct users and IPs', async () => {
    const row = {
      tenant_id: TENANT,
      stream_id: 's1',
      day: 86_400_000,
      app_id: 11627,
      user_name: 'alice',
      ip: '10.0.0.1',
      transactions: 2,
      blocked: 1,
      bytes_up: 10,
      bytes_down: 20,
      bytes_total: 30,
    };
    await stores.discovery.usage.add([row, { ...row, user_name: '', ip: '10.0.0.2' }, { ...row, app_id: 10489 }]);
    await stores.discovery.usage.add([{ ...row, transactions: 3, bytes_total: 5_000_000_000 }]);
    const totals = (await stores.discovery.usage.appTotals(TENANT, ['s1'], 0)).sort((a, b) => a.app_id - b.app_id);
    expect(totals).toEqual([
      {
        app_id: 10489,
        transactions: 2,
        blocked: 1,
        bytes_up: 10,
        bytes_down: 20,
        bytes_total: 30,
        users: 1,
        ips: 1,
        first_day: 86_400_000,
        last_day: 86_400_000,
      },
      {
        app_id: 11627,
        transactions: 7,
        blocked: 3,
        bytes_up: 30,
        bytes_down: 60,
        bytes_total: 5_000_000_060,
        users: 1,
        ips: 2,
        first_day: 86_400_000,
        last_day: 86_400_000,
      },
    ]);
    const [first] = await stores.discovery.usage.rows(TENANT, ['s1'], 0, 10);
    expect(first).toBeDefined();
    expect(await stores.discovery.usage.deleteBefore(2 * 86_400_000)).toBe(3);
  });

  it('each queued job is claimed exactly once by concurrent claimers; stale running jobs are taken over', async () => {
    for (let i = 0; i < 20; i++) await stores.discovery.jobs.insert(job(`j${String(i).padStart(2, '0')}`, 1000 + i));
    const claimed: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, w) => {
        for (;;) {
          const j = await stores.discovery.jobs.claim(`w${w}`, 5000, 0, 3);
          if (!j) return;
          expect(j).toMatchObject({ state: 'running', claimed_by: `w${w}`, attempts: 1 });
          claimed.push(j.id);
        }
      }),
    );
    expect(claimed.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `j${String(i).padStart(2, '0')}`));
    expect(await stores.discovery.jobs.finish('j00', 'someone-else', 'succeeded', '{}', null, 6000)).toBe(false);
    expect(
      await stores.discovery.jobs.finish(
        'j00',
        claimed.length ? (await stores.discovery.jobs.get(TENANT, 'j00'))!.claimed_by! : '',
        'succeeded',
        '{}',
        null,
        6000,
      ),
    ).toBe(true);
    // Heartbeats older than staleBefore: another worker takes the job over.
    const taken = await stores.discovery.jobs.claim('rescuer', 9000, 6000, 3);
    expect(taken).toMatchObject({ state: 'running', claimed_by: 'rescuer', attempts: 2 });
  });

  it('IP ranges: unique names per tenant, version moves on every change', async () => {
    const base = {
      tenant_id: TENANT,
      category: 1,
      subnets: '[]',
      organization: null,
      override_organization: 0,
      tags: '[]',
      location: null,
      created_at: 1,
    };
    const v0 = await stores.discovery.ipRanges.version(TENANT);
    await stores.discovery.ipRanges.insert({ ...base, id: 'a'.repeat(24), name: 'one', last_modified: 1 });
    const v1 = await stores.discovery.ipRanges.version(TENANT);
    await expect(stores.discovery.ipRanges.insert({ ...base, id: 'b'.repeat(24), name: 'one', last_modified: 1 })).rejects.toThrow(
      /unique|duplicate/i,
    );
    expect(await stores.discovery.ipRanges.replace({ ...base, id: 'a'.repeat(24), name: 'uno', last_modified: 2 })).toBe(true);
    const v2 = await stores.discovery.ipRanges.version(TENANT);
    expect(await stores.discovery.ipRanges.delete(TENANT, 'a'.repeat(24))).toBe(true);
    const v3 = await stores.discovery.ipRanges.version(TENANT);
    expect(v1).not.toBe(v0);
    expect(v2).not.toBe(v1);
    expect(v3).not.toBe(v2);
    await stores.discovery.ipRanges.insertTag({ tenant_id: TENANT, id: 'c'.repeat(24), name: 'x', created_at: 1 });
    await stores.discovery.ipRanges.insertTag({ tenant_id: TENANT, id: 'd'.repeat(24), name: 'x', created_at: 1 });
    expect((await stores.discovery.ipRanges.listTags(TENANT)).map((t) => t.id)).toEqual(['c'.repeat(24)]);
  });

  it('usage from a compact rollup is stored as from its rows (same buckets, several batches)', async () => {
    // 12k buckets over 3 days, 4 apps and no app, users with and without name, unsorted insertion.
    const agg = new TrafficAggregator();
    const apps = [undefined, { id: 11103 }, { id: 10489 }, { id: 20893 }, { id: 11161 }].map((a) => agg.appIdx(a as never));
    let x = 12345;
    const rnd = (n: number): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
    for (let i = 0; i < 40_000; i++) {
      const user = rnd(5) === 0 ? -1 : agg.users.idOf(`user${rnd(900)}`);
      const ip = agg.ips.idOf(`10.${rnd(3)}.${rnd(20)}.${rnd(40)}`);
      agg.addIds(20_000 + rnd(3), apps[rnd(apps.length)]!, user, ip, rnd(10) === 0, rnd(1000), rnd(5000), rnd(6000));
    }
    const rows = agg.rows();
    expect(rows.length).toBeGreaterThan(10_000);
    const fromRows = await writeUsage(stores, TENANT, 'usage-rows', { aggregates: rows });
    const fromRollup = await writeUsage(stores, TENANT, 'usage-rollup', { rollup: agg.exportPartial() });
    expect(fromRollup).toBe(fromRows);
    expect(fromRows).toBe(rows.filter((r) => r.appId !== null).length);
    const strip = <T extends { stream_id: string }>(list: T[]) => list.map(({ stream_id: _, ...r }) => r);
    const a = await stores.discovery.usage.rows(TENANT, ['usage-rows'], 0, 100_000);
    const b = await stores.discovery.usage.rows(TENANT, ['usage-rollup'], 0, 100_000);
    expect(a).toHaveLength(fromRows);
    expect(strip(b)).toEqual(strip(a));
    // The same rows added outside a transaction (SQLite: the query builder's multi-row upsert, not
    // the prepared statement), and once more inside one: counters add up the same way.
    const plain = a.map((r) => ({ ...r, stream_id: 'usage-plain' }));
    await stores.discovery.usage.add(plain);
    const c = await stores.discovery.usage.rows(TENANT, ['usage-plain'], 0, 100_000);
    expect(strip(c)).toEqual(strip(a));
    await writeUsage(stores, TENANT, 'usage-rollup', { rollup: agg.exportPartial() });
    const twice = await stores.discovery.usage.rows(TENANT, ['usage-rollup'], 0, 100_000);
    expect(strip(twice)).toEqual(
      strip(a).map((r) => ({
        ...r,
        transactions: r.transactions * 2,
        blocked: r.blocked * 2,
        bytes_up: r.bytes_up * 2,
        bytes_down: r.bytes_down * 2,
        bytes_total: r.bytes_total * 2,
      })),
    );
  });
});
