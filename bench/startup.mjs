#!/usr/bin/env node
// Start-to-first-token with an existing data directory (docs/benchmarks.md).
//
//   node bench/startup.mjs [runs=5]
//
// One start creates the data directory (demo tenants, keys, TLS material). Each timed run is a
// fresh node process that imports the server, calls startServer and requests one client-credentials
// token over HTTPS; it reports startServer + first token (the target: under 1 s), and the same with
// the module import included. The parent also times process spawn to first token.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const child = path.join(here, 'lib', 'start-and-token.mjs');
const runs = Number(process.argv[2] ?? 5);
const TARGET_MS = 1000;

function run(dataDir) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // stderr is kept for failures only (the server prints a framework deprecation warning).
    const p = fork(child, [dataDir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    p.once('message', (m) => {
      resolve({ ...m, spawnToTokenMs: performance.now() - t0 });
      p.disconnect();
    });
    p.once('exit', (code) => code && reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-startup-'));
try {
  const first = await run(dataDir);
  console.log(`first start (creates the data directory): startServer + first token ${first.startToTokenMs.toFixed(0)} ms`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const r = await run(dataDir);
    results.push(r);
    console.log(
      `  run ${i + 1}: startServer + first token ${r.startToTokenMs.toFixed(0)} ms (startServer ${r.startMs.toFixed(0)}, token ${r.tokenMs.toFixed(0)}); ` +
        `with import ${r.importToTokenMs.toFixed(0)} ms; process spawn to token ${r.spawnToTokenMs.toFixed(0)} ms`,
    );
  }
  const m = (k) => median(results.map((r) => r[k]));
  console.log(
    `\nmedian of ${runs}: startServer + first token ${m('startToTokenMs').toFixed(0)} ms; with import ${m('importToTokenMs').toFixed(0)} ms; ` +
      `process spawn to token ${m('spawnToTokenMs').toFixed(0)} ms`,
  );
  const ok = m('startToTokenMs') < TARGET_MS;
  console.log(`${ok ? 'PASS' : 'FAIL'}  start to first token < ${TARGET_MS} ms with an existing data directory`);
} finally {
  fs.rmSync(dataDir, { recursive: true, force: true });
}
