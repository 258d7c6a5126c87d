// parseStream across several worker threads, for formats whose parsers keep no state between
// lines (Squid native and common). The calling thread decompresses, cuts the text at line
// boundaries into batches of about `batchBytes`, and hands each batch to the least busy worker;
// workers parse, match and roll up their batches and report, per batch, the line count and
// failure samples (so line numbers and sample order come out as in one pass). At the end the
// partial rollups are merged. Memory stays bounded: at most `maxBatchesInFlight` batches per
// worker are outstanding, and the input is not read further until one is acknowledged.
// Other formats (stateful parsers) run in a single worker through parseStreamInWorker.
import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { TrafficAggregator, type UnclassifiedEntry } from './aggregation.js';
import { STATELESS_PARSERS, type LineFailure } from './line-processor.js';
import { OVERSIZED_SAMPLE_BYTES } from './line-splitter.js';
import { defaultWorkerUrl, parseStreamInWorker } from './parse-in-worker.js';
import {
  DiscoveryInputError,
  applySpan,
  emptyStats,
  forEachTextStream,
  resolveOptions,
  type DiscoveryInputErrorCode,
  type FailureSample,
  type ParseStreamResult,
} from './parse-stream.js';
import type { BatchInbound, BatchOutbound, WorkerInit } from './parse-worker.js';
import type { FastPathState } from './parsers/squid-native-fast.js';

export interface ParallelParseOptions {
  /** Default: available parallelism, at most 4. */
  workers?: number;
  /** Target batch size in bytes. Default 1 MiB. */
  batchBytes?: number;
  /** Outstanding batches per worker. Default 4. */
  maxBatchesInFlight?: number;
  workerUrl?: URL;
  signal?: AbortSignal;
}

interface BatchReport {
  lines: number;
  failures: LineFailure[];
  file: string | undefined;
  newFile: boolean;
}

const MAX_UNCLASSIFIED_KEYS = 10_000;

function workerError(msg: { name: string; message: string; code?: string }): Error {
  return msg.code !== undefined && msg.name === 'DiscoveryInputError'
    ? new DiscoveryInputError(msg.code as DiscoveryInputErrorCode, msg.message)
    : Object.assign(new Error(msg.message), { name: msg.name });
}

export async function parseStreamParallel(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  format: number | string,
  options: WorkerInit['options'] = {},
  parallel: ParallelParseOptions = {},
): Promise<ParseStreamResult> {
  const o = resolveOptions(format, options);
  const workerCount = Math.max(1, parallel.workers ?? Math.min(4, availableParallelism()));
  if (workerCount < 2 || !STATELESS_PARSERS.has(o.parser.id)) {
    const wo: { workerUrl?: URL; signal?: AbortSignal } = {};
    if (parallel.workerUrl) wo.workerUrl = parallel.workerUrl;
    if (parallel.signal) wo.signal = parallel.signal;
    return parseStreamInWorker(input, format, options, wo);
  }
  const batchBytes = parallel.batchBytes ?? 1 << 20;
  const maxInFlight = parallel.maxBatchesInFlight ?? 4;
  const signal = parallel.signal;
  const stats = emptyStats();
  const failures: FailureSample[] = [];

  const init: WorkerInit = { format, options, mode: 'batches' };
  const workers = Array.from({ length: workerCount }, () => new Worker(parallel.workerUrl ?? defaultWorkerUrl(), { workerData: init }));
  const inFlight = new Array<number>(workerCount).fill(0);
  const partials: Extract<BatchOutbound, { type: 'partial' }>[] = [];
  let failed: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  // Batch reports are applied in sequence order.
  const reports = new Map<number, BatchReport>();
  let nextReport = 0;
  let fileLineBase = 0;
  const applyReports = (): void => {
    for (let r = reports.get(nextReport); r; r = reports.get(nextReport)) {
      reports.delete(nextReport++);
      if (r.newFile) fileLineBase = 0;
      for (const f of r.failures) {
        if (failures.length >= o.maxSamples) break;
        const sample: FailureSample = { ...f, line: fileLineBase + f.line };
        if (r.file !== undefined) sample.file = r.file;
        failures.push(sample);
      }
      fileLineBase += r.lines;
      stats.linesRead += r.lines;
    }
  };
  const pendingMeta = new Map<number, { file: string | undefined; newFile: boolean }>();

  workers.forEach((w, i) => {
    w.on('message', (msg: BatchOutbound) => {
      if (msg.type === 'batchDone') {
        inFlight[i]!--;
        const meta = pendingMeta.get(msg.seq)!;
        pendingMeta.delete(msg.seq);
        reports.set(msg.seq, { lines: msg.lines, failures: msg.failures, ...meta });
        if (msg.buffer.byteLength === batchBytes) pool.push(new Uint8Array(msg.buffer));
        applyReports();
      } else if (msg.type === 'partial') partials.push(msg);
      else failed ??= workerError(msg);
      notify();
    });
    w.on('error', (err) => {
      failed ??= err;
      notify();
    });
    w.on('exit', (code) => {
      failed ??= new Error(`parse worker exited with code ${code}`);
      notify();
    });
  });

  let stopped = false;
  const stopWorkers = (): void => {
    if (stopped) return;
    stopped = true;
    for (const w of workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
  };

  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready()) {
      if (failed) throw failed;
      if (signal?.aborted) throw new DiscoveryInputError('ABORTED', 'parsing aborted');
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failed) throw failed;
  };

  signal?.addEventListener('abort', notify, { once: true });

  // Batch buffers travel to a worker and back (transferred, not copied) and are reused.
  const pool: Uint8Array[] = [];
  const takeBuffer = (min = batchBytes): Uint8Array => {
    const b = pool.pop();
    return b && b.length >= min ? b : new Uint8Array(Math.max(min, batchBytes));
  };

  let seq = 0;
  const send = async (data: Uint8Array, file: string | undefined, newFile: boolean, atFileStart: boolean): Promise<void> => {
    let best = 0;
    await waitFor(() => {
      best = inFlight.indexOf(Math.min(...inFlight));
      return inFlight[best]! < maxInFlight;
    });
    const s = seq++;
    pendingMeta.set(s, { file, newFile });
    inFlight[best]!++;
    workers[best]!.postMessage({ type: 'batch', seq: s, data, newFile, atFileStart } satisfies BatchInbound, [data.buffer as ArrayBuffer]);
  };
  let overSized = 0;
  /** An oversized line found while batching: a one-line report of its own, in sequence. */
  const oversizedLine = (bytes: number, sample: string, file: string | undefined, newFile: boolean): void => {
    const s = seq++;
    reports.set(s, {
      lines: 1,
      failures: [{ line: 1, reason: `line longer than ${o.maxLineBytes} bytes (${bytes})`, text: sample }],
      file,
      newFile,
    });
    overSized++;
    applyReports();
  };

  try {
    const { compression, skippedEntries } = await forEachTextStream(input, options, async (content, file) => {
      stats.files++;
      let newFile = true;
      let atFileStart = true;
      let skipping = false;
      /** The first bytes of the line being skipped (its failure sample). */
      let skipSample = '';
      let skipped = 0;
      // Text is copied once, into a (pooled) batch buffer; `tail` bytes after its last newline
      // are the current partial line, carried into the next buffer when a batch is sent.
      let buf = takeBuffer();
      let len = 0;
      let tail = 0;
      const flush = async (cut: number): Promise<void> => {
        const next = takeBuffer(Math.max(batchBytes, len - cut));
        next.set(buf.subarray(cut, len));
        const data = buf.subarray(0, cut);
        len -= cut;
        buf = next;
        await send(data, file, newFile, atFileStart);
        newFile = false;
        atFileStart = false;
      };
      for await (const chunk of content) {
        if (signal?.aborted) throw new DiscoveryInputError('ABORTED', 'parsing aborted');
        if (failed) throw failed;
        stats.bytes += chunk.length;
        if (stats.bytes > o.maxInputBytes) throw new DiscoveryInputError('INPUT_TOO_LARGE', `input exceeds ${o.maxInputBytes} bytes`);
        let pos = 0;
        while (pos < chunk.length) {
          if (skipping) {
            const nl = chunk.indexOf(10, pos);
            if (nl < 0) {
              skipped += chunk.length - pos;
              break;
            }
            oversizedLine(skipped + nl - pos, skipSample, file, newFile);
            // (Like LineSplitter, a skipped line does not end the "first line" BOM handling.)
            newFile = false;
            skipping = false;
            pos = nl + 1;
            continue;
          }
          if (len === buf.length) {
            const bigger = new Uint8Array(buf.length * 2);
            bigger.set(buf);
            buf = bigger;
          }
          const n = Math.min(buf.length - len, chunk.length - pos);
          const piece = chunk.subarray(pos, pos + n);
          buf.set(piece, len);
          const nl = piece.lastIndexOf(10);
          tail = nl < 0 ? tail + n : n - nl - 1;
          len += n;
          pos += n;
          if (tail > o.maxLineBytes) {
            // A line that cannot fit: send what precedes it, then skip to its end.
            skipping = true;
            skipped = tail;
            skipSample = Buffer.from(buf.buffer, buf.byteOffset + len - tail, Math.min(tail, OVERSIZED_SAMPLE_BYTES)).toString('utf8');
            len -= tail;
            tail = 0;
            if (len > 0) await flush(len);
          } else if (len >= batchBytes && tail < len) await flush(len - tail);
        }
      }
      if (skipping) oversizedLine(skipped, skipSample, file, newFile);
      else if (len > 0) await flush(len);
      pool.push(buf);
    });
    // All batches sent: collect the partial rollups.
    await waitFor(() => inFlight.every((n) => n === 0));
    for (const w of workers) w.postMessage({ type: 'end' } satisfies BatchInbound);
    await waitFor(() => partials.length === workerCount);
    // The workers are done: free their memory before the merge builds the report.
    stopWorkers();

    const aggregator = new TrafficAggregator();
    const span: FastPathState = { parsed: 0, tooOld: 0, blocked: 0, matched: 0, unclassified: 0, first: Infinity, last: -Infinity };
    const unknown = new Map<string, UnclassifiedEntry>();
    for (const p of partials) {
      aggregator.mergePartial(p.rollup);
      for (const u of p.rollup.unclassified) {
        const seen = unknown.get(u.key);
        if (!seen) unknown.set(u.key, { ...u });
        else {
          seen.transactions += u.transactions;
          seen.bytesTotal += u.bytesTotal;
          seen.first = Math.min(seen.first, u.first);
        }
      }
      span.parsed += p.span.parsed;
      span.tooOld += p.span.tooOld;
      span.blocked += p.span.blocked;
      span.matched += p.span.matched;
      span.unclassified += p.span.unclassified;
      span.first = Math.min(span.first, p.span.first);
      span.last = Math.max(span.last, p.span.last);
      stats.ignored += p.ignored;
      stats.failed += p.failed;
    }
    stats.failed += overSized;
    // One pass keeps the first MAX_UNCLASSIFIED_KEYS keys seen; so does the merge.
    for (const u of [...unknown.values()].sort((a, b) => a.first - b.first).slice(0, MAX_UNCLASSIFIED_KEYS)) {
      aggregator.addUnclassified(u.key, u.transactions, u.bytesTotal, u.first);
    }
    applySpan(stats, span);
    return {
      parserId: o.parser.id,
      compression,
      stats,
      failures,
      skippedEntries,
      aggregates: aggregator.rows(),
      unclassifiedDestinations: aggregator.unclassifiedDestinations(),
    };
  } finally {
    signal?.removeEventListener('abort', notify);
    stopWorkers();
  }
}
