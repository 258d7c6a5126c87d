// Over-long lines are counted as failed and skipped, and the failure sample shows how they start,
// whichever way the line falls across chunks (inside one chunk, or carried over several).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseStream } from '../../src/discovery/index.js';

const LINE =
  '1718445600.125    231 192.0.2.10 TCP_MISS/200 48211 GET http://files.example.com/r.pdf jdoe HIER_DIRECT/203.0.113.80 application/pdf';
const LONG = `1718445600.125    231 192.0.2.11 TCP_MISS/200 1 GET http://x.example.com/${'a'.repeat(5000)} jdoe HIER_DIRECT/203.0.113.80 -`;
const text = Buffer.from([LINE, LONG, LINE].join('\n') + '\n');

function chunks(buf: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(buf.subarray(i, i + size));
  return out;
}

describe('over-long lines', () => {
  for (const size of [text.length, 4096, 97]) {
    it(`are skipped with a sample (chunks of ${size} bytes)`, async () => {
      const r = await parseStream(Readable.from(chunks(text, size)), 'SQUID_NATIVE', {
        now: Date.UTC(2024, 5, 20),
        maxAgeDays: null,
        maxLineBytes: 1024,
      });
      expect(r.stats).toMatchObject({ linesRead: 3, parsed: 2, failed: 1 });
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0]!.line).toBe(2);
      expect(r.failures[0]!.reason).toMatch(/line longer than 1024 bytes/);
      expect(r.failures[0]!.text).toMatch(/^1718445600\.125 {4}231 192\.0\.2\.11 TCP_MISS/);
    });
  }
});
