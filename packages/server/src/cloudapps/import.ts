import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Stores } from '../store/interfaces.js';
import type { CloudAppsActivityRow, CloudAppsAlertRow, CloudAppsEntityRow, CloudAppsFileRow } from '../store/schema.js';
import {
  MAX_REPORTED_ERRORS,
  parseLines,
  rowKey,
  type AnyRow,
  type ImportLineError,
  type ImportResource,
  type ParsedLines,
} from './import-lines.js';
import type { ImportWorkerInit, ImportWorkerOutbound } from './import-worker.js';

export { IMPORT_RESOURCES, type ImportLineError, type ImportResource } from './import-lines.js';

/** Rows written per transaction. */
export const IMPORT_BATCH_SIZE = 5000;
/** Bulk writes at least this large refresh the planner's statistics. */
const ANALYZE_AFTER_ROWS = 1000;
/**
 * Texts at least this long are parsed on worker threads too (about 5 000 activities): below it,
 * starting a worker (~40 ms) costs more than it saves.
 */
export const PARALLEL_PARSE_MIN_CHARS = 16 * 1024 * 1024;
/** Most threads that parse one import (the calling thread included). */
const MAX_PARSE_THREADS = 4;

export interface ImportResult {
  resource: ImportResource;
  /** Non-blank lines read. */
  lines: number;
  /** Records written (0 when any line was bad). */
  imported: number;
  batches: number;
  errors: ImportLineError[];
  /** More bad lines than listed. */
  moreErrors: boolean;
}

/** Writes rows in batches, one transaction per batch; a record with an existing id replaces it. */
export async function writeRows(
  stores: Stores,
  resource: ImportResource,
  rows: AnyRow[],
  batchSize = IMPORT_BATCH_SIZE,
  analyzeAfter = true,
): Promise<number> {
  let batches = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await stores.transaction(async (tx) => {
      if (resource === 'alerts') await tx.alerts.upsert(batch as CloudAppsAlertRow[]);
      else if (resource === 'activities') await tx.activities.upsert(batch as CloudAppsActivityRow[]);
      else if (resource === 'files') await tx.files.upsert(batch as CloudAppsFileRow[]);
      else await tx.entities.upsert(batch as CloudAppsEntityRow[]);
    });
    batches += 1;
  }
  if (analyzeAfter && rows.length >= ANALYZE_AFTER_ROWS) await stores[resource].analyze();
  return batches;
}

/**
 * The compiled worker script. When this module runs from TypeScript sources (vitest), the worker
 * still has to be JavaScript: the built file under dist/ is used, and without one the text is
 * parsed on the calling thread alone.
 */
function workerUrl(): URL | undefined {
  const sibling = new URL('./import-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL(sibling.href.replace('/src/cloudapps/', '/dist/cloudapps/'));
  return existsSync(fileURLToPath(built)) ? built : undefined;
}

function parseInWorker(url: URL, init: ImportWorkerInit): Promise<ParsedLines> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: init });
    worker.once('message', (m: ImportWorkerOutbound) => {
      if (m.type === 'result') resolve(m.result);
      else reject(new Error(`import worker: ${m.message}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`import worker exited with code ${code}`)));
  });
}

/**
 * Splits the text at line boundaries into one part per thread; the calling thread parses the last
 * part while workers parse the others. Parts are merged in order, so the result is the serial one.
 */
async function parseParallel(tenantId: string, resource: ImportResource, text: string, options: ImportOptions): Promise<ParsedLines[]> {
  const threads = options.threads ?? Math.min(availableParallelism(), MAX_PARSE_THREADS);
  const url = threads > 1 && text.length >= (options.parallelMinChars ?? PARALLEL_PARSE_MIN_CHARS) ? workerUrl() : undefined;
  if (!url) return [parseLines(tenantId, resource, text)];
  const parts: string[] = [];
  let start = 0;
  for (let k = 1; k < threads; k++) {
    const cut = text.indexOf('\n', Math.max(start, Math.floor((text.length * k) / threads)));
    if (cut < 0) break;
    parts.push(text.slice(start, cut));
    start = cut + 1;
  }
  parts.push(text.slice(start));
  const inWorkers = parts.slice(0, -1).map((part) => parseInWorker(url, { tenantId, resource, text: part }));
  // Keep a rejected worker from going unhandled while this thread parses its own part.
  for (const p of inWorkers) p.catch(() => undefined);
  const own = parseLines(tenantId, resource, parts[parts.length - 1]!);
  return [...(await Promise.all(inWorkers)), own];
}

export interface ImportOptions {
  /** Threads that parse (default: the cores, at most 4). */
  threads?: number;
  /** Shortest text parsed in parallel (default PARALLEL_PARSE_MIN_CHARS). */
  parallelMinChars?: number;
}

/**
 * Imports JSON Lines of wire-shaped objects (reference §7). Every line is validated before
 * anything is written: one bad line rejects the whole import, reported with line numbers. Import
 * is idempotent by id (a repeated id replaces the record, the last line wins). Large texts are
 * parsed on worker threads as well as this one.
 */
export async function importJsonLines(
  stores: Stores,
  tenantId: string,
  resource: ImportResource,
  text: string,
  /** Labels activities with the tenant's IP ranges before they are written. */
  enrichActivities?: (rows: CloudAppsActivityRow[]) => Promise<unknown>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const parts = await parseParallel(tenantId, resource, text, options);
  let lines = 0;
  let errorCount = 0;
  let offset = 0;
  const errors: ImportLineError[] = [];
  for (const p of parts) {
    lines += p.lines;
    errorCount += p.errorCount;
    for (const e of p.errors) if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: e.line + offset, error: e.error });
    offset += p.physicalLines;
  }
  if (errorCount > 0) return { resource, lines, imported: 0, batches: 0, errors, moreErrors: errorCount > errors.length };
  let rows: AnyRow[];
  if (parts.length === 1) rows = parts[0]!.rows;
  else {
    const byId = new Map<string, AnyRow>();
    for (const p of parts) for (const r of p.rows) byId.set(rowKey(r), r);
    rows = [...byId.values()];
  }
  if (resource === 'activities' && enrichActivities) await enrichActivities(rows as CloudAppsActivityRow[]);
  const batches = await writeRows(stores, resource, rows);
  return { resource, lines, imported: rows.length, batches, errors: [], moreErrors: false };
}
