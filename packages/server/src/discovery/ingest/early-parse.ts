// Early parse: the process that receives an upload (Put Blob, or the concatenation of Put Block
// List) parses the file on a worker thread while it is written, reading it back as it grows. The
// job that done_upload queues then uses that result instead of reading the file again: when the
// same process claims the job (done_upload kicks the local runner, so it normally does), only the
// tail of the parse and the storing are left. Other processes, an upload whose early parse failed
// or was superseded, or an upload submitted after EARLY_PARSE_TTL_MS parse the file as before.
// Uploads whose parser is known only at done_upload (CUSTOM_PARSER) are not parsed early.
import type { Clock } from '../../clock.js';
import type { DiscoveryUploadRow } from '../../store/discovery-schema.js';
import { ChunkPool, parseStreamRollupInWorker, parserForSource, type ParsedRollup } from '../index.js';
import type { FollowWrite } from './upload-storage.js';

/** An early result is used only by a job that starts within this time of the upload. */
export const EARLY_PARSE_TTL_MS = 10 * 60_000;
/** Uploads parsed early at the same time in one process (one worker thread each); more are parsed by their job. */
export const MAX_RUNNING_EARLY_PARSES = 2;

/** Bounds of one upload's parse (config.ts: discoveryMaxLineBytes, discoveryMaxDecompressedBytes, discoveryMaxCompressionRatio). */
export interface IngestLimits {
  maxLineBytes?: number;
  maxDecompressedBytes?: number;
  maxCompressionRatio?: number;
}

/** The options the job parses with (job-runner.ts); the early parse must use the same. */
export function uploadParseOptions(fileName: string, now: number, limits: IngestLimits = {}) {
  return { now, maxAgeDays: 90, fileName, maxSampleFailures: 20, ...limits };
}

interface Entry {
  result: Promise<ParsedRollup>;
  size: number;
  abort: AbortController;
  timer: NodeJS.Timeout;
}

export interface EarlyParseHandle {
  /** For storage.putBlob / commitBlocks. */
  follow: FollowWrite;
  /** The write succeeded with `size` bytes: keep the result for the job (replaces an older one). */
  commit(size: number): void;
  /** The write failed: stop parsing. */
  abort(): void;
}

export class EarlyParses {
  private readonly entries = new Map<string, Entry>();
  /** Counters for tests and logs. */
  readonly stats = { started: 0, used: 0, discarded: 0 };
  private running = 0;

  constructor(
    private readonly clock: Clock,
    private readonly enabled = true,
    private readonly limits: IngestLimits = {},
  ) {}

  /** A handle for an upload about to be written; undefined when it cannot be parsed early. */
  begin(upload: DiscoveryUploadRow): EarlyParseHandle | undefined {
    if (!this.enabled || this.running >= MAX_RUNNING_EARLY_PARSES || !parserForSource(upload.source)) return undefined;
    const abort = new AbortController();
    let result: Promise<ParsedRollup> | undefined;
    const options = uploadParseOptions(upload.file_name, this.clock.now(), this.limits);
    return {
      follow: (file) => {
        this.stats.started++;
        this.running++;
        const pool = new ChunkPool();
        result = parseStreamRollupInWorker(file.read(pool.size, pool.alloc), upload.source, options, {
          signal: abort.signal,
          transferInput: true,
          pool,
        });
        // Observed here; whoever takes the result sees the rejection again.
        result.catch(() => undefined).finally(() => this.running--);
      },
      commit: (size) => {
        if (!result) return;
        this.discard(upload.id);
        const timer = setTimeout(() => this.discard(upload.id), EARLY_PARSE_TTL_MS);
        timer.unref();
        this.entries.set(upload.id, { result, size, abort, timer });
      },
      abort: () => abort.abort(),
    };
  }

  /**
   * The early result of an upload whose committed blob has `size` bytes, taken out of the
   * registry; undefined when there is none (the caller parses the file).
   */
  take(uploadId: string, size: number): Promise<ParsedRollup> | undefined {
    const e = this.entries.get(uploadId);
    if (!e) return undefined;
    this.entries.delete(uploadId);
    clearTimeout(e.timer);
    if (e.size !== size) {
      e.abort.abort();
      this.stats.discarded++;
      return undefined;
    }
    this.stats.used++;
    return e.result;
  }

  /** Drops an upload's early parse (replaced, expired, removed). */
  discard(uploadId: string): void {
    const e = this.entries.get(uploadId);
    if (!e) return;
    this.entries.delete(uploadId);
    clearTimeout(e.timer);
    e.abort.abort();
    this.stats.discarded++;
  }

  discardAll(): void {
    for (const id of [...this.entries.keys()]) this.discard(id);
  }
}
