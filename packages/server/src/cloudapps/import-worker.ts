// Worker thread of importJsonLines: parses and validates one part of a JSON Lines text and posts
// back its rows (see parseLinesInWorkers).
import { parentPort, workerData } from 'node:worker_threads';
import { parseLines, type ImportResource, type ParsedLines } from './import-lines.js';

export interface ImportWorkerInit {
  tenantId: string;
  resource: ImportResource;
  text: string;
}

export type ImportWorkerOutbound = { type: 'result'; result: ParsedLines } | { type: 'error'; message: string };

const init = workerData as ImportWorkerInit;
try {
  const result = parseLines(init.tenantId, init.resource, init.text);
  parentPort!.postMessage({ type: 'result', result } satisfies ImportWorkerOutbound);
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ImportWorkerOutbound);
}
