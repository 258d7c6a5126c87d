import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ChunkPool, defaultWorkerUrl, parseStreamInWorker } from '../../src/discovery/parse-in-worker.js';
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

  it('hands parsed chunks of plain input back into the pool, which the reader reuses (same result)', async () => {
    // Small chunks cut lines anywhere; the pool's buffers are reused while earlier lines are still
    // being counted, so any view kept of a chunk would corrupt the result.
    const text = Buffer.from(lines(30_000));
    const options = { now: Date.UTC(2024, 5, 20) };
    const inline = await parseStream(Readable.from([text]), 'SQUID_NATIVE', options);
    const pool = new ChunkPool(4093, 4);
    let fresh = 0;
    async function* read(): AsyncGenerator<Buffer> {
      for (let at = 0; at < text.length; at += pool.size) {
        const n = Math.min(pool.size, text.length - at);
        const before = pool.available;
        const buf = pool.alloc(n);
        if (pool.available === before) fresh++;
        text.copy(buf, 0, at, at + n);
        yield buf;
      }
    }
    const worker = await parseStreamInWorker(read(), 'SQUID_NATIVE', options, { transferInput: true, pool, maxChunksInFlight: 2 });
    expect(worker.stats).toEqual(inline.stats);
    expect(worker.aggregates).toEqual(inline.aggregates);
    expect(worker.failures).toEqual(inline.failures);
    const chunks = Math.ceil(text.length / pool.size);
    expect(chunks).toBeGreaterThan(100);
    expect(fresh).toBeLessThan(chunks / 4); // most reads reused a buffer handed back
  });

  it('rejects with the input error code from the worker', async () => {
    await expect(parseStreamInWorker(Readable.from(['x']), 'NOPE')).rejects.toMatchObject({ code: 'UNSUPPORTED_LOG_TYPE' });
  });
});
