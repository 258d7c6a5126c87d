// Cloud Discovery on a high-cardinality log (issue 12): first byte uploaded -> report available,
// beside the naive peer on the same file, in one run on this machine, from BUILT packages:
//   npm run build && node bench/discovery-usage.mjs [--lines 200000] [--full] [--rounds 3]
//        [--store sqlite|postgres --database-url postgres://...]
// The log (bench/discovery-gen.mjs writeHighCardinalitySquidLog): Squid native lines whose source
// IP (of 5000), user (of 6) and app (of 20 catalogued apps) are chosen independently, so that
// nearly every line is a usage bucket of its own; --full writes the 2M lines (~238 MB) of the
// issue, the default is 200k lines for a quick run. Dated from three days ago.
// Per round (alternating the order of the two):
//  - Appwarden: a fresh server child (bench/discovery-upload.mjs --server: --demo, data dir in a
//    temp dir) receives one chunked Put Blob, then done_upload, then GET upload_jobs/<id>/ every
//    20 ms until the job has succeeded; timed from the first byte of the PUT to the job's end
//    (the report reads the stored buckets). Split into PUT and job.
//  - the peer (bench/lib/naive-squid.mjs, the peer of discovery-parse.mjs): readline + split +
//    new URL() + a Map per day x host x user x IP, in this process; also its parse-only variant.
// Printed: medians, and the speed ratios Appwarden end to end vs the peer (target >= 1.5x).
// The server child also reports the longest event-loop stall it saw (monitorEventLoopDelay max).
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeHighCardinalitySquidLog } from './discovery-gen.mjs';
import { naive, naiveParseOnly } from './lib/naive-squid.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const lines = args.includes('--full') ? 2_000_000 : Number(opt('--lines', 200_000));
const rounds = Number(opt('--rounds', 3));
const databaseUrl = opt('--store', 'sqlite') === 'postgres' ? opt('--database-url', process.env.APPWARDEN_BENCH_DATABASE_URL) : undefined;
const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const serverScript = fileURLToPath(new URL('./discovery-upload.mjs', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'appwarden-usage-bench-'));
const file = process.env.BENCH_FILE ?? join(dir, 'squid-high-cardinality.log');
const g0 = performance.now();
if (!process.env.BENCH_FILE)
  await writeHighCardinalitySquidLog(createWriteStream(file), lines, { startEpoch: Math.floor(Date.now() / 1000) - 3 * 86400 });
const mb = statSync(file).size / 1e6;
console.log(
  `file ${mb.toFixed(0)} MB, ${lines} lines, 5000 IPs x 6 users x 20 apps independently (generated in ${((performance.now() - g0) / 1000).toFixed(1)} s); ${cpus().length} cores; store ${databaseUrl ? 'postgres' : 'sqlite'}`,
);

async function appwarden() {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const extra = JSON.stringify(databaseUrl ? { databaseUrl } : {});
  const init = fork(serverScript, ['--init', root, dataDir, extra], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [code] = await once(init, 'exit');
  if (code !== 0) throw new Error(`init exited with ${code}`);
  const child = fork(serverScript, ['--server', root, dataDir, extra], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [info] = await once(child, 'message');
  const ca = readFileSync(info.caPath, 'utf8');
  let agent = new https.Agent({ ca, keepAlive: true });
  const request = (method, url, body, headers = {}) =>
    new Promise((resolvePromise, reject) => {
      const req = https.request(url, { method, agent, headers }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolvePromise({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', reject);
      if (body && typeof body.pipe === 'function') body.pipe(req);
      else req.end(body);
    });
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: info.clientId,
    client_secret: info.secret,
    scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
  }).toString();
  const tok = JSON.parse(
    (await request('POST', `${info.url}/${info.tenantId}/oauth2/v2.0/token`, form, { 'content-type': 'application/x-www-form-urlencoded' }))
      .text,
  ).access_token;
  const api = async (method, path, body) => {
    const res = await request(method, info.url + path, body ? JSON.stringify(body) : undefined, {
      authorization: `Bearer ${tok}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    });
    return JSON.parse(res.text);
  };
  const { url } = await api('GET', '/api/v1/discovery/upload_url/?filename=squid.log&source=SQUID_NATIVE');
  child.send('loop-reset');
  const t0 = performance.now();
  const put = await request('PUT', url, createReadStream(file, { highWaterMark: 1 << 20 }), {
    'x-ms-blob-type': 'BlockBlob',
    'transfer-encoding': 'chunked',
  });
  if (put.status !== 201) throw new Error(`PUT ${put.status} ${put.text}`);
  const t1 = performance.now();
  agent.destroy();
  agent = new https.Agent({ ca, keepAlive: true });
  const done = await api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'bench' });
  let job;
  for (;;) {
    job = await api('GET', `/api/v1/discovery/upload_jobs/${done.jobId}/`);
    if (job.status === 'succeeded' || job.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const t2 = performance.now();
  child.send('rss');
  const [rss] = await once(child, 'message');
  child.send('stop');
  await once(child, 'exit');
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
  if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`);
  return {
    putS: (t1 - t0) / 1000,
    jobS: (t2 - t1) / 1000,
    e2eS: (t2 - t0) / 1000,
    stallMs: rss.loopMaxMs,
    buckets: job.result.bucketsStored,
    parsed: job.result.parsed,
  };
}

async function timed(fn) {
  const t0 = performance.now();
  const n = await fn(file);
  return { s: (performance.now() - t0) / 1000, n };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ours = [];
const peer = [];
const peerParse = [];
for (let round = 0; round < rounds; round++) {
  const load = loadavg()[0];
  const steps = [
    async () => {
      const r = await appwarden();
      ours.push(r);
      console.log(
        `appwarden  PUT ${r.putS.toFixed(2)} s  job ${r.jobS.toFixed(2)} s  first byte -> report ${r.e2eS.toFixed(2)} s  (${r.parsed} parsed, ${r.buckets} buckets)  longest event-loop stall ${r.stallMs.toFixed(0)} ms  load ${load.toFixed(2)}`,
      );
    },
    async () => {
      const a = await timed(naive);
      const b = await timed(naiveParseOnly);
      peer.push(a.s);
      peerParse.push(b.s);
      console.log(`peer       parse + aggregate ${a.s.toFixed(2)} s (${a.n} lines)  parse only ${b.s.toFixed(2)} s`);
    },
  ];
  if (round % 2) steps.reverse();
  for (const s of steps) await s();
}
const e2e = median(ours.map((r) => r.e2eS));
console.log(`\nmedians of ${rounds} rounds (${mb.toFixed(0)} MB, ${lines} lines):`);
console.log(
  `appwarden first byte -> report ${e2e.toFixed(2)} s (PUT ${median(ours.map((r) => r.putS)).toFixed(2)} s + job ${median(ours.map((r) => r.jobS)).toFixed(2)} s), longest event-loop stall ${median(ours.map((r) => r.stallMs)).toFixed(0)} ms`,
);
console.log(`peer parse + aggregate ${median(peer).toFixed(2)} s: appwarden x${(median(peer) / e2e).toFixed(2)} its speed (target >= 1.5)`);
console.log(`peer parse only ${median(peerParse).toFixed(2)} s: appwarden x${(median(peerParse) / e2e).toFixed(2)} its speed`);
rmSync(dir, { recursive: true, force: true });
