import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultWorkerUrl, parseStreamInWorker } from '../../src/discovery/parse-in-worker.js';
import { parseStream } from '../../src/discovery/parse-stream.js';

// The worker runs compiled JavaScript: `npm run build` (or tsc -b packages/server) first.
const built = existsSync(fileURLToPath(defaultWorkerUrl()));

function lines(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const host = ['www.dropbox.com', 'github.com', 'unknown.example.org'][i % 3];
    out.push(
      `${1718445600 + i}.000 5 192.0.2.${i % 7} TCP_MISS/200 ${100 + i} GET https://${host}/p${i} user${i % 4} HIER_DIRECT/203.0.113.1 -`,
    );
  }
  return out.join('\n') + '\nbroken line\n';
}

describe.skipIf(!built)('parseStreamInWorker', () => {
  it('gives the same result as parseStream on the main thread, with backpressure', async () => {
    const text = Buffer.from(lines(20_000));
    const gz = gzipSync(text);
    const chunks = (b: Buffer): Buffer[] =>
      Array.from({ length: Math.ceil(b.length / 4096) }, (_, i) => b.subarray(i * 4096, (i + 1) * 4096));
    const options = { now: Date.UTC(2024, 5, 20) };
    const inline = await parseStream(Readable.from(chunks(text)), 'SQUID_NATIVE', options);
    const worker = await parseStreamInWorker(Readable.from(chunks(gz)), 'SQUID_NATIVE', options, { maxChunksInFlight: 2 });
    expect(worker.stats).toEqual({ ...inline.stats, bytes: inline.stats.bytes });
    expect(worker.aggregates).toEqual(inline.aggregates);
    expect(worker.failures).toEqual(inline.failures);
    expect(worker.compression).toBe('gzip');
  });

  it('rejects with the input error code from the worker', async () => {
    await expect(parseStreamInWorker(Readable.from(['x']), 'NOPE')).rejects.toMatchObject({ code: 'UNSUPPORTED_LOG_TYPE' });
  });
});
