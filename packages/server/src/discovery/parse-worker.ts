// Worker-thread entry for parseStreamInWorker (see parse-in-worker.ts). Receives the input as
// transferred chunks, acknowledges each one when the pipeline pulls it (the parent's
// backpressure), and posts back the plain-data result or an error.
import { parentPort, workerData } from 'node:worker_threads';
import { sortedBuckets, TrafficAggregator, type PartialRollup } from './aggregation.js';
import { LineProcessor, type LineFailure } from './line-processor.js';
import { parseStreamRollup, resolveOptions, type ParseStreamOptions, type ParseStreamResult } from './parse-stream.js';
import type { FastPathState } from './parsers/squid-native-fast.js';

export type WorkerInbound = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'abort' };
export type WorkerOutbound =
  | { type: 'ack' }
  /** A whole input buffer the parse is done with, transferred back (WorkerInit.returnChunks). */
  | { type: 'release'; buffer: ArrayBuffer }
  /** The result without its rows, and the rollup in transferable form (the parent builds the rows). */
  | { type: 'result'; result: Omit<ParseStreamResult, 'aggregates'>; rollup: PartialRollup }
  | { type: 'error'; name: string; message: string; code?: string };

export interface WorkerInit {
  format: number | string;
  options: Omit<ParseStreamOptions, 'matcher' | 'signal' | 'onChunkDone'>;
  /**
   * Stream mode: transfer each received buffer back once it has been parsed, so that its memory is
   * reused by the caller at once instead of waiting for this thread's GC (the byte-level parser
   * allocates so little that tens of MB of spent chunks used to pile up before a scavenge).
   */
  returnChunks?: boolean;
  /** `batches`: parse line-aligned batches of a larger input (parseStreamParallel). */
  mode?: 'stream' | 'batches';
}

/** parseStreamParallel -> worker. */
export type BatchInbound = { type: 'batch'; seq: number; data: Uint8Array; newFile: boolean; atFileStart: boolean } | { type: 'end' };

/** Worker -> parseStreamParallel. */
export type BatchOutbound =
  | { type: 'batchDone'; seq: number; lines: number; failures: LineFailure[]; buffer: ArrayBuffer }
  | { type: 'partial'; rollup: PartialRollup; span: FastPathState; ignored: number; failed: number }
  | { type: 'error'; name: string; message: string; code?: string };

/** Positions (for first-seen order of unknown destinations) are seq * 2^24 + line in batch. */
export const POSITIONS_PER_BATCH = 2 ** 24;

function runBatches(port: NonNullable<typeof parentPort>, init: WorkerInit): void {
  try {
    const o = resolveOptions(init.format, init.options);
    // Exact merge of the capped unknown-destination list needs every key with its first position.
    const aggregator = new TrafficAggregator({ maxUnclassifiedKeys: 1_000_000 });
    const processor = new LineProcessor({ ...o, aggregator, fastPath: init.options.fastPath !== false });
    port.on('message', (msg: BatchInbound) => {
      if (msg.type === 'batch') {
        processor.begin(msg.newFile, msg.atFileStart, msg.seq * POSITIONS_PER_BATCH);
        processor.push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
        processor.end();
        port.postMessage(
          {
            type: 'batchDone',
            seq: msg.seq,
            lines: processor.lineNo,
            failures: processor.failures,
            buffer: msg.data.buffer as ArrayBuffer,
          } satisfies BatchOutbound,
          // The batch buffer goes back to the parent's pool (nothing here refers to it any more).
          [msg.data.buffer as ArrayBuffer],
        );
      } else {
        const rollup = aggregator.exportPartial();
        port.postMessage(
          {
            type: 'partial',
            rollup,
            span: processor.span,
            ignored: processor.ignored,
            failed: processor.failed,
          } satisfies BatchOutbound,
          [rollup.keys.buffer as ArrayBuffer, rollup.counts.buffer as ArrayBuffer],
        );
      }
    });
  } catch (err) {
    const e = err as { name?: string; message?: string; code?: unknown };
    const out: BatchOutbound = { type: 'error', name: e.name ?? 'Error', message: e.message ?? String(err) };
    if (typeof e.code === 'string') out.code = e.code;
    port.postMessage(out);
  }
}

const port = parentPort;
if (port && (workerData as WorkerInit).mode === 'batches') runBatches(port, workerData as WorkerInit);
else if (port) {
  const init = workerData as WorkerInit;
  const queue: (Uint8Array | null)[] = [];
  /** Buffers received from the parent (only these are handed back). */
  const received = new WeakSet<ArrayBuffer>();
  const onChunkDone = init.returnChunks
    ? (chunk: Buffer): void => {
        const buffer = chunk.buffer as ArrayBuffer;
        if (chunk.byteOffset !== 0 || chunk.byteLength !== buffer.byteLength || !received.has(buffer)) return;
        received.delete(buffer);
        port.postMessage({ type: 'release', buffer } satisfies WorkerOutbound, [buffer]);
      }
    : undefined;
  let wake: (() => void) | undefined;
  const controller = new AbortController();

  port.on('message', (msg: WorkerInbound) => {
    if (msg.type === 'chunk') {
      received.add(msg.data.buffer as ArrayBuffer);
      queue.push(msg.data);
    } else if (msg.type === 'end') queue.push(null);
    else controller.abort();
    wake?.();
  });

  async function* chunks(): AsyncGenerator<Buffer> {
    for (;;) {
      while (queue.length === 0) {
        if (controller.signal.aborted) return;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const c = queue.shift()!;
      if (c === null) return;
      port!.postMessage({ type: 'ack' } satisfies WorkerOutbound);
      yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    }
  }

  parseStreamRollup(chunks(), init.format, { ...init.options, signal: controller.signal, ...(onChunkDone ? { onChunkDone } : {}) }).then(
    ({ result, aggregator }) => {
      // Typed arrays are transferred; cloning hundreds of thousands of row objects would cost
      // time and a copy of them on each side.
      const rollup = aggregator.exportPartial();
      // Row order for the store, sorted here rather than on the parent's event loop.
      rollup.order = sortedBuckets(rollup, (appIdx) => rollup.appIds[appIdx] !== null);
      port.postMessage({ type: 'result', result, rollup } satisfies WorkerOutbound, [
        rollup.keys.buffer as ArrayBuffer,
        rollup.counts.buffer as ArrayBuffer,
        rollup.order.buffer as ArrayBuffer,
      ]);
    },
    (err: unknown) => {
      const e = err as { name?: string; message?: string; code?: unknown };
      const out: WorkerOutbound = { type: 'error', name: e.name ?? 'Error', message: e.message ?? String(err) };
      if (typeof e.code === 'string') out.code = e.code;
      port.postMessage(out);
    },
  );
}
