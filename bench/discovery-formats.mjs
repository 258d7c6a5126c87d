// Cloud Discovery throughput per log format. Runs from the BUILT server package:
//   npm run build && node bench/discovery-formats.mjs [sizeMB=30]
// For every built-in format, generates `sizeMB` of lines from one or two templates (varied
// client address, user and destination; documentation address ranges), then times parseStream
// (one thread) on it from memory in 64 KiB chunks. Prints MB/s and transactions/s per format.
// Only Squid native has a byte-level fast path; the others run the string parsers.
import { Readable } from 'node:stream';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseStream } from '../packages/server/dist/discovery/parse-stream.js';
import { rng, HOSTS } from './discovery-gen.mjs';

const sizeMB = Number(process.argv[2] ?? 30);
const NOW = Date.UTC(2024, 5, 20);

const TEMPLATES = {
  SQUID_NATIVE: ['1718445600.125    231 {ip} TCP_MISS/200 48211 GET https://{host}/r.pdf {user} HIER_DIRECT/203.0.113.80 application/pdf'],
  SQUID: ['{ip} - {user} [15/Jun/2024:14:30:00 +0200] "GET https://{host}/ HTTP/1.1" 200 7340 TCP_MISS:HIER_DIRECT'],
  BLUECOAT: [
    '2024-06-15 08:15:02 45 {ip} {user} - - OBSERVED "Technology/Internet" -  200 TCP_NC_MISS POST application/json https {host} 443 /api/send ?draft=1 - "Mozilla/5.0" 198.51.100.250 1200 53000 -',
  ],
  GENERIC_W3C: ['2024-06-15 08:15:02 {ip} {user} {host} 10 20 TCP_MISS'],
  PALO_ALTO: [
    'Jun 15 10:00:01 fw 1,2024/06/15 10:00:01,0011,TRAFFIC,end,1,2024/06/15 10:00:00,{ip},162.125.19.131,0.0.0.0,0.0.0.0,r,{user},,ssl,vsys1,a,b,c,d,e,2024/06/15,1,1,1,443,0,0,0x0,tcp,allow,7000,2000,5000,1',
  ],
  ZSCALER: [
    '{"sourcetype":"zscalernss-web","event":{"time":"Sat Jun 15 09:00:00 2024","login":"{user}","cip":"{ip}","eurl":"{host}/","action":"Allowed","reqsize":"1","respsize":"2"}}',
  ],
  FORTIGATE: [
    'date=2024-06-15 time=10:00:00 type="traffic" srcip={ip} dstip=140.82.112.4 user="{user}" hostname="{host}" action="close" sentbyte=1 rcvdbyte=2',
  ],
  CISCO_ASA: [
    'Jun 15 2024 11:02:30 asa : %ASA-6-302014: Teardown TCP connection 9 for outside:140.82.112.4/443 to inside:{ip}/50500 duration 0:02:30 bytes 88000 TCP FINs',
  ],
  CISCO_ASA_FIREPOWER: [
    '<113>Jun 15 12:00:00 ftd : %FTD-1-430003: SrcIP: {ip}, DstIP: 140.82.112.4, DstPort: 443, InitiatorBytes: 9, ResponderBytes: 4, User: {user}',
  ],
  CHECKPOINT: [
    '<134>1 2024-06-15T13:00:00Z cp CheckPoint 1 - [action:"Accept"; src:"{ip}"; dst:"140.82.112.4"; service:"443"; user:"{user}"]',
  ],
  JUNIPER_SRX: [
    '<14>1 2024-06-15T14:00:00Z srx RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1 source-address="{ip}" destination-address="140.82.112.4" bytes-from-client="1" bytes-from-server="2" username="{user}"]',
  ],
  GENERIC_CEF: ['CEF:0|Ex|Gw|1|100|Req|3|rt=1718463600000 src={ip} suser={user} dhost={host} in=1 out=2 act=allowed'],
  GENERIC_LEEF: ['LEEF:1.0|Zscaler|NSS|4.1|x|devTime=Jun 15 2024 09:02:00 UTC\tsrc={ip}\tusrName={user}\turl=https://{host}/'],
};

function generate(source) {
  const r = rng(11);
  const parts = [];
  let size = 0;
  if (source === 'GENERIC_W3C') parts.push('#Fields: date time c-ip cs-username cs-host cs-bytes sc-bytes s-action\n');
  const templates = TEMPLATES[source];
  while (size < sizeMB * 1e6) {
    const lines = [];
    for (let i = 0; i < 2000; i++) {
      const u = Math.floor(r() * 2000);
      lines.push(
        templates[i % templates.length]
          .replace('{ip}', `10.${u % 4}.${(u >> 2) & 255}.${1 + (u % 250)}`)
          .replace('{user}', `user${u}`)
          .replace('{host}', HOSTS[Math.floor(r() * HOSTS.length)]),
      );
    }
    const chunk = lines.join('\n') + '\n';
    size += chunk.length;
    parts.push(chunk);
  }
  return Buffer.from(parts.join(''));
}

function* chunks(buf) {
  for (let i = 0; i < buf.length; i += 1 << 16) yield buf.subarray(i, i + (1 << 16));
}

console.log(
  `${sizeMB} MB per format, node ${process.version}; ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
for (const source of Object.keys(TEMPLATES)) {
  const text = generate(source);
  const t0 = performance.now();
  const r = await parseStream(Readable.from(chunks(text)), source, { now: NOW });
  const s = (performance.now() - t0) / 1000;
  const ok = r.stats.parsed - r.stats.tooOld;
  console.log(
    `${source.padEnd(20)} ${(text.length / 1e6 / s).toFixed(1).padStart(6)} MB/s ${(r.stats.parsed / s / 1e6).toFixed(2)} M lines/s  (${ok} transactions, ${r.stats.matched} matched, ${r.stats.failed} failed, ${r.stats.ignored} ignored)`,
  );
}
