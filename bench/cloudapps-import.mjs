// Bulk import of activities (JSON Lines, the `appwarden import` / admin endpoint path) into a fresh
// SQLite database, with a breakdown of where the time goes.
// Usage: npm run build && node bench/cloudapps-import.mjs [--lines 100000] [--runs 3] [--dir /tmp/appwarden-import-bench]
// The JSON Lines file is generated once into --dir and reused; each run imports it into a new data
// directory. Single process, no load generator; other work on the machine shows up as noise.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'appwarden-import-bench') },
  },
});
const LINES = Number(args.lines);
const RUNS = Number(args.runs);
// BENCH_APPWARDEN_DIST points at another build's packages/server/dist (e.g. main's) for before/after runs.
const dist = process.env.BENCH_APPWARDEN_DIST ?? new URL('../packages/server/dist/', import.meta.url).pathname;
const mod = (p) => import(path.join(dist, p));
const { createServices, loadConfig } = await mod('index.js');
const { importJsonLines } = await mod('cloudapps/import.js');
const { activityRowFromDocument } = await mod('cloudapps/activities/model.js');
const { generateDemoData } = await mod('demo/cloudapps-data.js');

fs.mkdirSync(args.dir, { recursive: true });
const file = path.join(args.dir, `activities-${LINES}.jsonl`);
if (!fs.existsSync(file)) {
  const t = performance.now();
  const out = fs.openSync(`${file}.tmp`, 'w');
  for await (const b of generateDemoData('bench-tenant', {
    activities: LINES,
    alerts: 1,
    seed: 'import-bench',
    endTime: Date.UTC(2025, 0, 1),
  })) {
    if (b.resource !== 'activities') continue;
    fs.writeSync(out, b.documents.map((d) => JSON.stringify(d)).join('\n') + '\n');
  }
  fs.closeSync(out);
  fs.renameSync(`${file}.tmp`, file);
  console.log(`generated ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const text = fs.readFileSync(file, 'utf8');
console.log(`${LINES} activities, ${(text.length / 1e6).toFixed(0)} MB of JSON Lines (${Math.round(text.length / LINES)} bytes a line)`);

// Breakdown outside the import path: parse alone, row derivation alone.
const lines = text.split('\n').filter((l) => l !== '');
let t = performance.now();
const docs = lines.map((l) => JSON.parse(l));
const parseS = (performance.now() - t) / 1000;
t = performance.now();
for (const d of docs) activityRowFromDocument('bench-tenant', d);
const deriveS = (performance.now() - t) / 1000;
docs.length = 0;
lines.length = 0;

const rates = [];
for (let run = 0; run < RUNS; run++) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-import-run-'));
  const config = loadConfig({ dataDir, logLevel: 'silent' }, {});
  const services = await createServices(config, { env: {}, origin: 'http://127.0.0.1' });
  const tenant = await services.tenants.create({ name: 'bench', displayName: 'Bench' });
  t = performance.now();
  const r = await importJsonLines(services.stores, tenant.id, 'activities', text);
  const s = (performance.now() - t) / 1000;
  if (r.imported !== LINES) throw new Error(`imported ${r.imported} of ${LINES}: ${JSON.stringify(r.errors.slice(0, 3))}`);
  rates.push(LINES / s);
  console.log(`  run ${run + 1}: ${s.toFixed(2)} s, ${Math.round(LINES / s)} activities/s (${r.batches} batches)`);
  await services.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)];
console.log(
  `cores: ${os.cpus().length}, load average ${os.loadavg()[0].toFixed(1)}; outside the import: JSON.parse ${Math.round(LINES / parseS)} lines/s, ` +
    `row derivation ${Math.round(LINES / deriveS)} rows/s`,
);
console.log(`import median of ${RUNS}: ${Math.round(median)} activities/s (target 50000: ${median >= 50000 ? 'PASS' : 'FAIL'})`);
