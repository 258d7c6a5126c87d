// Bulk import of activities (JSON Lines, the `appwarden import` / admin endpoint path) into a fresh
// SQLite database, with a breakdown of where the time goes.
// Usage: npm run build && node bench/cloudapps-import.mjs [--lines 100000] [--runs 3] [--dir /tmp/appwarden-import-bench]
// The JSON Lines file is generated once into --dir and reused; each run imports it into a new data
// directory. Single process, no load generator; other work on the machine shows up as noise.
// --compare /other/packages/server/dist/ imports the same lines with that build too, the runs of the
// two builds alternating. Besides the import, each round times the stages alone on this build:
// JSON.parse of every line, row derivation, and writeRows of the derived rows into a fresh database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'appwarden-import-bench') },
    compare: { type: 'string' },
  },
});
const LINES = Number(args.lines);
const RUNS = Number(args.runs);
// BENCH_APPWARDEN_DIST points at another build's packages/server/dist (e.g. main's) for before/after runs.
const dist = process.env.BENCH_APPWARDEN_DIST ?? new URL('../packages/server/dist/', import.meta.url).pathname;
const load = async (d) => {
  const mod = (p) => import(path.join(d, p));
  return {
    dist: d,
    ...(await mod('index.js')),
    ...(await mod('cloudapps/import.js')),
    ...(await mod('cloudapps/activities/model.js')),
    ...(await mod('demo/cloudapps-data.js')),
  };
};
const builds = [await load(dist)];
if (args.compare) builds.push(await load(path.resolve(args.compare)));
const { generateDemoData, activityRowFromDocument, writeRows } = builds[0];

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

const lines = text.split('\n').filter((l) => l !== '');
const fresh = async (build) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-import-run-'));
  const config = build.loadConfig({ dataDir, logLevel: 'silent' }, {});
  const services = await build.createServices(config, { env: {}, origin: 'http://127.0.0.1' });
  const tenant = await services.tenants.create({ name: 'bench', displayName: 'Bench' });
  const done = async () => {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { services, tenantId: tenant.id, done };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rates = builds.map(() => []);
const stages = { parse: [], derive: [], stringify: [], write: [] };
for (let run = 0; run < RUNS; run++) {
  // The stages alone (this build): µs per line.
  let t = performance.now();
  const docs = lines.map((l) => JSON.parse(l));
  stages.parse.push(((performance.now() - t) * 1000) / LINES);
  const { services, tenantId, done } = await fresh(builds[0]);
  t = performance.now();
  const rows = docs.map((d) => activityRowFromDocument(tenantId, d));
  stages.derive.push(((performance.now() - t) * 1000) / LINES);
  t = performance.now();
  for (const d of docs) JSON.stringify(d);
  stages.stringify.push(((performance.now() - t) * 1000) / LINES);
  docs.length = 0;
  t = performance.now();
  await writeRows(services.stores, 'activities', rows);
  stages.write.push(((performance.now() - t) * 1000) / LINES);
  rows.length = 0;
  await done();
  // The whole import, each build in turn.
  for (const [i, build] of builds.entries()) {
    const { services, tenantId, done } = await fresh(build);
    t = performance.now();
    const r = await build.importJsonLines(services.stores, tenantId, 'activities', text);
    const s = (performance.now() - t) / 1000;
    if (r.imported !== LINES) throw new Error(`imported ${r.imported} of ${LINES}: ${JSON.stringify(r.errors.slice(0, 3))}`);
    rates[i].push(LINES / s);
    console.log(`  run ${run + 1}, ${build.dist}: ${s.toFixed(2)} s, ${Math.round(LINES / s)} activities/s (${r.batches} batches)`);
    await done();
  }
}
const us = (xs) => `${median(xs).toFixed(1)} µs`;
console.log(
  `cores: ${os.cpus().length}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; stages alone (medians, µs per line): JSON.parse ${us(stages.parse)}, row derivation ${us(stages.derive)} ` +
    `(of which JSON.stringify of the document ${us(stages.stringify)}), writeRows ${us(stages.write)}; ` +
    `sum ${(median(stages.parse) + median(stages.derive) + median(stages.write)).toFixed(1)} µs = ` +
    `${Math.round(1e6 / (median(stages.parse) + median(stages.derive) + median(stages.write)))} lines/s on one thread`,
);
for (const [i, build] of builds.entries()) {
  const m = median(rates[i]);
  console.log(`import median of ${RUNS}, ${build.dist}: ${Math.round(m)} activities/s (target 50000: ${m >= 50000 ? 'PASS' : 'FAIL'})`);
}
if (builds.length === 2) console.log(`ratio ${builds[0].dist} / ${builds[1].dist}: ${(median(rates[0]) / median(rates[1])).toFixed(2)}`);
