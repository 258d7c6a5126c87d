// The fast paths (byte-level Squid parsing, interned rollup keys) must give exactly what the
// straightforward pipeline gives. The oracle here is written the plain way: the string
// LineSplitter, each parser's parseLine, AppMatcher.match and a rollup keyed by a composite string.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppMatcher } from '../../src/discovery/catalog/app-matcher.js';
import { CATALOG_APPS } from '../../src/discovery/catalog/apps.js';
import { LineSplitter } from '../../src/discovery/line-splitter.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defaultWorkerUrl } from '../../src/discovery/parse-in-worker.js';
import { parseStreamParallel } from '../../src/discovery/parse-parallel.js';
import { parseStream, type ParseStreamResult } from '../../src/discovery/parse-stream.js';
import { PARSERS } from '../../src/discovery/parsers/registry.js';
import type { LogParser } from '../../src/discovery/parsers/types.js';

const NOW = Date.UTC(2024, 5, 20);
const MIN_TS = NOW - 90 * 86_400_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const HOSTS = [
  'www.dropbox.com',
  'outlook.office.com',
  'contoso-my.sharepoint.com',
  'github.com',
  'unknown-saas.example.org',
  'cdn.unknown-vendor.co.uk',
  'WWW.DROPBOX.COM',
  'dropbox.com.',
  'intranet',
  '203.0.113.9',
  '[2001:db8::1]',
  'xn--bcher-kva.example',
  'bücher.example',
  'a_b.example.net',
  '-my.sharepoint.com',
  '123.com',
  '1.2.3',
];
const USERS = ['-', 'ann', 'bob', 'CORP%5Cmlee', 'j%20doe', 'zoë', '%E0%A4%A', 'x'.repeat(20)];
const CLIENTS = ['192.0.2.1', '192.0.2.2', '10.0.0.10', '010.0.0.1', '2001:db8::5', '[2001:db8::6]', 'fe80::1%eth0', 'host', '256.1.1.1'];
const PEERS = ['203.0.113.1', '162.125.19.131', '140.82.112.4', '-', '2a0a:a440::1', 'peer.example', ''];
const CODES = [
  'TCP_MISS/200',
  'TCP_TUNNEL/200',
  'TCP_DENIED/403',
  'TCP_DENIED_REPLY/403',
  'UDP_DENIED/000',
  'NONE/000',
  'TCP_MISS',
  'DENIED/x',
];

function squidLine(r: () => number): string {
  // Half the lines in the common shape (the fast path), half with any variation.
  const clean = r() < 0.5;
  const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * (clean ? Math.min(xs.length, 4) : xs.length))]!;
  const t = 1718445600 + Math.floor(r() * 400_000) - (r() < 0.05 ? 200 * 86400 : 0);
  const ms = clean || r() < 0.9 ? String(Math.floor(r() * 1000)).padStart(3, '0') : pick(r, ['1', '12', '1234', '']);
  const host = pick(r, HOSTS);
  const connect = r() < 0.3;
  const port = !clean && r() < 0.2 ? `:${pick(r, ['443', '8080', '0', '65536', '', '99999'])}` : '';
  const url = connect
    ? `${host}${port || ':443'}`
    : `${pick(r, clean ? ['https', 'http'] : ['https', 'http', 'HTTP', 'ftp'])}://${!clean && r() < 0.05 ? 'u:p@' : ''}${host}${port}${pick(r, ['/', '/a/b?q=1', '?x', '#f', '', '/p%20q'])}`;
  const sep = !clean && r() < 0.1 ? '\t' : ' ';
  const fields = [
    `${t}${ms ? '.' + ms : ''}`,
    String(Math.floor(r() * 9000)).padStart(6),
    pick(r, CLIENTS),
    pick(r, CODES),
    !clean && r() < 0.02 ? 'x12' : String(Math.floor(r() * 100000)),
    connect ? 'CONNECT' : pick(r, ['GET', 'POST', 'CONNECTX']),
    url,
    pick(r, USERS),
    `${pick(r, ['HIER_DIRECT', 'HIER_NONE', 'NOHIER'])}${clean || r() < 0.9 ? '/' + pick(r, PEERS) : ''}`,
    pick(r, ['text/html', '-']),
  ];
  if (!clean && r() < 0.03) fields.pop();
  if (!clean && r() < 0.02) fields.splice(3, 2);
  let line = fields.join(sep);
  if (!clean && r() < 0.05) line = `<13>Jun 15 10:00:00 proxy squid[42]: ${line}`;
  if (!clean && r() < 0.03) line = '   ' + line;
  return line;
}

// Seeds for every other format (as in the fuzz test), varied in address, user and host.
const SEEDS: Record<string, string[]> = {
  'squid-common': [
    '192.0.2.20 - asmith [15/Jun/2024:14:30:00 +0200] "GET https://www.dropbox.com/ HTTP/1.1" 200 7340 TCP_MISS:HIER_DIRECT',
    '192.0.2.21 - - [16/Jun/2024:14:30:00 +0000] "CONNECT github.com:443 HTTP/1.1" 200 10 TCP_DENIED:HIER_NONE',
  ],
  'generic-w3c': [
    '#Fields: date time c-ip cs-username cs-host cs-bytes sc-bytes s-action',
    '2024-06-15 08:15:02 192.0.2.30 "CORP\\mlee" mail.example.com 10 20 TCP_DENIED',
  ],
  bluecoat: [
    '2024-06-15 08:15:02 45 192.0.2.30 CORP\\mlee - - OBSERVED "Technology/Internet;Web Email" -  200 TCP_NC_MISS POST application/json https mail.example.com 443 /api/send ?draft=1 - "Mozilla/5.0 (Windows NT 10.0)" 198.51.100.250 1200 53000 -',
    '2024-06-15 08:15:03 3 192.0.2.31 - - policy_denied DENIED "Storage" - 403 TCP_DENIED CONNECT - tcp www.dropbox.com 443 / - - "-" 198.51.100.250 0 310 -',
  ],
  'palo-alto': [
    'Jun 15 10:00:01 fw 1,2024/06/15 10:00:01,0011,TRAFFIC,end,1,2024/06/15 10:00:00,192.0.2.50,162.125.19.131,0.0.0.0,0.0.0.0,r,,u,app,vsys1,a,b,c,d,e,2024/06/15,1,1,1,443,0,0,0x0,tcp,allow,7000,2000,5000,1',
  ],
  zscaler: [
    '{"sourcetype":"zscalernss-web","event":{"time":"Sat Jun 15 09:00:00 2024","cip":"192.0.2.60","eurl":"www.dropbox.com/","action":"Allowed","reqsize":"1","respsize":"2"}}',
  ],
  fortigate: ['date=2024-06-15 time=10:00:00 type="traffic" srcip=192.0.2.70 dstip=140.82.112.4 action="close" sentbyte=1 rcvdbyte=2'],
  'cisco-asa': [
    'Jun 15 2024 11:02:30 asa : %ASA-6-302014: Teardown TCP connection 9 for outside:203.0.113.110/443 to inside:192.0.2.80/50500 duration 0:02:30 bytes 88000 TCP FINs',
  ],
  'cisco-asa-firepower': [
    '<113>Jun 15 12:00:00 ftd : %FTD-1-430003: SrcIP: 192.0.2.90, DstIP: 203.0.113.120, DstPort: 443, InitiatorBytes: 9, ResponderBytes: 4',
  ],
  checkpoint: ['<134>1 2024-06-15T13:00:00Z cp CheckPoint 1 - [action:"Accept"; src:"192.0.2.100"; dst:"203.0.113.130"; service:"443"]'],
  'juniper-srx': [
    '<14>1 2024-06-15T14:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1 source-address="192.0.2.110" destination-address="203.0.113.140" bytes-from-client="1" bytes-from-server="2"]',
  ],
  'generic-cef': ['CEF:0|Ex|Gw|1|100|Req|3|rt=1718463600000 src=192.0.2.120 dhost=v.example.com in=1 out=2 act=allowed'],
  'generic-leef': ['LEEF:1.0|Zscaler|NSS|4.1|x|devTime=Jun 15 2024 09:02:00 UTC\tsrc=192.0.2.62\turl=https://w.example.com/'],
};

function vary(line: string, r: () => number): string {
  let s = line
    .replace(/192\.0\.2\.\d+/, () => `192.0.2.${Math.floor(r() * 20)}`)
    .replace(/asmith|mlee/, () => pick(r, ['asmith', 'mlee', 'ann']))
    .replace(/www\.dropbox\.com|mail\.example\.com|v\.example\.com/, () => pick(r, HOSTS.slice(0, 6)));
  if (r() < 0.1) s = s.slice(0, Math.floor(r() * s.length));
  return s;
}

function generate(parserId: string, n: number, seed: number): Buffer {
  const r = rng(seed);
  const lines: string[] = [];
  const seeds = SEEDS[parserId];
  if (seeds && parserId === 'generic-w3c') lines.push(seeds[0]!);
  for (let i = 0; i < n; i++) {
    if (parserId === 'squid-native') lines.push(squidLine(r));
    else if (seeds) lines.push(vary(pick(r, seeds), r));
    if (r() < 0.01) lines.push('');
    if (r() < 0.01) lines.push('# comment');
    if (r() < 0.005) lines.push('x'.repeat(300));
  }
  const eol = seed % 2 === 0 ? '\n' : '\r\n';
  return Buffer.from((seed % 3 === 0 ? '\uFEFF' : '') + lines.join(eol) + (seed % 5 === 0 ? '' : eol));
}

interface RefBucket {
  day: string;
  appId: number | null;
  user: string | null;
  srcIp: string;
  transactions: number;
  blockedTransactions: number;
  bytesUp: number;
  bytesDown: number;
  bytesTotal: number;
}

/** The straightforward pipeline. */
function reference(parser: LogParser, text: Buffer, chunkSize: number, maxLineBytes: number) {
  const matcher = new AppMatcher(CATALOG_APPS);
  const p = parser.create({ now: NOW });
  const buckets = new Map<string, RefBucket>();
  const unclassified = new Map<string, { key: string; transactions: number; bytesTotal: number }>();
  const stats = { linesRead: 0, parsed: 0, ignored: 0, failed: 0, tooOld: 0, matched: 0, unclassified: 0, blocked: 0 };
  const failures: { line: number; reason: string; text: string }[] = [];
  let first = Infinity;
  let last = -Infinity;
  const splitter = new LineSplitter(maxLineBytes);
  const sink = {
    line(line: string) {
      stats.linesRead++;
      const r = p.parseLine(line);
      if (r.kind === 'ignored') stats.ignored++;
      else if (r.kind === 'failure') {
        stats.failed++;
        if (failures.length < 20) failures.push({ line: stats.linesRead, reason: r.reason, text: line.slice(0, 200) });
      } else {
        stats.parsed++;
        if (r.timestamp < MIN_TS) {
          stats.tooOld++;
          return;
        }
        first = Math.min(first, r.timestamp);
        last = Math.max(last, r.timestamp);
        if (r.action === 'blocked') stats.blocked++;
        const m = matcher.match(r);
        if (m.app) stats.matched++;
        else stats.unclassified++;
        const day = new Date(Math.floor(r.timestamp / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
        const key = JSON.stringify([day, m.app?.id ?? null, r.user ?? null, r.srcIp]);
        let b = buckets.get(key);
        if (!b) {
          b = {
            day,
            appId: m.app?.id ?? null,
            user: r.user ?? null,
            srcIp: r.srcIp,
            transactions: 0,
            blockedTransactions: 0,
            bytesUp: 0,
            bytesDown: 0,
            bytesTotal: 0,
          };
          buckets.set(key, b);
        }
        b.transactions++;
        if (r.action === 'blocked') b.blockedTransactions++;
        b.bytesUp += r.bytesUp;
        b.bytesDown += r.bytesDown;
        b.bytesTotal += r.bytesTotal;
        if (!m.app && m.unclassifiedKey) {
          const u = unclassified.get(m.unclassifiedKey) ?? { key: m.unclassifiedKey, transactions: 0, bytesTotal: 0 };
          u.transactions++;
          u.bytesTotal += r.bytesTotal;
          unclassified.set(u.key, u);
        }
      }
    },
    oversized(bytes: number, sample: string) {
      stats.linesRead++;
      stats.failed++;
      if (failures.length < 20)
        failures.push({ line: stats.linesRead, reason: `line longer than ${maxLineBytes} bytes (${bytes})`, text: sample });
    },
  };
  for (let i = 0; i < text.length; i += chunkSize) splitter.push(text.subarray(i, i + chunkSize), sink);
  splitter.end(sink);
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const aggregates = [...buckets.values()].sort(
    (a, b) => cmp(a.day, b.day) || (a.appId ?? -1) - (b.appId ?? -1) || cmp(a.user ?? '', b.user ?? '') || cmp(a.srcIp, b.srcIp),
  );
  const unclassifiedDestinations = [...unclassified.values()]
    .sort((a, b) => b.transactions - a.transactions || cmp(a.key, b.key))
    .slice(0, 100);
  return {
    stats: { ...stats, firstTimestamp: first === Infinity ? null : first, lastTimestamp: last === -Infinity ? null : last },
    failures,
    aggregates,
    unclassifiedDestinations,
  };
}

function chunks(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

function comparable(r: ParseStreamResult) {
  const { bytes: _b, files: _f, ...stats } = r.stats;
  return { stats, failures: r.failures, aggregates: r.aggregates, unclassifiedDestinations: r.unclassifiedDestinations };
}

describe('fast paths are equivalent to the straightforward pipeline', () => {
  it('covers every parser', () => {
    for (const id of Object.keys(PARSERS)) expect(id === 'squid-native' || SEEDS[id] !== undefined, id).toBe(true);
  });
  for (const parser of Object.values(PARSERS)) {
    it(`${parser.id}: same stats, failure samples, rollup and unknown destinations`, async () => {
      for (const [seed, chunkSize, maxLineBytes] of [
        [1, 1 << 16, 1 << 20],
        [2, 997, 1 << 20],
        [3, 64, 200],
        [10, 5000, 250],
      ] as const) {
        const text = generate(parser.id, parser.id === 'squid-native' ? 10_000 : 3000, seed);
        const expected = reference(parser, text, chunkSize, maxLineBytes);
        const options = { now: NOW, maxLineBytes };
        const fast = await parseStream(chunks(text, chunkSize), parser, options);
        const plain = await parseStream(chunks(text, chunkSize), parser, { ...options, fastPath: false });
        expect(comparable(fast)).toEqual(expected);
        expect(comparable(plain)).toEqual(expected);
        if (parser.id === 'squid-native') expect(expected.stats.matched).toBeGreaterThan(1000);
      }
    });
  }
});

// Workers run compiled JavaScript: `npm run build` (or tsc -b packages/server) first.
describe.skipIf(!existsSync(fileURLToPath(defaultWorkerUrl())))('parseStreamParallel is equivalent too', () => {
  for (const id of ['squid-native', 'squid-common', 'generic-w3c']) {
    it(`${id}: same result over 2 workers, with small batches, oversized lines and gzip`, async () => {
      const parser = PARSERS[id]!;
      for (const [seed, chunkSize, maxLineBytes, batchBytes] of [
        [1, 1 << 16, 1 << 20, 1 << 20],
        [2, 997, 1 << 20, 4096],
        [3, 64, 200, 1000],
        [10, 5000, 250, 3000],
      ] as const) {
        const text = generate(id, 4000, seed);
        const expected = reference(parser, text, chunkSize, maxLineBytes);
        const options = { now: NOW, maxLineBytes };
        const source = { 'squid-native': 'SQUID_NATIVE', 'squid-common': 'SQUID', 'generic-w3c': 'GENERIC_W3C' }[id]!;
        const plain = await parseStreamParallel(chunks(text, chunkSize), source, options, {
          workers: 2,
          batchBytes,
          maxBatchesInFlight: 2,
        });
        expect(comparable(plain)).toEqual(expected);
        expect(plain.stats.bytes).toBe(text.length);
        if (seed > 2) continue;
        const gz = await parseStreamParallel(chunks(gzipSync(text), 4096), source, options, { workers: 2, batchBytes });
        expect(comparable(gz)).toEqual(expected);
      }
    });
  }

  it('numbers lines per file across zip entries', async () => {
    const { writeZip } = await import('./zip-writer.js');
    const a = generate('squid-native', 3000, 4);
    const b = generate('squid-native', 3000, 6);
    const zip = writeZip([
      { name: 'a.log', data: a },
      { name: 'b.log.gz', data: gzipSync(b), method: 0 },
    ]);
    const seq = await parseStream(chunks(zip, 4096), 'SQUID_NATIVE', { now: NOW, maxSampleFailures: 5000 });
    const par = await parseStreamParallel(
      chunks(zip, 4096),
      'SQUID_NATIVE',
      { now: NOW, maxSampleFailures: 5000 },
      { workers: 2, batchBytes: 8192 },
    );
    expect(par.failures.some((f) => f.file === 'b.log.gz')).toBe(true);
    expect(comparable(par)).toEqual(comparable(seq));
    expect(par.stats.files).toBe(2);
  });
});
