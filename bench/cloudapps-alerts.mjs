// Filtered alert list vs a cached page behind the same authentication, in one run on this machine.
// Usage: npm run build && node bench/cloudapps-alerts.mjs [--alerts 100000] [--activities 200000] [--duration 10]
// The load generator (autocannon, 16 connections) shares the CPU cores with the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { buildApp, createServices, loadConfig, loadDemoData } from '../packages/server/dist/index.js';
import { authenticateCloudAppsCaller } from '../packages/server/dist/cloudapps/auth.js';
import { seedDemoIdentity } from '../packages/server/dist/demo/seed-identity.js';

const { values: args } = parseArgs({
  options: {
    alerts: { type: 'string', default: '100000' },
    activities: { type: 'string', default: '200000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
  },
});
const ALERTS = Number(args.alerts);
const ACTIVITIES = Number(args.activities);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-bench-'));
const config = loadConfig({ dataDir, rateLimitPerMinute: 0, logLevel: 'silent' }, {});
const services = await createServices(config, { env: {}, origin: 'http://127.0.0.1' });
const demo = await seedDemoIdentity(services, dataDir);
const tenantId = demo.tenants.contoso.tenantId;
const endTime = Date.UTC(2025, 0, 1);

// 1. Bulk load through the import path (validation + one transaction per batch).
let t = performance.now();
const counts = await loadDemoData(services.stores, tenantId, {
  activities: ACTIVITIES,
  alerts: ALERTS,
  seed: 'bench',
  endTime,
  batchSize: 5000,
});
const loadSeconds = (performance.now() - t) / 1000;
const records = counts.activities + counts.alerts + counts.entities;
console.log(
  `loaded ${counts.alerts} alerts, ${counts.activities} activities, ${counts.entities} entities in ${loadSeconds.toFixed(1)} s ` +
    `(${Math.round(records / loadSeconds)} records/s including generation)`,
);

// 2. The API under test, and the ceiling: same authentication, a cached page of the same size.
const app = await buildApp({ services, logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${app.server.address().port}`;
services.origin.value = base;
const daemon = demo.tenants.contoso.daemon;
const tokenRes = await fetch(`${base}/${tenantId}/oauth2/v2.0/token`, {
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
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
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
const sample = await fetch(`${base}/api/v1/alerts/`, { method: 'POST', headers, body });
const page = await sample.text();
const parsed = JSON.parse(page);
console.log(
  `filtered page: ${parsed.data.length} alerts of ${parsed.total}${parsed.moreThanTotal ? '+' : ''} matching, ${page.length} bytes`,
);

const ceiling = Fastify({ logger: false });
ceiling.post('/cached', async (req, reply) => {
  await authenticateCloudAppsCaller(services, services.cloudApps.tokens, req.headers.authorization);
  return reply.type('application/json').send(page);
});
await ceiling.listen({ port: 0, host: '127.0.0.1' });
const ceilingUrl = `http://127.0.0.1:${ceiling.server.address().port}/cached`;

const run = (url) =>
  new Promise((resolve, reject) =>
    autocannon({ url, method: 'POST', headers, body, connections: CONNECTIONS, duration: DURATION }, (err, r) =>
      err ? reject(err) : resolve(r),
    ),
  );
const fmt = (r) =>
  `${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors + r.non2xx}`;

await run(`${base}/api/v1/alerts/`); // warm-up
const results = { api: [], ceiling: [] };
for (let i = 0; i < 3; i++) {
  results.api.push(await run(`${base}/api/v1/alerts/`));
  results.ceiling.push(await run(ceilingUrl));
}
const median = (xs, f) => xs.map(f).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`cores: ${os.cpus().length}; load generator shares them; ${CONNECTIONS} connections, ${DURATION} s per run, medians of 3 runs`);
for (const r of results.api) console.log(`  filtered list : ${fmt(r)}`);
for (const r of results.ceiling) console.log(`  cached page   : ${fmt(r)}`);
const apiRps = median(results.api, (r) => r.requests.average);
const ceilRps = median(results.ceiling, (r) => r.requests.average);
console.log(
  `filtered list p99 median ${median(results.api, (r) => r.latency.p99)} ms; throughput ratio filtered/cached = ${(apiRps / ceilRps).toFixed(2)}`,
);

await ceiling.close();
await app.close();
await services.close();
fs.rmSync(dataDir, { recursive: true, force: true });
