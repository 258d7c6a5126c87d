import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { queuedJobRow } from '../../../../test/support/discovery-job.js';

// JobRunner.whenDone: what tests (and in-process tools) await instead of polling a job's status.
let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ seed: 'tenant' });
});
afterAll(() => h?.close());

// The upload's file does not exist: the job fails, which is a finish like any other.
const queued = (id: string) =>
  queuedJobRow({ id, tenantId: h.tenantId, streamId: 'stream-none', createdAt: h.clock.now(), source: 'SQUID' });

describe('JobRunner.whenDone', () => {
  it('resolves once the job has finished, and at once for a job already finished', async () => {
    const { jobs } = h.services.discovery;
    await h.services.stores.discovery.jobs.insert(queued('job-1'));
    const done = jobs.whenDone(h.tenantId, 'job-1').then(() => h.services.stores.discovery.jobs.get(h.tenantId, 'job-1'));
    expect(await jobs.drain()).toBe(1);
    expect(await done).toMatchObject({ state: 'failed', error: 'The uploaded file is no longer available.' });
    await expect(jobs.whenDone(h.tenantId, 'job-1')).resolves.toBeUndefined();
  });

  it('rejects for a job that does not exist in the tenant', async () => {
    await expect(h.services.discovery.jobs.whenDone(h.tenantId, 'no-such-job')).rejects.toThrow('no upload job no-such-job');
    await expect(h.services.discovery.jobs.whenDone('another-tenant', 'job-1')).rejects.toThrow('no upload job job-1');
  });

  it('rejects the waits still open when the runner stops', async () => {
    await h.services.stores.discovery.jobs.insert(queued('job-2'));
    const waiting = h.services.discovery.jobs.whenDone(h.tenantId, 'job-2');
    // Let whenDone's own look-up finish first: the job is still queued, so it stays open.
    await h.services.stores.discovery.jobs.get(h.tenantId, 'job-2');
    await h.services.discovery.jobs.stop();
    await expect(waiting).rejects.toThrow('job runner stopped before job job-2 finished');
  });
});
