import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/discovery/line-splitter.js';
import { DiscoveryInputError, parseStream, uploadVerdict } from '../../src/discovery/parse-stream.js';
import { writeZip } from './zip-writer.js';

const NOW = Date.UTC(2024, 5, 20);
const T0 = Date.UTC(2024, 5, 15, 9) / 1000; // epoch seconds

function squid(t: number, ip: string, user: string, status: string, bytes: number, method: string, url: string): string {
  return `${t.toFixed(3)}    120 ${ip} ${status} ${bytes} ${method} ${url} ${user} HIER_DIRECT/203.0.113.1 text/html`;
}

// A small log with known totals: two users, two apps, one unknown host, one denial,
// one malformed line, one line from last year (outside the 90-day window).
const LINES = [
  squid(T0, '192.0.2.1', 'ann', 'TCP_MISS/200', 1000, 'GET', 'https://www.dropbox.com/a'),
  squid(T0 + 60, '192.0.2.1', 'ann', 'TCP_TUNNEL/200', 2000, 'CONNECT', 'dl.dropboxusercontent.com:443'),
  squid(T0 + 120, '192.0.2.1', 'ann', 'TCP_DENIED/403', 300, 'GET', 'https://mega.nz/file'),
  squid(T0 + 86400, '192.0.2.2', '-', 'TCP_MISS/200', 4000, 'GET', 'https://outlook.office.com/mail'),
  squid(T0 + 86400 + 5, '192.0.2.2', '-', 'TCP_MISS/200', 50, 'GET', 'http://intranet.corp.example/x'),
  'this line is not squid',
  squid(T0 - 365 * 86400, '192.0.2.9', 'old', 'TCP_MISS/200', 7, 'GET', 'https://www.dropbox.com/'),
  '',
];
const TEXT = LINES.join('\r\n') + '\r\n';

function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

function expectTotals(r: Awaited<ReturnType<typeof parseStream>>): void {
  expect(r.stats).toMatchObject({ linesRead: 8, parsed: 6, ignored: 1, failed: 1, tooOld: 1, matched: 4, unclassified: 1, blocked: 1 });
  expect(r.failures).toEqual([expect.objectContaining({ line: 6, text: 'this line is not squid' })]);
  expect(r.aggregates).toEqual([
    {
      day: '2024-06-15',
      appId: 11627,
      user: 'ann',
      srcIp: '192.0.2.1',
      transactions: 2,
      blockedTransactions: 0,
      bytesUp: 0,
      bytesDown: 3000,
      bytesTotal: 3000,
    },
    {
      day: '2024-06-15',
      appId: expect.any(Number),
      user: 'ann',
      srcIp: '192.0.2.1',
      transactions: 1,
      blockedTransactions: 1,
      bytesUp: 0,
      bytesDown: 300,
      bytesTotal: 300,
    },
    {
      day: '2024-06-16',
      appId: null,
      user: null,
      srcIp: '192.0.2.2',
      transactions: 1,
      blockedTransactions: 0,
      bytesUp: 0,
      bytesDown: 50,
      bytesTotal: 50,
    },
    {
      day: '2024-06-16',
      appId: 20893,
      user: null,
      srcIp: '192.0.2.2',
      transactions: 1,
      blockedTransactions: 0,
      bytesUp: 0,
      bytesDown: 4000,
      bytesTotal: 4000,
    },
  ]);
  expect(r.unclassifiedDestinations).toEqual([{ key: 'corp.example', transactions: 1, bytesTotal: 50 }]);
  expect(r.stats.firstTimestamp).toBe(T0 * 1000);
}

describe('parseStream', () => {
  it('aggregates a plain log per day x app x user x source IP, in any chunking', async () => {
    for (const size of [1, 7, 64, 1 << 16]) {
      const r = await parseStream(chunked(Buffer.from(TEXT), size), 'SQUID_NATIVE', { now: NOW });
      expect(r.compression).toBe('none');
      expectTotals(r);
    }
  });

  it('reads gzip input (also multi-member) and log-source codes', async () => {
    const gz = Buffer.concat([
      gzipSync(Buffer.from(LINES.slice(0, 4).join('\n') + '\n')),
      gzipSync(Buffer.from(LINES.slice(4).join('\n') + '\n')),
    ]);
    const r = await parseStream(chunked(gz, 100), 155, { now: NOW });
    expect(r.compression).toBe('gzip');
    expectTotals(r);
  });

  it('reads zip entries: deflate, stored, streamed with data descriptors, gzip inside, directories', async () => {
    const zip = writeZip([
      { name: 'logs/', data: Buffer.alloc(0), method: 0 },
      { name: 'logs/a.log', data: Buffer.from(LINES.slice(0, 2).join('\n')) },
      { name: 'logs/b.log', data: Buffer.from(LINES.slice(2, 4).join('\n')), method: 0 },
      { name: 'logs/c.log', data: Buffer.from(LINES.slice(4, 6).join('\n')), descriptor: true },
      { name: 'logs/d.log.gz', data: gzipSync(Buffer.from(LINES.slice(6).join('\n'))), method: 0, descriptor: true },
    ]);
    for (const size of [3, 1000]) {
      const r = await parseStream(chunked(zip, size), 'SQUID_NATIVE', { now: NOW });
      expect(r.compression).toBe('zip');
      expect(r.stats.files).toBe(4);
      expect(r.stats).toMatchObject({ parsed: 6, failed: 1, tooOld: 1, matched: 4 });
      expect(r.failures[0]).toMatchObject({ file: 'logs/c.log', line: 2 });
      expect(r.aggregates).toHaveLength(4);
    }
  });

  it('reports unsupported zip methods and rejects broken archives and formats', async () => {
    const zip = writeZip([{ name: 'x.log', data: Buffer.from(LINES[0]!), method: 0 }]);
    zip.writeUInt16LE(12, 8); // bzip2
    const r = await parseStream(Readable.from([zip]), 'SQUID_NATIVE', { now: NOW });
    expect(r.skippedEntries).toEqual([{ name: 'x.log', reason: 'unsupported zip compression method 12' }]);
    const broken = writeZip([{ name: 'y.log', data: Buffer.from('hello') }]).subarray(0, 40);
    await expect(parseStream(Readable.from([broken]), 'SQUID_NATIVE')).rejects.toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE' });
    const badGzip = Buffer.concat([gzipSync(Buffer.from('abc')).subarray(0, 12), Buffer.from('garbage')]);
    await expect(parseStream(Readable.from([badGzip]), 'SQUID_NATIVE')).rejects.toBeInstanceOf(DiscoveryInputError);
    await expect(parseStream(Readable.from(['x']), 'NOT_A_SOURCE')).rejects.toMatchObject({ code: 'UNSUPPORTED_LOG_TYPE' });
    await expect(parseStream(Readable.from(['x']), 'CUSTOM_PARSER')).rejects.toMatchObject({ code: 'UNSUPPORTED_LOG_TYPE' });
    await expect(parseStream(Readable.from(['x'.repeat(100)]), 'SQUID_NATIVE', { maxInputBytes: 10 })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
    });
  });

  it('counts oversized lines as failures and keeps at most N samples', async () => {
    const text = ['bad 1', 'x'.repeat(5000), 'bad 2', 'bad 3', LINES[0]].join('\n');
    const r = await parseStream(chunked(Buffer.from(text), 1000), 'SQUID_NATIVE', { now: NOW, maxLineBytes: 1024, maxSampleFailures: 2 });
    expect(r.stats).toMatchObject({ linesRead: 5, failed: 4, parsed: 1 });
    expect(r.failures).toHaveLength(2);
    expect(r.failures[1]).toMatchObject({ line: 2, reason: expect.stringMatching(/longer than 1024/) });
  });

  it('gives the MDA upload verdicts', async () => {
    const wrong = await parseStream(Readable.from(['garbage\nmore garbage\n']), 'SQUID_NATIVE', { now: NOW });
    expect(uploadVerdict(wrong)).toBe('The log format does not match');
    const old = await parseStream(Readable.from([LINES[6]!]), 'SQUID_NATIVE', { now: NOW });
    expect(uploadVerdict(old)).toBe('Transactions are more than 90 days old');
    const unknown = await parseStream(Readable.from([LINES[4]!]), 'SQUID_NATIVE', { now: NOW });
    expect(uploadVerdict(unknown)).toBe('No transactions to cataloged cloud apps');
    const ok = await parseStream(Readable.from([TEXT]), 'SQUID_NATIVE', { now: NOW });
    expect(uploadVerdict(ok)).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('splits multi-byte UTF-8 across chunk boundaries and strips CR and BOM', () => {
    const text = '\uFEFFzeile 1 – ü\r\n日本語\n\nlast';
    const bytes = Buffer.from(text, 'utf8');
    for (let size = 1; size <= bytes.length; size++) {
      const lines: string[] = [];
      const s = new LineSplitter();
      const sink = { line: (t: string) => lines.push(t), oversized: () => lines.push('<oversized>') };
      for (let i = 0; i < bytes.length; i += size) s.push(bytes.subarray(i, i + size), sink);
      s.end(sink);
      expect(lines).toEqual(['zeile 1 – ü', '日本語', '', 'last']);
    }
  });
});
