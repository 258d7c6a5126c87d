// The Cloud Apps import from a request body stream with bounded memory. The whole body used to be
// read into one string and parsed into rows held all at once: a 234 MB import peaked at 1.36 GB
// RSS (three at once 2.7 GB; issue 12). Now the body is spooled to a private temporary file while
// every line is validated (rows are built and dropped), and only when no line is bad is the file
// read again and written batch by batch. Memory: one line, one batch.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import type { Stores } from '../store/interfaces.js';
import type { CloudAppsActivityRow } from '../store/schema.js';
import { errors } from '../http/errors.js';
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE } from '../store/private-files.js';
import { writeRows, type ImportResult } from './import.js';
import { MAX_REPORTED_ERRORS, parseLine, rowKey, type AnyRow, type ImportLineError, type ImportResource } from './import-lines.js';

/** Rows and bytes of JSON written per transaction by the streaming import: whichever comes first. */
export const STREAM_BATCH_ROWS = 1000;
export const STREAM_BATCH_BYTES = 8 * 1024 * 1024;

/** Longest line of an import (one JSON object); a longer one is a bad line, not a buffer without end. */
export const MAX_IMPORT_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Calls `onLine` for each line of a byte stream (without its newline, undecoded `\r` kept), with its
 * 1-based number. Lines longer than `maxLine` are reported as `undefined` and skipped.
 */
async function eachLine(
  source: AsyncIterable<Buffer | string>,
  maxLine: number,
  onLine: (line: string | undefined, n: number) => void | Promise<void>,
  onChunk?: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  let n = 0;
  for await (const c of source) {
    const chunk = typeof c === 'string' ? Buffer.from(c) : c;
    if (onChunk) await onChunk(chunk);
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      n++;
      if (overlong || pendingBytes + nl - start > maxLine) await onLine(undefined, n);
      else {
        const piece = chunk.subarray(start, nl);
        await onLine(pending.length ? Buffer.concat([...pending, piece]).toString('utf8') : piece.toString('utf8'), n);
      }
      pending = [];
      pendingBytes = 0;
      overlong = false;
      start = nl + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      pendingBytes += rest.length;
      if (pendingBytes > maxLine) {
        overlong = true;
        pending = [];
      } else pending.push(Buffer.from(rest));
    }
  }
  if (overlong) await onLine(undefined, ++n);
  else if (pendingBytes > 0) await onLine(Buffer.concat(pending).toString('utf8'), ++n);
}

export interface StreamImportOptions {
  /** Directory for the spooled body (a private temporary file, removed afterwards). */
  spoolDir: string;
  /** Largest body in bytes (413 past it). */
  maxBytes: number;
  batchSize?: number;
  maxLineBytes?: number;
}

/** importJsonLines over a byte stream: the same validation, answer and writes, in bounded memory. */
export async function importJsonLinesStream(
  stores: Stores,
  tenantId: string,
  resource: ImportResource,
  body: AsyncIterable<Buffer | string>,
  options: StreamImportOptions,
  enrichActivities?: (rows: CloudAppsActivityRow[]) => Promise<unknown>,
): Promise<ImportResult> {
  const maxLine = options.maxLineBytes ?? MAX_IMPORT_LINE_BYTES;
  await fs.promises.mkdir(options.spoolDir, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  const spool = path.join(options.spoolDir, `import-${crypto.randomUUID()}.ndjson`);
  const out = fs.createWriteStream(spool, { mode: PRIVATE_FILE_MODE, highWaterMark: 1 << 20 });
  try {
    // Pass 1: spool and validate.
    let lines = 0;
    let errorCount = 0;
    const errs: ImportLineError[] = [];
    let bytes = 0;
    const bad = (line: number, error: string) => {
      errorCount++;
      if (errs.length < MAX_REPORTED_ERRORS) errs.push({ line, error });
    };
    await eachLine(
      body,
      maxLine,
      (line, n) => {
        if (line === undefined) {
          lines++;
          return bad(n, `the line is longer than ${maxLine} bytes`);
        }
        if (line.trim() === '') return;
        lines++;
        const r = parseLine(tenantId, resource, line);
        if (typeof r === 'string') bad(n, r);
      },
      async (chunk) => {
        bytes += chunk.length;
        if (bytes > options.maxBytes) throw errors.payloadTooLarge(`The import is larger than the limit of ${options.maxBytes} bytes.`);
        if (!out.write(chunk)) await once(out, 'drain');
      },
    );
    out.end();
    await once(out, 'finish');
    if (errorCount > 0) return { resource, lines, imported: 0, batches: 0, errors: errs, moreErrors: errorCount > errs.length };

    // Pass 2: rows batch by batch (the last line of an id wins: later batches replace earlier ones).
    const batchSize = options.batchSize ?? STREAM_BATCH_ROWS;
    let batch = new Map<string, AnyRow>();
    let batchBytes = 0;
    let imported = 0;
    let batches = 0;
    const keys = new Set<string>();
    const flush = async () => {
      if (batch.size === 0) return;
      const rows = [...batch.values()];
      batch = new Map();
      batchBytes = 0;
      if (resource === 'activities' && enrichActivities) await enrichActivities(rows as CloudAppsActivityRow[]);
      batches += await writeRows(stores, resource, rows, batchSize, false);
    };
    await eachLine(fs.createReadStream(spool, { highWaterMark: 1 << 20 }), maxLine, async (line) => {
      if (line === undefined || line.trim() === '') return;
      const row = parseLine(tenantId, resource, line) as AnyRow;
      const key = rowKey(row);
      // Distinct ids only: a set of short keys, not of rows.
      if (!keys.has(key)) {
        keys.add(key);
        imported++;
      }
      batch.delete(key);
      batch.set(key, row);
      batchBytes += line.length;
      if (batch.size >= batchSize || batchBytes >= STREAM_BATCH_BYTES) await flush();
    });
    await flush();
    if (imported >= 1000) await stores[resource].analyze();
    return { resource, lines, imported, batches, errors: [], moreErrors: false };
  } finally {
    out.destroy();
    await fs.promises.rm(spool, { force: true });
  }
}
