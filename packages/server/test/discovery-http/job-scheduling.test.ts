import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueDiscoveryJob } from '../../../../test/support/discovery-job.js';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { JobRunner } from '../../src/discovery/ingest/job-runner.js';

// Discovery jobs are scheduled round-robin over tenants (not global FIFO), and a run has a time budget.
let h: InProcessHarness;
let other: string;
beforeAll(async () => {
  h = await inProcess({ seed: 'tenant' });
  other = (await h.services.tenants.create({ name: 'fabrikam', displayName: 'Fabrikam' })).id;
});
afterAll(() => h?.close());

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

const queueJob = (tenantId: string, id: string, createdAt: number, content?: string) =>
  queueDiscoveryJob(h, { tenantId, id, createdAt }, content);

describe('discovery job scheduling', () => {
  it('claims round-robin over tenants: a later small upload of another tenant does not wait for a whole queue', async () => {
    const jobs = h.services.stores.discovery.jobs;
    const t = h.clock.now();
    // Contoso queues three jobs, then Fabrikam one.
    await queueJob(h.tenantId, 'a1', t);
    await queueJob(h.tenantId, 'a2', t + 1);
    await queueJob(h.tenantId, 'a3', t + 2);
    await queueJob(other, 'b1', t + 3);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      h.clock.advance(1000);
      const claimed = await jobs.claim('runner', h.clock.now(), h.clock.now() - 60_000, 2);
      order.push(claimed!.id);
      // One at a time, as a runner of concurrency 1 does.
      await jobs.finish(claimed!.id, 'runner', 'succeeded', null, null, h.clock.now());
    }
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
    expect(await jobs.claim('runner', h.clock.now(), h.clock.now() - 60_000, 2)).toBeUndefined();
  });

  it('prefers the tenant with fewer jobs running over the one claimed less recently', async () => {
    const jobs = h.services.stores.discovery.jobs;
    const t = h.clock.now();
    await queueJob(h.tenantId, 'c1', t);
    await queueJob(h.tenantId, 'c2', t + 1);
    await queueJob(other, 'd1', t + 2);
    await queueJob(other, 'd2', t + 3);
    const claim = async (worker: string) => {
      h.clock.advance(1000);
      return (await jobs.claim(worker, h.clock.now(), h.clock.now() - 60_000, 2))?.id;
    };
    // Fabrikam was claimed least recently (b1 above), then Contoso, which has none running.
    expect(await claim('r1')).toBe('d1');
    expect(await claim('r2')).toBe('c1');
    await jobs.finish('c1', 'r2', 'succeeded', null, null, h.clock.now());
    // Fabrikam's last claim is older, but d1 still runs and Contoso has none running.
    expect(await claim('r3')).toBe('c2');
    expect(await claim('r4')).toBe('d2');
    for (const [id, w] of [
      ['d1', 'r1'],
      ['c2', 'r3'],
      ['d2', 'r4'],
    ] as const)
      await jobs.finish(id, w, 'succeeded', null, null, h.clock.now());
  });

  it('fails a job that runs past its time budget, with a clear error, and stores nothing', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ts = ((h.clock.now() - 3_600_000 + i) / 1000).toFixed(3);
      lines.push(`${ts}    120 10.20.0.${i % 200} TCP_TUNNEL/200 1000 CONNECT www.dropbox.com:443 user${i % 7} HIER_DIRECT/203.0.113.50 -`);
    }
    await queueJob(h.tenantId, 'slow', h.clock.now(), lines.join('\n'));
    const runner = new JobRunner(h.services.stores, h.services.discovery.storage, h.clock, silent, {
      timeBudgetMs: 1,
    });
    expect(await runner.drain()).toBe(1);
    const row = await h.services.stores.discovery.jobs.get(h.tenantId, 'slow');
    expect(row).toMatchObject({ state: 'failed', error: 'The job was stopped: it exceeded its time budget of 0 seconds.' });
    expect(await h.services.stores.discovery.usage.appTotals(h.tenantId, ['stream-slow'], 0)).toEqual([]);
  });
});
