import { Readable } from 'node:stream';
import type { DiscoveryJobRow } from '../../packages/server/src/store/discovery-schema.js';
import type { InProcessHarness } from './harness.js';

export interface QueuedJob {
  id: string;
  tenantId: string;
  /** Default `stream-<id>`. */
  streamId?: string;
  createdAt: number;
  /** Default SQUID_NATIVE. */
  source?: string;
}

/** A queued Cloud Discovery job row for upload `upload-<id>` (file proxy.log), as done_upload stores it. */
export function queuedJobRow(job: QueuedJob): DiscoveryJobRow {
  const uploadId = `upload-${job.id}`;
  return {
    id: job.id,
    tenant_id: job.tenantId,
    upload_id: uploadId,
    stream_id: job.streamId ?? `stream-${job.id}`,
    state: 'queued',
    input: JSON.stringify({ uploadId, fileName: 'proxy.log', source: job.source ?? 'SQUID_NATIVE', snapshot: false }),
    result: null,
    error: null,
    attempts: 0,
    created_at: job.createdAt,
    started_at: null,
    heartbeat_at: null,
    finished_at: null,
    claimed_by: null,
  };
}

/** Stores `content` as the job's upload (when given) and queues the job, for the runner to claim. */
export async function queueDiscoveryJob(h: InProcessHarness, job: QueuedJob, content?: string, maxBytes = 1 << 26): Promise<void> {
  if (content !== undefined) {
    await h.services.discovery.storage.putBlob(`upload-${job.id}`, Readable.from([Buffer.from(content)]), maxBytes);
  }
  await h.services.stores.discovery.jobs.insert(queuedJobRow(job));
}
