// Filtered alert list vs a cached page behind the same authentication, in one run on this machine.
// Usage: npm run build && node bench/cloudapps-alerts.mjs [--alerts 1000000] [--activities 5000000]
//          [--data-dir /tmp/appwarden-cloudapps-bench] [--duration 10] [--rounds 3] [--connections 16]
// The data set is generated once into --data-dir and reused by later runs with the same sizes
// (without --data-dir, a temporary directory is filled and removed). The server runs in a child
// process (bench/lib/serve-cloudapps.mjs); the load generator (autocannon, 16 connections) runs in
// this one, on the same CPU cores. BENCH_APPWARDEN_MODULE=/other/packages/server/dist/index.js
// serves another build (e.g. main's) from the same data directory; BENCH_SERVER_EXEC_ARGV passes
// node options to the server process. With --compare /other/packages/server/dist/index.js, a second
// server runs that build on the same data (started after the first, idle while the first is
// measured) and the rounds alternate between the two builds too: list, ceiling, other list, other
// ceiling; the figures of both builds come from one run.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string', default: '1000000' },
    activities: { type: 'string', default: '5000000' },
    'data-dir': { type: 'string' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    compare: { type: 'string' },
  },
});
const DURATION = Number(args.duration);
const ROUNDS = Number(args.rounds);
const CONNECTIONS = Number(args.connections);
const keep = args['data-dir'] !== undefined;
const dataDir = keep ? path.resolve(args['data-dir']) : fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-'));
fs.mkdirSync(dataDir, { recursive: true });

const startServer = async (module) => {
  const child = fork(new URL('./lib/serve-cloudapps.mjs', import.meta.url).pathname, [dataDir, args.alerts, args.activities], {
    stdio: 'inherit',
    // e.g. BENCH_SERVER_EXEC_ARGV="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
    execArgv: process.env.BENCH_SERVER_EXEC_ARGV ? process.env.BENCH_SERVER_EXEC_ARGV.split(' ') : [],
    env: module ? { ...process.env, BENCH_APPWARDEN_MODULE: module } : process.env,
  });
  const next = () => new Promise((resolve) => child.once('message', resolve));
  const server = await next();
  return { ...server, child, next, label: module ?? process.env.BENCH_APPWARDEN_MODULE ?? 'this build' };
};
const servers = [await startServer(undefined)];
if (args.compare) servers.push(await startServer(args.compare));
const { load, endTime } = servers[0];
const c = load.counts;
console.log(
  `data set (${dataDir}): ${c.alerts} alerts, ${c.activities} activities, ${c.entities} entities; ` +
    `${load.reused ? 'reused, ' : ''}generated and loaded in ${load.seconds.toFixed(0)} s (${load.recordsPerSecond} records/s)`,
);

const body = JSON.stringify({
  filters: {
    severity: { eq: [1, 2] },
    resolutionStatus: { eq: [0] },
    date: { range: [{ start: endTime - 20 * 86_400_000, end: endTime - 5 * 86_400_000 }] },
  },
  sortField: 'date',
  sortDirection: 'desc',
  limit: 100,
});
let firstPage;
for (const server of servers) {
  server.headers = { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' };
  server.apiUrl = `${server.base}/api/v1/alerts/`;
  const sample = await fetch(server.apiUrl, { method: 'POST', headers: server.headers, body });
  const page = await sample.text();
  if (sample.status !== 200) throw new Error(`alerts list answered ${sample.status}: ${page}`);
  const parsed = JSON.parse(page);
  console.log(
    `${server.label}: filtered page: ${parsed.data.length} alerts of ${parsed.total}${parsed.moreThanTotal ? '+' : ''} matching, ${Buffer.byteLength(page)} bytes`,
  );
  // Both builds must give the same bytes (URLs differ only by the server's port).
  const same = page.replaceAll(server.base, '');
  if (firstPage === undefined) firstPage = same;
  else if (same !== firstPage) throw new Error(`${server.label} answers another page than ${servers[0].label}`);
  server.child.send({ cache: page });
  await server.next();
}

const run = (url, headers) =>
  new Promise((resolve, reject) =>
    autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
const fmt = (r) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`;

for (const server of servers) await run(server.apiUrl, server.headers); // warm-up
for (const server of servers) server.results = { api: [], ceiling: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const server of servers) {
    server.results.api.push(await run(server.apiUrl, server.headers));
    server.results.ceiling.push(await run(server.ceilingUrl, server.headers));
  }
}
const median = (xs, f) => xs.map(f).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `cores: ${os.cpus().length}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; the load generator shares them; ` + `${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} alternating rounds`,
);
const summary = [];
for (const server of servers) {
  const { results } = server;
  console.log(`${server.label}:`);
  for (const r of results.api) console.log(`  filtered list : ${fmt(r)}`);
  for (const r of results.ceiling) console.log(`  cached page   : ${fmt(r)}`);
  const ratios = results.api.map((r, i) => r.requests.average / results.ceiling[i].requests.average);
  const apiRps = median(results.api, (r) => r.requests.average);
  const ceilRps = median(results.ceiling, (r) => r.requests.average);
  const p99 = median(results.api, (r) => r.latency.p99);
  const ratio = median(ratios, (x) => x);
  summary.push({ apiRps, p99 });
  console.log(
    `  median: filtered list ${Math.round(apiRps)} req/s, p99 ${p99} ms; cached page ${Math.round(ceilRps)} req/s (p99 ${median(results.ceiling, (r) => r.latency.p99)} ms); ` +
      `ratio filtered/cached per round ${ratios.map((x) => x.toFixed(2)).join(', ')}, median ${ratio.toFixed(2)}`,
  );
  console.log(`  targets: p99 <= 30 ms ${p99 <= 30 ? 'PASS' : 'FAIL'}; ratio >= 0.40 ${ratio >= 0.4 ? 'PASS' : 'FAIL'}`);
}
if (servers.length === 2) {
  console.log(`filtered list req/s, ${servers[0].label} / ${servers[1].label}: ${(summary[0].apiRps / summary[1].apiRps).toFixed(2)}`);
}

for (const server of servers) {
  server.child.send({ stop: true });
  await new Promise((resolve) => server.child.once('exit', resolve));
}
if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
