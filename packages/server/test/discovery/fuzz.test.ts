import { describe, expect, it } from 'vitest';
import { PARSERS } from '../../src/discovery/parsers/registry.js';
import { defineCustomParser } from '../../src/discovery/parsers/custom.js';

// Seeds in each format (written for this test) that the fuzzer mutates.
const SEEDS = [
  '1718445600.125    231 192.0.2.10 TCP_MISS/200 48211 GET http://files.example.com/r.pdf jdoe HIER_DIRECT/203.0.113.80 application/pdf',
  '192.0.2.20 - asmith [15/Jun/2024:14:30:00 +0200] "GET https://mail.example.com/ HTTP/1.1" 200 7340 TCP_MISS:HIER_DIRECT',
  '#Fields: date time c-ip cs-username cs-host cs-bytes sc-bytes s-action',
  '2024-06-15 08:15:02 192.0.2.30 "CORP\\mlee" mail.example.com 10 20 TCP_DENIED',
  'Jun 15 10:00:01 fw 1,2024/06/15 10:00:01,0011,TRAFFIC,end,1,2024/06/15 10:00:00,192.0.2.50,203.0.113.70,0.0.0.0,0.0.0.0,r,,u,app,vsys1,a,b,c,d,e,2024/06/15,1,1,1,443,0,0,0x0,tcp,allow,7000,2000,5000,1',
  '{"sourcetype":"zscalernss-web","event":{"time":"Sat Jun 15 09:00:00 2024","cip":"192.0.2.60","eurl":"x.example.com/","action":"Allowed","reqsize":"1","respsize":"2"}}',
  'date=2024-06-15 time=10:00:00 type="traffic" srcip=192.0.2.70 dstip=203.0.113.100 action="close" sentbyte=1 rcvdbyte=2',
  'Jun 15 2024 11:02:30 asa : %ASA-6-302014: Teardown TCP connection 9 for outside:203.0.113.110/443 to inside:192.0.2.80/50500 duration 0:02:30 bytes 88000 TCP FINs',
  '<113>Jun 15 12:00:00 ftd : %FTD-1-430003: SrcIP: 192.0.2.90, DstIP: 203.0.113.120, DstPort: 443, InitiatorBytes: 9, ResponderBytes: 4',
  '<134>1 2024-06-15T13:00:00Z cp CheckPoint 1 - [action:"Accept"; src:"192.0.2.100"; dst:"203.0.113.130"; service:"443"]',
  '<14>1 2024-06-15T14:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1 source-address="192.0.2.110" destination-address="203.0.113.140" bytes-from-client="1" bytes-from-server="2"]',
  'CEF:0|Ex|Gw|1|100|Req|3|rt=1718463600000 src=192.0.2.120 dhost=v.example.com in=1 out=2 act=allowed',
  'LEEF:1.0|Zscaler|NSS|4.1|x|devTime=Jun 15 2024 09:02:00 UTC\tsrc=192.0.2.62\turl=https://w.example.com/',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return s / 4294967296;
  };
}

const ALPHABET = ' \t"\'=:;,|[]{}\\/.-%<>#\u201d\u00e9\u0000\r0123456789aZ';

function mutate(line: string, r: () => number): string {
  let s = line;
  const ops = 1 + Math.floor(r() * 4);
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(r() * (s.length + 1));
    const op = Math.floor(r() * 5);
    if (op === 0)
      s = s.slice(0, i); // truncate
    else if (op === 1) s = s.slice(0, i) + ALPHABET[Math.floor(r() * ALPHABET.length)] + s.slice(i);
    else if (op === 2) s = s.slice(0, i) + s.slice(i + 1 + Math.floor(r() * 5));
    else if (op === 3) s = s.slice(0, i) + s.slice(Math.floor(r() * s.length));
    else s = s + s.slice(0, i);
  }
  return s;
}

describe('parser fuzzing', () => {
  const parsers = [
    ...Object.values(PARSERS),
    defineCustomParser({ layout: 'csv', fields: { timestamp: '0', srcIp: '1', destHost: '2' } }),
    defineCustomParser({
      layout: 'keyvalue',
      fields: { timestamp: 'ts', srcIp: 'src', url: 'u' },
      timestampFormat: 'dd/MMM/yyyy:HH:mm:ss Z',
    }),
  ];

  it('never throws on mutated or random lines, and always returns a valid outcome', () => {
    const r = rng(20240615);
    for (const parser of parsers) {
      const p = parser.create({ now: Date.UTC(2024, 5, 20) });
      for (let n = 0; n < 3000; n++) {
        const base = SEEDS[Math.floor(r() * SEEDS.length)]!;
        const line =
          n % 10 === 0
            ? Array.from({ length: Math.floor(r() * 120) }, () => ALPHABET[Math.floor(r() * ALPHABET.length)]).join('')
            : mutate(base, r);
        let out;
        try {
          out = p.parseLine(line);
        } catch (err) {
          throw new Error(`${parser.id} threw on ${JSON.stringify(line)}: ${String(err)}`);
        }
        expect(['record', 'failure', 'ignored']).toContain(out.kind);
        if (out.kind === 'record') {
          expect(Number.isFinite(out.timestamp), `${parser.id}: ${line}`).toBe(true);
          expect(out.bytesUp >= 0 && out.bytesDown >= 0 && out.bytesTotal >= 0, `${parser.id}: ${line}`).toBe(true);
          expect(out.srcIp.length).toBeGreaterThan(0);
        } else expect(out.reason.length).toBeGreaterThan(0);
      }
    }
  });
});
