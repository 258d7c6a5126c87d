// The Cloud Apps list under test and its ceiling, in a child process of bench/cloudapps-alerts.mjs so
// that the load generator (autocannon, in the parent) does not share the server's event loop.
// Usage: node bench/lib/serve-cloudapps.mjs <dataDir> <alerts> <activities>
// Loads the data set once per data directory (a marker file records what was loaded), then serves
// both listeners and reports {base, ceilingUrl, token, endTime, load} to the parent over IPC.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Fastify from 'fastify';

const [dataDir, alerts, activities] = process.argv.slice(2);
const CAS = '05a65629-4c1b-48c1-a78b-804c4abdd4af';
// BENCH_APPWARDEN_MODULE points at another build's packages/server/dist/index.js (e.g. main's).
const entry = process.env.BENCH_APPWARDEN_MODULE ?? new URL('../../packages/server/dist/index.js', import.meta.url).pathname;
const dist = path.dirname(entry);
const mod = (p) => import(pathToFileURL(path.join(dist, p)).href);
const { buildApp, createServices, loadConfig, loadDemoData } = await mod('index.js');
const { authenticateCloudAppsCaller } = await mod('cloudapps/auth.js');
const { seedDemoIdentity } = await mod('demo/seed-identity.js');

const endTime = Date.UTC(2025, 0, 1);
const config = loadConfig({ dataDir, rateLimitPerMinute: 0, logLevel: 'silent' }, {});
const services = await createServices(config, { env: {}, origin: 'http://127.0.0.1' });
const demo = await seedDemoIdentity(services, dataDir);
const tenantId = demo.tenants.contoso.tenantId;

// 1. The data set, generated once through the bulk write path (one transaction per batch).
const marker = path.join(dataDir, 'cloudapps-bench.json');
const wanted = { tenantId, alerts: Number(alerts), activities: Number(activities), seed: 'bench', endTime };
let load;
const existing = fs.existsSync(marker) ? JSON.parse(fs.readFileSync(marker, 'utf8')) : undefined;
if (existing && JSON.stringify(existing.wanted) === JSON.stringify(wanted)) {
  load = { ...existing.load, reused: true };
} else {
  const t = performance.now();
  const counts = await loadDemoData(services.stores, tenantId, { ...wanted, batchSize: 5000 });
  const seconds = (performance.now() - t) / 1000;
  load = { counts, seconds, recordsPerSecond: Math.round((counts.activities + counts.alerts + counts.entities) / seconds) };
  fs.writeFileSync(marker, JSON.stringify({ wanted, load }, null, 2) + '\n');
}

// 2. The API, and the ceiling: the same authentication, then a cached page of the same size.
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
    scope: `${CAS}/.default`,
  }),
});
const token = (await tokenRes.json()).access_token;

let cached = '{}';
const ceiling = Fastify({ logger: false });
ceiling.post('/cached', async (req, reply) => {
  await authenticateCloudAppsCaller(services, services.cloudApps.tokens, req.headers.authorization);
  return reply.type('application/json').send(cached);
});
await ceiling.listen({ port: 0, host: '127.0.0.1' });
const ceilingUrl = `http://127.0.0.1:${ceiling.server.address().port}/cached`;

process.on('message', async (m) => {
  if (m.cache) cached = m.cache;
  if (m.stop) {
    await ceiling.close();
    await app.close();
    await services.close();
    process.exit(0);
  }
  process.send({ ok: true });
});
process.send({ base, ceilingUrl, token, endTime, load });
