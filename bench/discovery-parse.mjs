// Cloud Discovery parsing benchmark. Runs from the BUILT server package with plain node:
//   npm run build && node bench/discovery-parse.mjs [sizeMB=300] [runs=3]
// Prints, in one run on this machine:
//  - MB/s of a raw read of the file (the physical limit for this input path),
//  - MB/s of Appwarden's parseStream on one thread (byte-level splitting, Squid native fast
//    path, catalog match, daily aggregation) and of parseStreamParallel over 2 worker threads,
//  - MB/s of a naive peer: readline + split(/\s+/) + new URL() + Map aggregation (no catalog),
//  - MB/s of GoAccess (Debian package `goaccess`) on the same file, JSON report to a temp file,
//  - the ratios, as medians of `runs` alternating runs,
//  - IP range lookups/s with 10k ranges (IPv4 string and number, IPv6 string).
// Absolute numbers on shared 2-core machines are noisy; compare the ratios.
//
// GoAccess's predefined SQUID format does not read this file (it expects other fields after the
// epoch), so it gets the equivalent custom format below: %x = epoch seconds (date and time
// format %s), %L = elapsed ms, %h = client, %s = status, %b = bytes, %m = method, %U = URL,
// %e = user. GoAccess builds more panels than our rollup (URLs, status codes, visitors).
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseStream } from '../packages/server/dist/discovery/parse-stream.js';
import { parseStreamParallel } from '../packages/server/dist/discovery/parse-parallel.js';
import { IpRangeTable, parseIpv4Number } from '../packages/server/dist/discovery/ip-ranges.js';
import { LineSplitter } from '../packages/server/dist/discovery/line-splitter.js';
import { squidNativeParser } from '../packages/server/dist/discovery/parsers/squid-native.js';
import { rng, writeSquidLog } from './discovery-gen.mjs';
import { naive as naiveOf, naiveParseOnly as naiveParseOnlyOf } from './lib/naive-squid.mjs';

const sizeMB = Number(process.argv[2] ?? 300);
const runs = Number(process.argv[3] ?? 3);
const file = join(tmpdir(), `appwarden-bench-squid-${sizeMB}.log`);

async function generate() {
  if (existsSync(file) && statSync(file).size >= sizeMB * 1e6) return;
  await writeSquidLog(createWriteStream(file), sizeMB);
}

async function rawRead() {
  let n = 0;
  for await (const c of createReadStream(file, { highWaterMark: 1 << 16 })) n += c.length;
  return n;
}

async function ours() {
  const r = await parseStream(createReadStream(file, { highWaterMark: 1 << 16 }), 'SQUID_NATIVE', {
    now: 1718400000000 + 86400000,
    maxAgeDays: null,
  });
  return r.stats.parsed;
}

async function oursParallel() {
  const r = await parseStreamParallel(
    createReadStream(file, { highWaterMark: 1 << 16 }),
    'SQUID_NATIVE',
    { now: 1718400000000 + 86400000, maxAgeDays: null },
    { workers: 2 },
  );
  return r.stats.parsed;
}

const GOACCESS_FORMAT = '%x.%^ %~%L %h %^/%s %b %m %U %e %^';
const hasGoAccess = spawnSync('goaccess', ['--version']).status === 0;

async function goaccess() {
  const out = join(tmpdir(), `appwarden-bench-goaccess-${process.pid}.json`);
  const r = spawnSync(
    'goaccess',
    [file, `--log-format=${GOACCESS_FORMAT}`, '--date-format=%s', '--time-format=%s', '--no-progress', '--no-global-config', '-o', out],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`goaccess failed: ${r.stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  unlinkSync(out);
  return report.general.valid_requests;
}

// The string parser alone (the fallback for lines the fast path does not take): no catalog, no rollup.
async function oursParseOnly() {
  const p = squidNativeParser.create({ now: 1718400000000 });
  const splitter = new LineSplitter();
  let parsed = 0;
  const sink = {
    line: (l) => {
      if (p.parseLine(l).kind === 'record') parsed++;
    },
    oversized: () => {},
  };
  for await (const c of createReadStream(file, { highWaterMark: 1 << 16 })) splitter.push(c, sink);
  splitter.end(sink);
  return parsed;
}

// The peer (bench/lib/naive-squid.mjs): what one writes first with Node's standard library.
const naiveParseOnly = () => naiveParseOnlyOf(file);
const naive = () => naiveOf(file);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timeIt(fn) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const n = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, n };
}

function ipBench() {
  const r = rng(99);
  const entries = [];
  for (let i = 0; i < 10_000; i++) {
    if (i % 10 === 9) {
      const g = () => Math.floor(r() * 65536).toString(16);
      entries.push({ range: `2001:db8:${g()}:${g()}::/64`, value: i });
    } else {
      const bits = 8 + Math.floor(r() * 25);
      const a = Math.floor(r() * 4294967296) >>> 0;
      const net = bits === 32 ? a : (a & ((0xffffffff << (32 - bits)) >>> 0)) >>> 0;
      entries.push({ range: `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${bits}`, value: i });
    }
  }
  const tb = performance.now();
  const table = IpRangeTable.build(entries);
  const buildMs = performance.now() - tb;
  const N = 2_000_000;
  const probes = Array.from(
    { length: 1 << 16 },
    () => `${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`,
  );
  const nums = probes.map(parseIpv4Number);
  const v6 = Array.from(
    { length: 1 << 12 },
    () => `2001:db8:${Math.floor(r() * 65536).toString(16)}::${Math.floor(r() * 65536).toString(16)}`,
  );
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) hits += table.lookup(probes[i & 0xffff]).length;
  const strMs = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < N; i++) hits += table.lookupV4(nums[i & 0xffff]).length;
  const numMs = performance.now() - t1;
  const M = 2_000_000;
  const t2 = performance.now();
  for (let i = 0; i < M; i++) hits += table.lookup(v6[i & 0xfff]).length;
  const v6Ms = performance.now() - t2;
  return {
    buildMs,
    segments: table.segmentCount,
    strPerSec: N / (strMs / 1000),
    numPerSec: N / (numMs / 1000),
    v6PerSec: M / (v6Ms / 1000),
    hits,
  };
}

await generate();
const bytes = statSync(file).size;
const mb = bytes / 1e6;
console.log(
  `input: ${file} (${mb.toFixed(0)} MB), node ${process.version}, runs=${runs}; ${cpus().length} cores, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} (no load generator; the parsers and their peers run one after the other)`,
);
const res = { raw: [], ours: [], oursPar: [], naive: [], goaccess: [], oursParse: [], naiveParse: [] };
// CPU seconds per GB (process-wide, worker threads included): steadier than wall time on a busy machine.
const cpu = { ours: [], oursPar: [], naive: [] };
let counts = {};
const variants = [
  ['raw', rawRead],
  ['ours', ours],
  ['oursPar', oursParallel],
  ['naive', naive],
  ['oursParse', oursParseOnly],
  ['naiveParse', naiveParseOnly],
];
if (hasGoAccess) variants.splice(4, 0, ['goaccess', goaccess]);
else console.log('goaccess not installed (apt-get install goaccess): GoAccess ratio skipped');
for (let i = 0; i < runs; i++) {
  for (const [name, fn] of variants) {
    const { ms, cpuMs, n } = await timeIt(fn);
    res[name].push(mb / (ms / 1000));
    if (cpu[name]) cpu[name].push(cpuMs / 1000 / (mb / 1000));
    counts[name] = n;
  }
}
const m = Object.fromEntries(Object.entries(res).map(([k, v]) => [k, median(v)]));
console.log(`raw read (physical limit): ${m.raw.toFixed(0)} MB/s`);
const all = (k) => res[k].map((x) => x.toFixed(1)).join(', ');
console.log(
  `appwarden parseStream (1 thread):          ${m.ours.toFixed(1)} MB/s  (${counts.ours} transactions; all runs: ${all('ours')})`,
);
console.log(
  `appwarden parseStreamParallel (2 workers): ${m.oursPar.toFixed(1)} MB/s  (${counts.oursPar} transactions; all runs: ${all('oursPar')})`,
);
console.log(`naive readline+split:                      ${m.naive.toFixed(1)} MB/s  (${counts.naive} lines; all runs: ${all('naive')})`);
if (hasGoAccess)
  console.log(
    `goaccess (${GOACCESS_FORMAT}): ${m.goaccess.toFixed(1)} MB/s  (${counts.goaccess} valid requests; all runs: ${all('goaccess')})`,
  );
console.log(`ratio appwarden / naive:    1 thread ${(m.ours / m.naive).toFixed(2)}x, 2 workers ${(m.oursPar / m.naive).toFixed(2)}x`);
if (hasGoAccess)
  console.log(
    `ratio appwarden / goaccess: 1 thread ${(m.ours / m.goaccess).toFixed(2)}x, 2 workers ${(m.oursPar / m.goaccess).toFixed(2)}x`,
  );
const c = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, median(v)]));
console.log(
  `CPU s per GB: appwarden 1 thread ${c.ours.toFixed(1)}, 2 workers ${c.oursPar.toFixed(1)} (all threads), naive ${c.naive.toFixed(1)}; naive / appwarden 1 thread ${(c.naive / c.ours).toFixed(2)}x`,
);
console.log(`ratio appwarden / raw:      1 thread ${(m.ours / m.raw).toFixed(3)}, 2 workers ${(m.oursPar / m.raw).toFixed(3)}`);
console.log(
  `string parser only (the fallback path: LineSplitter + squid-native parseLine, no match or rollup): appwarden ${m.oursParse.toFixed(1)} MB/s, naive readline+split+URL ${m.naiveParse.toFixed(1)} MB/s, ratio ${(m.oursParse / m.naiveParse).toFixed(2)}x`,
);
const ip = ipBench();
console.log(`ip ranges: 10k ranges -> ${ip.segments} segments, built in ${ip.buildMs.toFixed(0)} ms`);
console.log(
  `ip lookups (IPv4 string): ${(ip.strPerSec / 1e6).toFixed(2)} M/s; (IPv4 number): ${(ip.numPerSec / 1e6).toFixed(2)} M/s; (IPv6 string): ${(ip.v6PerSec / 1e6).toFixed(2)} M/s`,
);
if (process.env.KEEP_BENCH_FILE !== '1') unlinkSync(file);
