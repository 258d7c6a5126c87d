// Runs parseStream on a worker thread so a large upload does not block the event loop.
// The parent streams the input to the worker as transferred chunks and keeps at most
// `maxChunksInFlight` unacknowledged, so memory stays bounded when the worker is slower than
// the source. Options must be structured-cloneable: pass `catalog` (apps as data), not a matcher.
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { rollupRows, type PartialRollup } from './aggregation.js';
import { DiscoveryInputError, type DiscoveryInputErrorCode, type ParseStreamResult } from './parse-stream.js';
import type { WorkerInbound, WorkerInit, WorkerOutbound } from './parse-worker.js';

export interface WorkerParseOptions {
  /** Override the worker script (tests, bundlers). */
  workerUrl?: URL;
  maxChunksInFlight?: number;
  signal?: AbortSignal;
  /**
   * The input's chunks are the caller's to give away: a chunk that spans its whole ArrayBuffer
   * is transferred to the worker instead of copied (no second copy, no garbage left here).
   */
  transferInput?: boolean;
  /** With transferInput: the worker hands each whole chunk back when parsed, into this pool. */
  pool?: ChunkPool;
}

/**
 * Input buffers of one size, handed back by the parse worker (WorkerParseOptions.pool) and
 * reused by the reader (UploadStorage.read / openBlob `alloc`): the reading thread allocates
 * about `max` buffers for a whole file instead of one per chunk left to the worker's GC.
 */
export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];
  constructor(
    readonly size = 1 << 20,
    private readonly max = 16,
  ) {}
  /** A buffer of n bytes: a pooled one when n is the pool's size. */
  readonly alloc = (n: number): Buffer => {
    const ab = n === this.size ? this.free.pop() : undefined;
    return ab ? Buffer.from(ab) : Buffer.allocUnsafeSlow(n);
  };
  /** Buffers ready for reuse. */
  get available(): number {
    return this.free.length;
  }
  give(buffer: ArrayBuffer): void {
    if (buffer.byteLength === this.size && this.free.length < this.max) this.free.push(buffer);
  }
}

/**
 * The compiled worker script. When this module runs from TypeScript sources (vitest), the
 * worker still has to be JavaScript, so the built file under dist/ is used.
 */
export function defaultWorkerUrl(): URL {
  const sibling = new URL('./parse-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  return new URL(sibling.href.replace('/src/discovery/', '/dist/discovery/'));
}

const YOUNG_GENERATION_MB = 4;

/** A parse result whose buckets are still in compact form (see parseStreamRollupInWorker). */
export interface ParsedRollup {
  result: Omit<ParseStreamResult, 'aggregates'>;
  /** One aggregator's buckets (unique keys): rows via rollupRows / sortedBuckets + rollupRow. */
  rollup: PartialRollup;
}

export async function parseStreamInWorker(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  format: number | string,
  options: WorkerInit['options'] = {},
  workerOptions: WorkerParseOptions = {},
): Promise<ParseStreamResult> {
  const { result, rollup } = await parseStreamRollupInWorker(input, format, options, workerOptions);
  return { ...result, aggregates: rollupRows(rollup) };
}

/**
 * parseStreamInWorker without building the rows: the worker's rollup as it was transferred
 * (typed arrays and string tables). A caller that stores the buckets builds rows a slice at a
 * time from it (usage-writer.ts) instead of holding one object per bucket.
 */
export function parseStreamRollupInWorker(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  format: number | string,
  options: WorkerInit['options'] = {},
  workerOptions: WorkerParseOptions = {},
): Promise<ParsedRollup> {
  const maxInFlight = workerOptions.maxChunksInFlight ?? 8;
  const worker = new Worker(workerOptions.workerUrl ?? defaultWorkerUrl(), {
    // A small young generation: scavenges run sooner and free the input chunks (external
    // memory) of the worker earlier; peak RSS of a 256 MB upload job -10 MB, same speed.
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    workerData: { format, options, returnChunks: !!(workerOptions.pool && workerOptions.transferInput) } satisfies WorkerInit,
  });
  let inFlight = 0;
  let resume: (() => void) | undefined;
  let settled = false;

  return new Promise<ParsedRollup>((resolve, reject) => {
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      resume?.();
      fn();
      void worker.terminate();
    };
    const onAbort = (): void => worker.postMessage({ type: 'abort' } satisfies WorkerInbound);
    workerOptions.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (msg: WorkerOutbound) => {
      if (msg.type === 'release') {
        workerOptions.pool?.give(msg.buffer);
      } else if (msg.type === 'ack') {
        inFlight--;
        const r = resume;
        resume = undefined;
        r?.();
      } else if (msg.type === 'result') {
        finish(() => resolve({ result: msg.result, rollup: msg.rollup }));
      } else {
        const err =
          msg.code !== undefined && msg.name === 'DiscoveryInputError'
            ? new DiscoveryInputError(msg.code as DiscoveryInputErrorCode, msg.message)
            : Object.assign(new Error(msg.message), { name: msg.name });
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`parse worker exited with code ${code}`))));

    void (async () => {
      try {
        for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
          if (settled) return;
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
          let copy: Uint8Array;
          if (
            workerOptions.transferInput &&
            bytes.byteOffset === 0 &&
            bytes.byteLength === bytes.buffer.byteLength &&
            bytes.buffer instanceof ArrayBuffer
          ) {
            copy = bytes;
          } else {
            // Copy into a fresh buffer: pooled Buffers share memory that cannot be transferred.
            copy = new Uint8Array(bytes.byteLength);
            copy.set(bytes);
          }
          inFlight++;
          worker.postMessage({ type: 'chunk', data: copy } satisfies WorkerInbound, [copy.buffer as ArrayBuffer]);
          while (inFlight >= maxInFlight && !settled) await new Promise<void>((r) => (resume = r));
        }
        if (!settled) worker.postMessage({ type: 'end' } satisfies WorkerInbound);
      } catch (err) {
        finish(() => reject(err as Error));
      }
    })();
  });
}
