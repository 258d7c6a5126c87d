import { uploadToBlobUrl, sizeOf, type UploadData } from './blob-upload.js';
import type { DiscoveredAppFilters, DiscoveryCategoryFilters } from './filters.js';
import { listBySkip, withSignal, type SortDirection } from './list-request.js';
import type { DataSourceInput, DiscoveredApp, DiscoveryCategory, DiscoveryDataSource, DiscoveryStream, UploadUrl } from './models.js';
import { pagedIterator, skipFromToken, skipPage, type ListEnvelope, type PagedAsyncIterableIterator } from './paging.js';
import { abortableSleep, type RequestPipeline } from './request-pipeline.js';

/** The three steps of an upload, reported to `onProgress`. */
export type UploadStep = 'initiate' | 'upload' | 'finalize' | 'done';

export interface UploadProgress {
  step: UploadStep;
  loadedBytes: number;
  totalBytes: number | undefined;
}

export interface UploadOptions {
  /** Log-type name of the appliance, e.g. `SQUID`, `PALO_ALTO`, `GENERIC_CEF` (reference §8.15). */
  source: string;
  /**
   * Data source (continuous report) name; with `snapshot`, the name of the snapshot report. With
   * `source: 'CUSTOM_PARSER'`, the data source whose custom parser reads the file (Appwarden).
   */
  streamName: string;
  snapshot?: boolean;
  /** File name sent to `upload_url` (default `upload.log`). */
  filename?: string;
  blockSize?: number;
  totalBytes?: number;
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

export interface UploadResult {
  uploadUrl: string;
  provider: string;
  /** What `done_upload` answered (Appwarden: the job it started). */
  response: unknown;
  /** Appwarden: the processing job (`getUploadJob`, `waitForUploadJob`); the real service reports none. */
  jobId?: string;
}

/** Appwarden's processing job of an upload (not part of Microsoft's API). */
export interface UploadJob {
  _id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | string;
  streamId?: string;
  fileName?: string;
  source?: string;
  error?: string | null;
  /** Lines read, parsed, skipped (with samples), bytes, matched apps... when finished. */
  result?: Record<string, unknown> | null;
  [key: string]: unknown;
}

const FINISHED_JOB_STATES = new Set(['succeeded', 'failed']);

export type DiscoveredAppSortField =
  'name' | 'usersCount' | 'ipAddressesCount' | 'lastUsed' | 'trafficUploadedBytes' | 'trafficTotalEvents';

export interface DiscoveredAppsOptions {
  streamId: string;
  /** Days: 7, 30 or 90. */
  timeframe?: 7 | 30 | 90;
  /** `SAASDB_CATEGORY_<X>` */
  category?: string;
  filters?: DiscoveredAppFilters;
  sortField?: DiscoveredAppSortField;
  sortDirection?: SortDirection;
  maxPageSize?: number;
  signal?: AbortSignal;
}

export interface CategoriesOptions {
  streamId: string;
  timeFrame?: 7 | 30 | 90;
  filters?: DiscoveryCategoryFilters;
  sortField?: 'score';
  sortDirection?: SortDirection;
  skip?: number;
  limit?: number;
  signal?: AbortSignal;
}

/** Block-script appliance codes (reference §8.17). */
export const BLOCK_SCRIPT_FORMATS = {
  BLUECOAT: 102,
  CISCO_ASA: 104,
  FORTIGATE: 108,
  PALO_ALTO: 112,
  ZSCALER: 120,
  JUNIPER_SRX: 129,
  WEBSENSE: 135,
} as const;

/** Cloud Discovery: log upload, continuous reports, discovered apps, categories, block scripts (reference §6.6). */
export class DiscoveryOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  /** Step 1: a URL to upload one log file to. */
  getUploadUrl(filename: string, source: string, options: { signal?: AbortSignal } = {}): Promise<UploadUrl> {
    return this.pipeline.send<UploadUrl>({
      method: 'GET',
      url: '/api/v1/discovery/upload_url/',
      query: { filename, source },
      ...withSignal(options.signal),
    });
  }

  /** Step 3: tells the service the file is there; processing then runs asynchronously. */
  finishUpload(
    body: { uploadUrl: string; inputStreamName: string; uploadAsSnapshot?: boolean },
    options: { signal?: AbortSignal } = {},
  ): Promise<unknown> {
    // Not idempotent: a repeat could process the log twice.
    return this.pipeline.send<unknown>({
      method: 'POST',
      url: '/api/v1/discovery/done_upload/',
      json: body,
      idempotent: false,
      ...withSignal(options.signal),
    });
  }

  /** The three steps: upload_url, the blob upload (in blocks), done_upload. */
  async upload(data: UploadData, options: UploadOptions): Promise<UploadResult> {
    const total = options.totalBytes ?? sizeOf(data);
    const report = (step: UploadStep, loadedBytes: number) => options.onProgress?.({ step, loadedBytes, totalBytes: total });
    report('initiate', 0);
    const target = await this.getUploadUrl(options.filename ?? 'upload.log', options.source, withSignal(options.signal));
    if (target.provider && target.provider !== 'azure') {
      throw new Error(`upload provider '${target.provider}' is not supported (only azure)`);
    }
    await uploadToBlobUrl(this.pipeline, target.url, data, {
      ...(options.blockSize !== undefined ? { blockSize: options.blockSize } : {}),
      ...(total !== undefined ? { totalBytes: total } : {}),
      onProgress: (loaded) => report('upload', loaded),
      ...withSignal(options.signal),
    });
    const uploaded = total ?? 0;
    report('finalize', uploaded);
    const response = await this.finishUpload(
      { uploadUrl: target.url, inputStreamName: options.streamName, ...(options.snapshot ? { uploadAsSnapshot: true } : {}) },
      withSignal(options.signal),
    );
    report('done', uploaded);
    const jobId = (response as { jobId?: unknown } | undefined)?.jobId;
    return { uploadUrl: target.url, provider: target.provider ?? 'azure', response, ...(typeof jobId === 'string' ? { jobId } : {}) };
  }

  /** Uploads a file from disk (Node only), streaming it block by block. */
  async uploadFile(path: string, options: Omit<UploadOptions, 'totalBytes'> & { filename?: string }): Promise<UploadResult> {
    const fs = await import('node:fs');
    const nodePath = await import('node:path');
    const { size } = await fs.promises.stat(path);
    const stream = fs.createReadStream(path, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>;
    return this.upload(stream, { ...options, filename: options.filename ?? nodePath.basename(path), totalBytes: size });
  }

  /** Appwarden: the status and result of the job an upload started. */
  getUploadJob(jobId: string, options: { signal?: AbortSignal } = {}): Promise<UploadJob> {
    return this.pipeline.send<UploadJob>({
      method: 'GET',
      url: `/api/v1/discovery/upload_jobs/${encodeURIComponent(jobId)}/`,
      ...withSignal(options.signal),
    });
  }

  /** Appwarden: polls the job until it succeeded or failed; `onStatus` sees every answer. */
  async waitForUploadJob(
    jobId: string,
    options: { intervalMs?: number; onStatus?: (job: UploadJob) => void; signal?: AbortSignal } = {},
  ): Promise<UploadJob> {
    for (;;) {
      const job = await this.getUploadJob(jobId, withSignal(options.signal));
      options.onStatus?.(job);
      if (FINISHED_JOB_STATES.has(job.status)) return job;
      await abortableSleep(options.intervalMs ?? 1000, options.signal);
    }
  }

  /** Continuous reports (data sources), the "Global View" included. Note the path has no /v1/. */
  async streams(options: { signal?: AbortSignal } = {}): Promise<DiscoveryStream[]> {
    const r = await this.pipeline.send<unknown>({ method: 'GET', url: '/api/discovery/streams/', ...withSignal(options.signal) });
    if (Array.isArray(r)) return r as DiscoveryStream[];
    if (r && typeof r === 'object' && Array.isArray((r as { streams?: unknown }).streams))
      return (r as { streams: DiscoveryStream[] }).streams;
    if (r && typeof r === 'object' && Array.isArray((r as { data?: unknown }).data)) return (r as { data: DiscoveryStream[] }).data;
    return r && typeof r === 'object' ? [r as DiscoveryStream] : [];
  }

  /** Data sources (syslog receivers), newest first. */
  dataSources(options: { maxPageSize?: number; signal?: AbortSignal } = {}): PagedAsyncIterableIterator<DiscoveryDataSource> {
    // GET with skip/limit in the query: a POST to this path creates a data source.
    return pagedIterator<DiscoveryDataSource>(
      async (settings) => {
        const skip = skipFromToken(settings.continuationToken);
        const env = await this.pipeline.send<ListEnvelope<DiscoveryDataSource>>({
          method: 'GET',
          url: '/api/v1/discovery/data_sources/',
          query: { skip, limit: settings.maxPageSize ?? 100 },
          ...withSignal(options.signal),
        });
        return skipPage(env, skip);
      },
      options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {},
    );
  }

  getDataSource(id: string, options: { signal?: AbortSignal } = {}): Promise<DiscoveryDataSource> {
    return this.pipeline.send<DiscoveryDataSource>({
      method: 'GET',
      url: `/api/v1/discovery/data_sources/${encodeURIComponent(id)}/`,
      ...withSignal(options.signal),
    });
  }

  /** Creates a data source (and its receiver). Not retried after a 5xx: it could create it twice. */
  createDataSource(input: DataSourceInput, options: { signal?: AbortSignal } = {}): Promise<DiscoveryDataSource> {
    return this.pipeline.send<DiscoveryDataSource>({
      method: 'POST',
      url: '/api/v1/discovery/data_sources/',
      // receiverType is the family of receiverTypeFull (ftp and ftps name themselves, as the MCAS PowerShell module sends them).
      json: {
        receiverType: input.receiverTypeFull === 'ftp' || input.receiverTypeFull === 'ftps' ? input.receiverTypeFull : 'syslog',
        ...input,
      },
      idempotent: false,
      ...withSignal(options.signal),
    });
  }

  /** Deletes a data source: closes its receiver and drops its report data. */
  async deleteDataSource(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({
      method: 'DELETE',
      url: `/api/v1/discovery/data_sources/${encodeURIComponent(id)}/`,
      ...withSignal(options.signal),
    });
  }

  /** Discovered apps of a continuous report. */
  apps(options: DiscoveredAppsOptions): PagedAsyncIterableIterator<DiscoveredApp> {
    const extra: Record<string, unknown> = { streamId: options.streamId, timeframe: options.timeframe ?? 30 };
    if (options.category) extra.category = options.category;
    return listBySkip<DiscoveredApp>(this.pipeline, '/api/v1/discovery/discovered_apps/', options, extra);
  }

  /** Categories of a continuous report with their number of apps (a bare array). */
  categories(options: CategoriesOptions): Promise<DiscoveryCategory[]> {
    const { signal, ...body } = options;
    return this.pipeline.send<DiscoveryCategory[]>({
      method: 'POST',
      url: '/api/v1/discovery/discovered_apps/categories/',
      json: body,
      idempotent: true,
      ...withSignal(signal),
    });
  }

  /** A block script for an appliance (`format` code or name), as plain text. */
  blockScript(options: {
    format: number | keyof typeof BLOCK_SCRIPT_FORMATS;
    type?: 'banned' | 'allowed';
    signal?: AbortSignal;
  }): Promise<string> {
    const format = typeof options.format === 'number' ? options.format : BLOCK_SCRIPT_FORMATS[options.format];
    return this.pipeline.send<string>({
      method: 'GET',
      url: '/api/discovery_block_scripts/',
      query: { format, type: options.type ?? 'banned' },
      headers: { accept: 'text/plain, */*' },
      responseType: 'text',
      ...withSignal(options.signal),
    });
  }
}
