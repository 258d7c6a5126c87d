#!/usr/bin/env node
// Scale-out benchmark: token issuance and a filtered alert list served by 1 and by 2 processes
// (`appwarden serve --workers N`, node:cluster sharing one port) on one database, with the ratio.
// Optionally, a large activity table on PostgreSQL and the p99 of a filtered activity list.
//
//   npm run build && node bench/scale-out.mjs [--store postgres,sqlite] [--alerts 50000] [--duration 10]
//       [--connections 16] [--rounds 2] [--activities 0] [--data-dir DIR] [--load-only]
//
// --data-dir keeps the data set (the data directory, and on PostgreSQL its schema, recorded in
// DIR/scale-out.json) instead of deleting it; a later run with the same DIR reuses it as it is,
// without loading. --load-only stops after loading. Together they let bench/lib/replicate-postgres.mjs
// grow a generated PostgreSQL data set to millions of activities between loading and measuring:
//   node bench/scale-out.mjs --store postgres --activities 333334 --alerts 50000 --data-dir D --load-only
//   node bench/lib/replicate-postgres.mjs D 10000000        (repeat until it exits 0; see the file)
//   node bench/scale-out.mjs --store postgres --data-dir D
//
// PostgreSQL: BENCH_DATABASE_URL (default: the local `test` database), in a schema of its own that
// is dropped afterwards. autocannon runs in this process and shares the machine's cores with the
// server processes: with 2 cores, 2 workers plus the load generator oversubscribe them, so the
// ratio shows contention as much as scaling. Quote medians and ratios, not absolute figures.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { createServices, initializeInstallation, loadConfig, loadDemoData } from '../packages/server/dist/index.js';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'postgres,sqlite' },
    alerts: { type: 'string', default: '50000' },
    activities: { type: 'string', default: '0' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
    'data-dir': { type: 'string' },
    'load-only': { type: 'boolean', default: false },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const BIN = path.resolve('packages/cli/bin/appwarden.js');
const END = Date.UTC(2025, 0, 1);

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/** `appwarden serve --workers N` with a fixed HTTPS and plain-HTTP port; resolves once every worker listens. */
async function serve(env, workers) {
  const port = await freePort();
  const httpPort = await freePort();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', String(port), '--http-port', String(httpPort), '--workers', String(workers), '--log-level', 'warn'],
    { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const base = `http://127.0.0.1:${httpPort}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (Date.now() > until) throw new Error(`server did not start: ${stderr}`);
    const ok = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && /listening on/.test(stderr)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  // The banner comes from the first worker; give the others a moment to listen too.
  await new Promise((r) => setTimeout(r, 1500));
  return {
    base,
    stop: () =>
      new Promise((done) => {
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}

const run = (opts) =>
  new Promise((resolve, reject) =>
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (e, r) => (e ? reject(e) : resolve(r))),
  );
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function prepare(store) {
  const keep = args['data-dir'] ? path.resolve(args['data-dir'], store) : undefined;
  const saved = keep && path.join(keep, 'scale-out.json');
  if (saved && fs.existsSync(saved)) {
    const { env, demo, activities } = JSON.parse(fs.readFileSync(saved, 'utf8'));
    console.log(`[${store}] reusing the data set in ${keep}`);
    return { env, demo, activities, cleanup: async () => {} };
  }
  if (keep) fs.mkdirSync(keep, { recursive: true });
  const dataDir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-scale-'));
  let databaseUrl;
  let dropSchema = async () => {};
  if (store === 'postgres') {
    const u = new URL(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
    const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
    u.searchParams.set('schema', schema);
    databaseUrl = u.toString();
    dropSchema = async () => {
      const base = new URL(databaseUrl);
      base.searchParams.delete('schema');
      const c = new pg.Client({ connectionString: base.toString() });
      await c.connect();
      await c.query(`drop schema if exists "${schema}" cascade`);
      await c.end();
    };
  }
  const options = { dataDir, demo: true, logLevel: 'silent', rateLimitPerMinute: 0, ...(databaseUrl ? { databaseUrl } : {}) };
  const { demo } = await initializeInstallation({ options, env: {} });
  const services = await createServices(loadConfig(options, {}), { env: {} });
  const t = performance.now();
  const counts = await loadDemoData(services.stores, demo.tenants.contoso.tenantId, {
    activities: Math.max(Number(args.activities), Number(args.alerts)),
    alerts: Number(args.alerts),
    seed: 'scale-out',
    endTime: END,
    batchSize: 5000,
  });
  const seconds = (performance.now() - t) / 1000;
  console.log(
    `[${store}] loaded ${counts.alerts} alerts, ${counts.activities} activities, ${counts.entities} entities in ${seconds.toFixed(1)} s ` +
      `(${Math.round((counts.alerts + counts.activities + counts.entities) / seconds)} records/s, generation included)`,
  );
  await services.close();
  const env = {
    APPWARDEN_DATA_DIR: dataDir,
    APPWARDEN_RATE_LIMIT_PER_MINUTE: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  if (saved) {
    fs.writeFileSync(saved, JSON.stringify({ env, demo, activities: counts.activities }, null, 2) + '\n');
    return { env, demo, activities: counts.activities, cleanup: async () => {} };
  }
  return {
    env,
    demo,
    activities: counts.activities,
    cleanup: async () => {
      await dropSchema();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function measure(store, prepared, workers) {
  const server = await serve(prepared.env, workers);
  try {
    const { tenantId, daemon } = prepared.demo.tenants.contoso;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: daemon.clientId,
      client_secret: daemon.clientSecret,
      scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
    }).toString();
    const tokenUrl = `${server.base}/${tenantId}/oauth2/v2.0/token`;
    const tokenRes = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    const token = (await tokenRes.json()).access_token;
    const alertBody = JSON.stringify({
      filters: {
        severity: { eq: [1, 2] },
        resolutionStatus: { eq: [0] },
        date: { range: [{ start: END - 20 * 86_400_000, end: END - 5 * 86_400_000 }] },
      },
      sortField: 'date',
      sortDirection: 'desc',
      limit: 100,
    });
    const targets = {
      token: { url: tokenUrl, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
      alerts: {
        url: `${server.base}/api/v1/alerts/`,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: alertBody,
      },
    };
    const out = {};
    for (const [name, opts] of Object.entries(targets)) {
      await run({ ...opts, duration: 2 }); // warm-up
      const rs = [];
      for (let i = 0; i < ROUNDS; i++) rs.push(await run(opts));
      out[name] = {
        rps: median(rs.map((r) => r.requests.average)),
        p99: median(rs.map((r) => r.latency.p99)),
        errors: rs.reduce((n, r) => n + r.errors + r.non2xx, 0),
      };
      console.log(
        `[${store}] ${workers} process${workers > 1 ? 'es' : ''} ${name.padEnd(6)}: ${Math.round(out[name].rps)} req/s, p99 ${out[name].p99} ms, errors ${out[name].errors}`,
      );
    }
    return out;
  } finally {
    await server.stop();
  }
}

/**
 * Activity lists on PostgreSQL, `CONNECTIONS` concurrent callers, 100 per page, newest first:
 * the filter of issue 6 (service + a 7-day range), and what connectors typically send: a 7-day
 * range alone, one user, one IP address (the user and address of the newest activity).
 */
async function activityLists(prepared, workers) {
  const server = await serve(prepared.env, workers);
  try {
    const { tenantId, daemon } = prepared.demo.tenants.contoso;
    const tokenRes = await fetch(`${server.base}/${tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: daemon.clientId,
        client_secret: daemon.clientSecret,
        scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
      }),
    });
    const token = (await tokenRes.json()).access_token;
    const url = `${server.base}/api/v1/activities/`;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const list = async (filters) =>
      (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ filters, sortDirection: 'desc', limit: 100 }) })).json();
    const week = { range: [{ start: END - 10 * 86_400_000, end: END - 3 * 86_400_000 }] };
    const newest = (await list({ date: week })).data[0];
    const filters = {
      'service + 7 days': { service: { eq: [11161] }, date: week },
      '7 days': { date: week },
      user: { 'user.username': { eq: [newest.user.userName] } },
      ip: { 'ip.address': { eq: [newest.device.clientIP] } },
    };
    for (const [name, f] of Object.entries(filters)) {
      const body = JSON.stringify({ filters: f, sortDirection: 'desc', limit: 100 });
      const sample = await list(f);
      await run({ url, method: 'POST', headers, body, duration: 2 });
      const rs = [];
      for (let i = 0; i < ROUNDS; i++) rs.push(await run({ url, method: 'POST', headers, body }));
      console.log(
        `[postgres] ${workers} process${workers > 1 ? 'es' : ''} activities, ${name.padEnd(16)} (${sample.data?.length} of ${sample.total}${
          sample.moreThanTotal ? '+' : ''
        }): ${Math.round(median(rs.map((r) => r.requests.average)))} req/s, p99 ${median(rs.map((r) => r.latency.p99))} ms, ` +
          `p50 ${median(rs.map((r) => r.latency.p50))} ms, errors ${rs.reduce((n, r) => n + r.errors + r.non2xx, 0)}`,
      );
    }
  } finally {
    await server.stop();
  }
}

console.log(
  `cores: ${os.cpus().length}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; autocannon in this process shares the cores; ` + `${CONNECTIONS} connections, ${DURATION} s runs, medians of ${ROUNDS}`,
);
const summary = [];
for (const store of args.store.split(',')) {
  const prepared = await prepare(store);
  if (args['load-only']) continue;
  try {
    const one = await measure(store, prepared, 1);
    const two = await measure(store, prepared, 2);
    for (const k of ['token', 'alerts']) summary.push(`[${store}] ${k}: 2 processes / 1 process = ${(two[k].rps / one[k].rps).toFixed(2)}`);
    if (store === 'postgres' && prepared.activities > Number(args.alerts)) for (const w of [1, 2]) await activityLists(prepared, w);
  } finally {
    await prepared.cleanup();
  }
}
console.log(summary.join('\n'));
console.log(
  `load average after: ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);
