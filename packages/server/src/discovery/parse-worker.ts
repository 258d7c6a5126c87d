// Worker-thread entry for parseStreamInWorker (see parse-in-worker.ts). Receives the input as
// transferred chunks, acknowledges each one when the pipeline pulls it (the parent's
// backpressure), and posts back the plain-data result or an error.
import { parentPort, workerData } from 'node:worker_threads';
import { parseStream, type ParseStreamOptions } from './parse-stream.js';

export type WorkerInbound = { type: 'chunk'; data: Uint8Array } | { type: 'end' } | { type: 'abort' };
export type WorkerOutbound =
  | { type: 'ack' }
  | { type: 'result'; result: Awaited<ReturnType<typeof parseStream>> }
  | { type: 'error'; name: string; message: string; code?: string };

export interface WorkerInit {
  format: number | string;
  options: Omit<ParseStreamOptions, 'matcher' | 'signal'>;
}

const port = parentPort;
if (port) {
  const init = workerData as WorkerInit;
  const queue: (Uint8Array | null)[] = [];
  let wake: (() => void) | undefined;
  const controller = new AbortController();

  port.on('message', (msg: WorkerInbound) => {
    if (msg.type === 'chunk') queue.push(msg.data);
    else if (msg.type === 'end') queue.push(null);
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

  parseStream(chunks(), init.format, { ...init.options, signal: controller.signal }).then(
    (result) => port.postMessage({ type: 'result', result } satisfies WorkerOutbound),
    (err: unknown) => {
      const e = err as { name?: string; message?: string; code?: unknown };
      const out: WorkerOutbound = { type: 'error', name: e.name ?? 'Error', message: e.message ?? String(err) };
      if (typeof e.code === 'string') out.code = e.code;
      port.postMessage(out);
    },
  );
}
