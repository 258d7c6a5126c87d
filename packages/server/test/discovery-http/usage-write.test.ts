import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDiscoveryJob } from '../../../../test/support/discovery-job.js';
import { bearer, inProcess, TIER, type InProcessHarness } from '../../../../test/support/harness.js';
import { sortedBuckets, TrafficAggregator } from '../../src/discovery/aggregation.js';
import { writeUsage } from '../../src/discovery/ingest/usage-writer.js';

// Issue 12, "Hardening under hostile load": usage buckets must not copy the labels of their source
// IP's ranges (a range with many tags made the database grow by kilobytes per bucket), and a big
// job must not hold the event loop for the whole of its write.
let h: InProcessHarness;
let token: string;
beforeAll(async () => {
  h = await inProcess({ seed: 'demo' });
  token = await h.tokenFor();
});
afterAll(() => h?.close());

const DISTINCT_IPS = 1500;

/** One catalogued line per source IP, all in 10.0.0.0/8. */
function squidLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < DISTINCT_IPS; i++) {
    const t = ((h.clock.now() - 3_600_000 + i * 1000) / 1000).toFixed(3);
    lines.push(
      `${t}    120 10.${i >> 8}.${i & 255}.7 TCP_TUNNEL/200 ${1000 + i} CONNECT www.dropbox.com:443 user${i % 3} HIER_DIRECT/203.0.113.50 -`,
    );
  }
  return lines.join('\n');
}

async function runJob(id: string, streamId: string): Promise<void> {
  await queueDiscoveryJob(h, { tenantId: h.tenantId, id, streamId, createdAt: h.clock.now() }, squidLog(), 1 << 22);
  expect(await h.services.discovery.jobs.drain()).toBe(1);
  const job = await h.services.stores.discovery.jobs.get(h.tenantId, id);
  expect(job?.state, job?.error ?? '').toBe('succeeded');
}

/** What the stored buckets of a stream read back as (every column), in bytes of JSON. */
async function storedBytes(streamId: string): Promise<{ rows: number; bytes: number }> {
  const rows = await h.services.stores.discovery.usage.rows(h.tenantId, [streamId], 0, 100_000);
  return { rows: rows.length, bytes: rows.reduce((n, r) => n + JSON.stringify(r).length, 0) };
}

/** SQLite: the database file and its WAL (PostgreSQL: not measured here, see bench/discovery-pg-size.mjs). */
function databaseFileBytes(): number {
  return ['appwarden.sqlite', 'appwarden.sqlite-wal']
    .map((f) => path.join(h.dataDir, f))
    .filter((f) => fs.existsSync(f))
    .reduce((n, f) => n + fs.statSync(f).size, 0);
}

describe('Cloud Discovery usage writing', () => {
  it('stores buckets by reference: ranges with a thousand tags do not grow them', async () => {
    await runJob('job-plain', 'stream-plain');
    const plain = await storedBytes('stream-plain');
    expect(plain.rows).toBe(DISTINCT_IPS);

    // 20 nested ranges over 10.0.0.0/8 with 50 long custom tags each (the limits per range and per
    // tenant): every source IP of the log is labelled with 1000 tags.
    for (let r = 0; r < 20; r++) {
      const tags = Array.from({ length: 50 }, (_, i) => `hostile-tag-${r}-${i}-`.padEnd(100, 'x'));
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/v1/subnet/create_rule/',
        headers: bearer(token),
        payload: { name: `nested ${r}`, category: 1, subnets: [`10.0.0.0/${8 + r}`], tags, organization: 'Contoso' },
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const before = databaseFileBytes();
    await runJob('job-tagged', 'stream-tagged');
    const grown = databaseFileBytes() - before;
    const tagged = await storedBytes('stream-tagged');
    expect(tagged.rows).toBe(DISTINCT_IPS);
    // Same buckets, same size (stream ids differ by 1 character a row); with the tags copied into
    // each, ~100 kB a bucket.
    expect(tagged.bytes).toBeLessThan(plain.bytes * 1.1);
    if (TIER === 'sqlite') expect(grown).toBeLessThan(2_000_000);
  });

  it('gives the event loop a turn between bounded batches while a big job is written', async () => {
    const agg = new TrafficAggregator();
    const apps = [{ id: 11103 }, { id: 10489 }, { id: 20893 }, { id: 11161 }].map((a) => agg.appIdx(a as never));
    const users = Array.from({ length: 6 }, (_, i) => agg.users.idOf(`user${i}`));
    const day = Math.floor(h.clock.now() / 86_400_000) - 1;
    const ipIds = Array.from({ length: 5000 }, (_, i) => agg.ips.idOf(`10.1.${i >> 8}.${i & 255}`));
    // 5000 addresses x 6 users x 4 apps: 120 000 buckets.
    for (const ip of ipIds) for (const u of users) for (const a of apps) agg.addIds(day, a, u, ip, false, 1, 2, 3);
    const rollup = agg.exportPartial();
    rollup.order = sortedBuckets(rollup, (i) => rollup.appIds[i] !== null);
    expect(rollup.order.length).toBe(120_000);

    let last = performance.now();
    let longest = 0;
    let turns = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      turns++;
    }, 1);
    const t0 = performance.now();
    try {
      last = performance.now();
      const stored = await writeUsage(h.services.stores, h.tenantId, 'stream-big', { rollup });
      expect(stored).toBe(120_000);
    } finally {
      clearInterval(ticker);
    }
    const took = performance.now() - t0;
    const totals = await h.services.stores.discovery.usage.appTotals(h.tenantId, ['stream-big'], 0);
    expect(totals.map((t) => t.transactions)).toEqual([30_000, 30_000, 30_000, 30_000]);
    // Written in one go, the event loop stood still for the whole write (about a second here on
    // SQLite); in batches of WRITE_BATCH rows it is never held for long.
    expect(turns).toBeGreaterThan(10);
    expect(longest, `longest event-loop stall ${longest.toFixed(0)} ms of a ${took.toFixed(0)} ms write`).toBeLessThan(200);
  });
});
