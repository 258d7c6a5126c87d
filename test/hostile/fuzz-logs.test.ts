// Log-line and syslog-frame fuzzing: every discovery parser (and two custom parsers) gets real
// lines of every supported format, mutated, plus generated junk. Invariants: parseLine never throws,
// returns a valid outcome, and stays linear (a long hostile line is parsed within a bound). The TCP
// syslog framer splits the same stream into the same messages whatever the chunking, never keeps a
// message above its cap, and never throws on random bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SyslogFramer } from '../../packages/server/src/discovery/ingest/syslog-receiver.js';
import { defineCustomParser } from '../../packages/server/src/discovery/parsers/custom.js';
import { PARSERS } from '../../packages/server/src/discovery/parsers/registry.js';
import { budgetMs, fcParams, replay, rng, runs, SEED } from './hostile-mode.js';
import { mutateString } from './mutator.js';

// One line of each format (written for this suite), with and without a syslog envelope.
const LINES = [
  '1733390000.512     87 10.1.2.3 TCP_TUNNEL/200 5120 CONNECT outlook.office.com:443 kim HIER_DIRECT/198.51.100.4 -',
  '10.1.2.4 - lee [05/Dec/2024:09:10:11 +0000] "GET http://www.example.org/a?b=c HTTP/1.1" 200 731 TCP_MISS:HIER_DIRECT',
  '#Fields: date time time-taken c-ip cs-username s-action sc-status cs-method cs-uri-scheme cs-host cs-uri-port sc-bytes cs-bytes',
  '2024-12-05 09:10:12 4 10.1.2.5 "DOM\\pat" TCP_NC_MISS 200 GET https drive.example.com 443 9000 300',
  '<14>Dec  5 09:10:13 pa-fw 1,2024/12/05 09:10:13,0099,TRAFFIC,end,2561,2024/12/05 09:10:13,10.1.2.6,198.51.100.9,0.0.0.0,0.0.0.0,rule1,,dom\\sam,ssl,vsys1,trust,untrust,e1,e2,fwd,2024/12/05 09:10:13,1,1,51000,443,0,0,0x0,tcp,allow,4000,1000,3000,10',
  '{"sourcetype":"zscalernss-web","event":{"datetime":"Thu Dec 05 09:10:14 2024","clientip":"10.1.2.7","login":"ann@example.com","hostname":"box.example.com","action":"Allowed","requestsize":"10","responsesize":"20"}}',
  'date=2024-12-05 time=09:10:15 devname="fg" type="traffic" subtype="forward" srcip=10.1.2.8 dstip=198.51.100.10 dstport=443 action="accept" sentbyte=100 rcvdbyte=2000 user="bo" hostname="www.example.net"',
  '<166>Dec 05 2024 09:10:16: %ASA-6-302013: Built outbound TCP connection 77 for outside:198.51.100.11/443 (198.51.100.11/443) to inside:10.1.2.9/51515 (203.0.113.9/51515)',
  '<166>Dec 05 2024 09:10:17: %ASA-6-302014: Teardown TCP connection 77 for outside:198.51.100.11/443 to inside:10.1.2.9/51515 duration 0:00:30 bytes 12345 TCP FINs',
  '<113>Dec  5 09:10:18 ftd : %FTD-1-430003: EventPriority: Low, DeviceUUID: x, SrcIP: 10.1.2.10, DstIP: 198.51.100.12, SrcPort: 5000, DstPort: 443, Protocol: tcp, InitiatorBytes: 100, ResponderBytes: 200, URL: https://www.example.com/',
  '<134>1 2024-12-05T09:10:19Z gw CheckPoint 123 - [action:"Accept"; src:"10.1.2.11"; dst:"198.51.100.13"; service:"443"; sent_bytes:"1"; received_bytes:"2"; resource:"https://a.example.com/"]',
  '<14>1 2024-12-05T09:10:20.000Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.26 source-address="10.1.2.12" destination-address="198.51.100.14" bytes-from-client="5" bytes-from-server="6" username="cy"]',
  'CEF:0|Vendor|Proxy|1.0|100|Web request|3|rt=1733390021000 src=10.1.2.13 suser=dee dhost=e.example.com request=https://e.example.com/x in=10 out=20 act=allowed',
  'LEEF:1.0|Zscaler|NSS|4.1|web|devTime=Dec 05 2024 09:10:22 UTC\tsrc=10.1.2.14\tusrName=eve\turl=https://f.example.com/\trequestsize=1\tresponsesize=2',
  'LEEF:2.0|Vendor|Product|1|id|^|src=10.1.2.15^dst=198.51.100.15^devTime=1733390023000',
  '1733390024,10.1.2.16,g.example.com,10,20',
  'ts=05/Dec/2024:09:10:25 +0000 src=10.1.2.17 u=https://h.example.com/',
];

const PARSER_LIST = [
  ...Object.values(PARSERS),
  defineCustomParser({ layout: 'csv', fields: { timestamp: '0', srcIp: '1', destHost: '2', bytesUp: '3', bytesDown: '4' } }),
  defineCustomParser({
    layout: 'keyvalue',
    fields: { timestamp: 'ts', srcIp: 'src', url: 'u' },
    timestampFormat: 'dd/MMM/yyyy:HH:mm:ss Z',
  }),
];

/** A line under attack: a real line mutated, a real line with a huge run, or generated junk. */
const arbLine = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.integer({ min: 0, max: 0x7fffffff }).map((s) => {
      const r = rng(s ^ SEED);
      return mutateString(LINES[Math.floor(r() * LINES.length)]!, r, 5);
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...LINES),
        fc.nat({ max: 200 }),
        fc.constantFrom(' ', '"', '=', ',', '[', '\\', ':', '|', 'a', '1.'),
        fc.integer({ min: 1_000, max: 60_000 }),
      )
      .map(([l, i, c, n]) => l.slice(0, i) + c.repeat(n) + l.slice(i)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...' \t"\'=:;,|[]{}\\/.-%<>#0123456789aZ'), { maxLength: 200 }).map((a) => a.join('')) },
);

/**
 * No line may take long: this catches catastrophic backtracking and runaway scans on a 60 kB line,
 * with room for a loaded CI machine (the linear-time guarantee itself is asserted on 1 MB lines in
 * packages/server/test/discovery/linear-parsers.test.ts).
 */
const PER_LINE_MS = 1_000;

describe(`hostile fuzzing of the log parsers and syslog framing (seed ${SEED})`, () => {
  it('every parser: no throw, a valid outcome, bounded time per line', { timeout: budgetMs(60_000, 4 * 3_600_000) }, () => {
    const parsers = PARSER_LIST.map((p) => ({ id: p.id, line: p.create({ now: Date.UTC(2024, 11, 6) }) }));
    let index = 0;
    fc.assert(
      fc.property(arbLine, (line) => {
        const why = replay('log-lines', index++, line);
        for (const p of parsers) {
          const started = performance.now();
          let out;
          try {
            out = p.line.parseLine(line);
          } catch (err) {
            throw new Error(`${why}: ${p.id} threw ${String(err)}`);
          }
          const took = performance.now() - started;
          expect(took, `${why}: ${p.id} took ${took.toFixed(0)} ms on a ${line.length}-character line`).toBeLessThan(PER_LINE_MS);
          expect(['record', 'failure', 'ignored'], `${why}: ${p.id}`).toContain(out.kind);
          if (out.kind === 'record') {
            expect(Number.isFinite(out.timestamp), `${why}: ${p.id} timestamp`).toBe(true);
            expect(out.bytesUp >= 0 && out.bytesDown >= 0, `${why}: ${p.id} bytes`).toBe(true);
          }
        }
      }),
      fcParams(runs(400)),
    );
  });

  it('syslog TCP framing: same messages whatever the chunking, capped, never throws', { timeout: budgetMs(60_000) }, () => {
    const arbFrames = fc.array(
      fc.oneof(
        fc.constantFrom(...LINES).map((l) => ({ octet: false, text: l })),
        fc.constantFrom(...LINES).map((l) => ({ octet: true, text: l })),
        fc.string({ maxLength: 80 }).map((t) => ({ octet: true, text: t.replace(/^\s+|\s+$/g, '') || 'x' })),
      ),
      { minLength: 1, maxLength: 20 },
    );
    let index = 0;
    fc.assert(
      fc.property(arbFrames, fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }), (frames, cuts) => {
        const why = replay('syslog-frames', index++, { frames, cuts });
        const stream = Buffer.concat(
          frames.map((f) => (f.octet ? Buffer.from(`${Buffer.byteLength(f.text)} ${f.text}`) : Buffer.from(`${f.text}\n`))),
        );
        const whole = new SyslogFramer();
        const expected = [...whole.push(stream), ...whole.end()];
        const chunked = new SyslogFramer();
        const got: string[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          got.push(...chunked.push(stream.subarray(at, at + n)));
          at += n;
        }
        got.push(...chunked.end());
        expect(got, why).toEqual(expected);
      }),
      fcParams(runs(300)),
    );
  });

  it(
    'syslog TCP framing: random and hostile bytes (huge octet counts, no newline) stay under the cap',
    { timeout: budgetMs(60_000) },
    () => {
      const MAX = 64 * 1024;
      let index = 0;
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.uint8Array({ maxLength: 2000 }),
              fc.integer({ min: 0, max: 9_999_999 }).map((n) => Buffer.from(`${n} `)),
              fc.integer({ min: 1, max: 200_000 }).map((n) => Buffer.alloc(n, 0x41)),
            ),
            { maxLength: 12 },
          ),
          (chunks) => {
            const why = replay(
              'syslog-bytes',
              index++,
              chunks.map((c) => c.length),
            );
            const framer = new SyslogFramer();
            for (const c of chunks)
              for (const m of framer.push(Buffer.from(c))) expect(Buffer.byteLength(m), why).toBeLessThanOrEqual(MAX * 3);
            for (const m of framer.end()) expect(typeof m, why).toBe('string');
          },
        ),
        fcParams(runs(200)),
      );
    },
  );
});
