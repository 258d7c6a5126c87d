import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDiscoveryJob } from '../../../../test/support/discovery-job.js';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { JobRunner } from '../../src/discovery/ingest/job-runner.js';
import type { Stores } from '../../src/store/interfaces.js';

// Usage rows and the job's state commit together: a runner that dies right when it marks its job
// done (kill -9 between two commits, before this fix) must not leave rows behind that the re-run
// adds a second time.
let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ seed: 'tenant' });
});
afterAll(() => h?.close());

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function squidLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 40; i++) {
    const t = ((h.clock.now() - 3_600_000 + i * 1000) / 1000).toFixed(3);
    const host = i % 2 ? 'www.dropbox.com:443' : 'app.box.com:443';
    lines.push(`${t}    120 10.20.0.${10 + (i % 5)} TCP_TUNNEL/200 ${1000 + i} CONNECT ${host} user${i % 3} HIER_DIRECT/203.0.113.50 -`);
  }
  return lines.join('\n');
}

const queueJob = (id: string, streamId: string) =>
  queueDiscoveryJob(h, { tenantId: h.tenantId, id, streamId, createdAt: h.clock.now() }, squidLog(), 1 << 20);

/** The stores of a process that dies the moment it marks a job finished, in or out of a transaction. */
function dyingAtFinish(stores: Stores): Stores {
  const wrap = (s: Stores): Stores => ({
    ...s,
    discovery: {
      ...s.discovery,
      jobs: Object.assign(Object.create(s.discovery.jobs) as Stores['discovery']['jobs'], {
        finish: () => Promise.reject(new Error('simulated kill -9')),
      }),
    },
    transaction: (fn) => s.transaction((tx) => fn(wrap(tx))),
  });
  return wrap(stores);
}

const totals = async (streamId: string) =>
  (await h.services.stores.discovery.usage.appTotals(h.tenantId, [streamId], 0))
    .map((t) => ({ app: t.app_id, transactions: t.transactions, bytes: t.bytes_total }))
    .sort((a, b) => a.app - b.app);

describe('discovery job: usage rows and job state in one transaction', () => {
  it('counts an upload once when the runner dies as it marks the job done and the job re-runs', async () => {
    const { discovery } = h.services;
    // Reference: the same log, processed without a crash.
    await queueJob('job-ref', 'stream-ref');
    expect(await discovery.jobs.drain()).toBe(1);
    const expected = await totals('stream-ref');
    expect(expected.length).toBeGreaterThan(0);

    await queueJob('job-crash', 'stream-crash');
    const dying = new JobRunner(dyingAtFinish(h.services.stores), discovery.storage, h.clock, silent, {
      staleMs: 60_000,
    });
    await expect(dying.drain()).rejects.toThrow();
    const crashed = await h.services.stores.discovery.jobs.get(h.tenantId, 'job-crash');
    expect(crashed).toMatchObject({ state: 'running', attempts: 1 });
    // Nothing of the dead run is visible.
    expect(await totals('stream-crash')).toEqual([]);

    // The dead runner's heartbeats stop; a live one takes the job over and runs it again.
    h.clock.advance(10 * 60_000);
    expect(await discovery.jobs.drain()).toBe(1);
    expect(await h.services.stores.discovery.jobs.get(h.tenantId, 'job-crash')).toMatchObject({ state: 'succeeded', attempts: 2 });
    expect(await totals('stream-crash')).toEqual(expected);
  });
});

describe('discovery job that the process died running', () => {
  it('is quarantined after its claims (default 2), not run again', async () => {
    const { discovery, stores } = h.services;
    await queueJob('job-poison', 'stream-poison');
    // Two processes claim it and die with it (no heartbeat, no finish).
    for (const dead of ['dead-1', 'dead-2']) {
      const now = h.clock.now();
      expect(await stores.discovery.jobs.claim(dead, now, now - 60_000, 10)).toMatchObject({ id: 'job-poison' });
      h.clock.advance(10 * 60_000);
    }
    expect(await discovery.jobs.drain()).toBe(0);
    const row = await stores.discovery.jobs.get(h.tenantId, 'job-poison');
    expect(row).toMatchObject({ state: 'failed', attempts: 2 });
    expect(row?.error).toMatch(/^The job was quarantined: processing stopped without finishing 2 times/);
    expect(await totals('stream-poison')).toEqual([]);
  });

  it('is still taken over once: one crash may have had another cause', async () => {
    const { discovery, stores } = h.services;
    await queueJob('job-once', 'stream-once');
    const now = h.clock.now();
    await stores.discovery.jobs.claim('dead-3', now, now - 60_000, 10);
    h.clock.advance(10 * 60_000);
    expect(await discovery.jobs.drain()).toBe(1);
    expect(await stores.discovery.jobs.get(h.tenantId, 'job-once')).toMatchObject({ state: 'succeeded', attempts: 2 });
  });
});
