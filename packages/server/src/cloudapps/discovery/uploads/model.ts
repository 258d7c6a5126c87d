import type { JobInput, JobResult } from '../../../discovery/ingest/job-runner.js';
import type { DiscoveryJobRow } from '../../../store/discovery-schema.js';

/** Where upload URLs point (an Azure-blob-compatible endpoint of Appwarden itself). */
export const UPLOAD_PATH = '/blob/discovery-uploads';
/** How long an upload URL accepts the file. */
export const UPLOAD_URL_LIFETIME_MS = 24 * 3_600_000;
/** The x-ms-version the upload endpoint answers with and the URL's SAS-style `sv`. */
export const BLOB_API_VERSION = '2025-11-05';

/** An upload job as `upload_jobs` answers it. */
export function jobJson(row: DiscoveryJobRow) {
  const input = JSON.parse(row.input) as JobInput;
  const result = row.result === null ? null : (JSON.parse(row.result) as JobResult);
  return {
    _id: row.id,
    status: row.state,
    streamId: row.stream_id,
    fileName: input.fileName,
    source: input.source,
    uploadAsSnapshot: input.snapshot,
    created: row.created_at,
    started: row.started_at,
    finished: row.finished_at,
    attempts: row.attempts,
    error: row.error,
    result,
  };
}
