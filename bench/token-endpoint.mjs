#!/usr/bin/env node
// Token endpoint benchmark: Appwarden and its peers side by side in one run (docs/benchmarks.md).
//
//   node bench/token-endpoint.mjs [seconds-per-listener=10] [--rounds=2] [--only=appwarden,oidc-provider] [--connections=16]
//   BENCH_BASELINE_MODULE=/other/build/packages/server/dist/index.js node bench/token-endpoint.mjs --only=appwarden,baseline
//
// With BENCH_BASELINE_MODULE, another build of Appwarden (before a change) runs as the peer
// `baseline`, with its own data directory, interleaved round by round with this one.
// Each target (Appwarden, node-oidc-provider issuing RS256 JWT access tokens, oauth2-mock-server
// with its default RS256 key) runs in its own child process on loopback, over HTTPS (same server
// certificate for all) and over plain HTTP. autocannon drives each listener in turn from this
// process with 16 keep-alive connections, client_credentials with a client secret in the body.
// The RS256 signing ceiling is measured in this process before the load runs.
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const seconds = Number(args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 10);
const connections = Number(flag('connections', 16));
const only = flag('only', undefined);
const rounds = Math.max(1, Number(flag('rounds', 2)));
const warmupSeconds = Math.max(1, Math.min(2, Math.round(seconds / 5)));
const P99_TARGET_MS = 25;

// ---------- RS256 signing ceiling (in-process, no load running) ----------

function signingCeiling(durationMs) {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  // About the size of an access token's signing input.
  const input = Buffer.from(crypto.randomBytes(520).toString('base64url'));
  for (let i = 0; i < 50; i++) crypto.sign('sha256', input, privateKey);
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < durationMs) {
    crypto.sign('sha256', input, privateKey);
    n++;
  }
  const sync = (n * 1000) / (performance.now() - t0);
  return new Promise((resolve) => {
    let done = 0;
    const t1 = performance.now();
    const worker = () => {
      if (performance.now() - t1 >= durationMs) {
        if (++finished === 2) resolve({ sync, async2: (done * 1000) / (performance.now() - t1) });
        return;
      }
      crypto.sign('sha256', input, privateKey, (err) => {
        if (err) throw err;
        done++;
        worker();
      });
    };
    let finished = 0;
    worker();
    worker();
  });
}

// ---------- targets ----------

function startTarget(kind, dataDir) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'lib', 'serve-target.mjs'), [kind, dataDir], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: process.env.BENCH_SERVER_EXEC_ARGV ? process.env.BENCH_SERVER_EXEC_ARGV.split(' ') : [],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('message', (m) => resolve({ child, targets: m.targets, stderr: () => stderr }));
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code}: ${stderr}`)));
  });
}

function stopTarget(t) {
  return new Promise((resolve) => {
    t.child.removeAllListeners('exit');
    t.child.once('exit', resolve);
    t.child.disconnect();
    setTimeout(() => t.child.kill('SIGKILL'), 5000).unref();
  });
}

/** One request outside the load, to check each target answers 200 with an RS256 JWT. */
function probe(target) {
  const u = new URL(target.url);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      { method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => {
          try {
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${body}`);
            const token = JSON.parse(body).access_token;
            const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
            if (header.alg !== 'RS256') throw new Error(`alg ${header.alg}`);
            resolve({ tokenBytes: token.length });
          } catch (e) {
            reject(new Error(`${target.name} ${target.transport}: ${e.message}`));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(target.form);
  });
}

function load(target, duration) {
  return autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: target.form,
    connections,
    pipelining: 1,
    duration,
  });
}

// ---------- run ----------

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-'));
const kinds = ['appwarden', ...(process.env.BENCH_BASELINE_MODULE ? ['baseline'] : []), 'oidc-provider', 'oauth2-mock-server'].filter(
  (k) => !only || only.split(',').includes(k),
);
console.log(
  `token endpoint bench: ${seconds}s per listener in ${rounds} round(s) after ${warmupSeconds}s warm-up, ${connections} keep-alive connections, ` +
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`,
);
console.log('note: autocannon runs on the same machine and shares the CPUs with the server under test.\n');

const ceiling = await signingCeiling(2000);
console.log(
  `RS256 (2048-bit) signing ceiling, crypto.sign in-process: ${ceiling.sync.toFixed(0)} ops/s single-threaded sync, ` +
    `${ceiling.async2.toFixed(0)} ops/s async (thread pool, 2 in flight)\n`,
);

// Appwarden first: it creates the data directory and the TLS certificate the peers reuse. Every
// target is started up front; listeners are then measured in turn, round-robin over `rounds`
// rounds of seconds/rounds each, so that noise from other work on the machine spreads over all.
const running = [];
for (const kind of kinds.includes('appwarden') ? kinds : ['appwarden', ...kinds]) {
  const r = await startTarget(kind, kind === 'baseline' ? fs.mkdtempSync(`${dataDir}-baseline-`) : dataDir);
  if (kinds.includes(kind)) running.push(r);
  else await stopTarget(r);
}
const listeners = running.flatMap((r) => r.targets);
const perRound = [];
try {
  for (const target of listeners) {
    target.tokenBytes = (await probe(target)).tokenBytes;
    await load(target, warmupSeconds);
  }
  for (let round = 0; round < rounds; round++) {
    for (const target of listeners) {
      const r = await load(target, seconds / rounds);
      perRound.push({ target, r });
      console.log(
        `  round ${round + 1}/${rounds}  ${target.name.padEnd(19)} ${target.transport.padEnd(5)} ${r.requests.average.toFixed(0).padStart(6)} req/s  ` +
          `p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  non-2xx ${r.non2xx}  errors ${r.errors + r.timeouts}`,
      );
    }
  }
} finally {
  await Promise.all(running.map(stopTarget));
}
const results = listeners.map((target) => {
  const rs = perRound.filter((x) => x.target === target).map((x) => x.r);
  return {
    name: target.name,
    transport: target.transport,
    rps: rs.reduce((a, r) => a + r.requests.total, 0) / seconds,
    // Percentiles cannot be merged across rounds: the median's mean, and the worst p99.
    p50: Math.round((rs.reduce((a, r) => a + r.latency.p50, 0) / rs.length) * 10) / 10,
    p99: Math.max(...rs.map((r) => r.latency.p99)),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    errors: rs.reduce((a, r) => a + r.errors + r.timeouts, 0),
    tokenBytes: target.tokenBytes,
  };
});
fs.rmSync(dataDir, { recursive: true, force: true });
for (const d of fs.readdirSync(os.tmpdir()))
  if (d.startsWith(`${path.basename(dataDir)}-baseline-`)) fs.rmSync(path.join(os.tmpdir(), d), { recursive: true, force: true });

// ---------- table ----------

const find = (name, transport) => results.find((r) => r.name === name && r.transport === transport);
const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : '-');
console.log(
  '\n| target | transport | req/s | p50 ms | p99 ms | non-2xx | errors | Appwarden / this | this / sign sync | this / sign async×2 |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  const aw = find('appwarden', r.transport);
  console.log(
    `| ${r.name} | ${r.transport} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} | ` +
      `${r.name === 'appwarden' ? '1.00' : ratio(aw?.rps, r.rps)} | ${ratio(r.rps, ceiling.sync)} | ${ratio(r.rps, ceiling.async2)} |`,
  );
}
console.log(
  `\nRS256 ceiling: sync ${ceiling.sync.toFixed(0)} ops/s, async×2 ${ceiling.async2.toFixed(0)} ops/s (no load running; the load generator takes CPU from the server during the runs).`,
);

const verdicts = [];
for (const transport of ['https', 'http']) {
  const aw = find('appwarden', transport);
  if (!aw) continue;
  const op = find('oidc-provider', transport);
  const mock = find('oauth2-mock-server', transport);
  if (op) verdicts.push([`${transport}: >= 2x oidc-provider (${ratio(aw.rps, op.rps)}x)`, aw.rps >= 2 * op.rps]);
  if (mock) verdicts.push([`${transport}: above oauth2-mock-server (${ratio(aw.rps, mock.rps)}x)`, aw.rps > mock.rps]);
  verdicts.push([`${transport}: p99 <= ${P99_TARGET_MS} ms (${aw.p99} ms)`, aw.p99 <= P99_TARGET_MS]);
  verdicts.push([`${transport}: no non-2xx or errors`, aw.non2xx === 0 && aw.errors === 0]);
}
console.log('\nTargets (issue 2):');
for (const [text, ok] of verdicts) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${text}`);
if (process.env.BENCH_JSON) fs.writeFileSync(process.env.BENCH_JSON, JSON.stringify({ seconds, connections, ceiling, results }, null, 2));
