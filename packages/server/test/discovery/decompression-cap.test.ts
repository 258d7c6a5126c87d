// Decompression bombs stop early: gzip, zip and gzip-in-zip content is bounded in total size and in
// ratio to the compressed bytes read. A normal compressed log is untouched.
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DiscoveryInputError, parseStream } from '../../src/discovery/index.js';
import { writeZip as zipOf } from './zip-writer.js';

const LINE =
  '1718445600.125    231 192.0.2.10 TCP_MISS/200 48211 GET http://files.example.com/r.pdf jdoe HIER_DIRECT/203.0.113.80 application/pdf\n';
const now = Date.UTC(2024, 5, 20);
const run = (buf: Buffer, extra: Record<string, number> = {}) =>
  parseStream(Readable.from([buf]), 'SQUID_NATIVE', { now, maxAgeDays: null, ...extra });

describe('decompression cap', () => {
  // 24 MiB of one byte: gzip packs it about a thousandfold.
  const bomb = zlib.gzipSync(Buffer.alloc(24 * 1024 * 1024, 0x0a), { level: 9 });

  it('a gzip bomb is refused by ratio, long before it is inflated', async () => {
    const err = await run(bomb).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscoveryInputError);
    expect((err as DiscoveryInputError).code).toBe('INPUT_TOO_LARGE');
    expect((err as Error).message).toMatch(/decompresses to more than 1000 times its size/);
  });

  it('the same bomb inside a zip (gzip-in-zip) is refused too', async () => {
    const err = await run(zipOf([{ name: 'a.log.gz', data: bomb, method: 0 }])).catch((e: unknown) => e);
    expect((err as DiscoveryInputError).code).toBe('INPUT_TOO_LARGE');
  });

  it('total decompressed size is capped across entries', async () => {
    const text = Buffer.from(LINE.repeat(4000)); // ~530 KB
    const gz = zlib.gzipSync(text);
    const err = await run(
      zipOf([
        { name: 'a.log.gz', data: gz },
        { name: 'b.log.gz', data: gz },
      ]),
      { maxDecompressedBytes: 1024 * 1024 },
    ).catch((e: unknown) => e);
    expect((err as DiscoveryInputError).code).toBe('INPUT_TOO_LARGE');
    expect((err as Error).message).toMatch(/more than 1048576 bytes/);
    // Under the cap the same archive parses.
    const ok = await run(zipOf([{ name: 'a.log.gz', data: gz }]), { maxDecompressedBytes: 1024 * 1024 });
    expect(ok.stats.parsed).toBe(4000);
  });
});
