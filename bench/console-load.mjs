// The admin center's own weight and first load, beside Swagger UI (/docs) served by the same server.
// Usage: npm run build && node bench/console-load.mjs [--runs 5]
// Bundle: every file of packages/console/dist, raw and gzip (what the server sends), against
// swagger-ui-dist's bundle. First load: a fresh Chromium context (cold cache) per run opens
// /entra/app-registrations until the list of apps is on screen, and /docs until its operations are;
// then a reload in the same context (warm cache). Debian's Chromium, headless, on this machine:
// browser, server and page share the same 2 cores, so read the medians and the ratio, not one figure.
// The session is seeded the way the browser tests do it (client-credentials tokens of the demo apps).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'packages/console/dist');
if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('packages/console/dist is missing: run npm run build first');

function walk(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const sizes = (files) =>
  files.reduce(
    (t, f) => {
      const b = fs.readFileSync(f);
      return { raw: t.raw + b.length, gzip: t.gzip + zlib.gzipSync(b, { level: 9 }).length };
    },
    { raw: 0, gzip: 0 },
  );

const consoleFiles = walk(dist).filter((f) => !f.endsWith('.map'));
const own = sizes(consoleFiles);
const swaggerDir = path.dirname(createRequire(path.join(root, 'packages/server/package.json')).resolve('swagger-ui-dist/package.json'));
const peer = sizes(['swagger-ui-bundle.js', 'swagger-ui.css'].map((f) => path.join(swaggerDir, f)));
console.log('bundle (what a first visit downloads; gzip is what the server sends):');
for (const f of consoleFiles) {
  const s = sizes([f]);
  console.log(`  ${path.relative(dist, f).padEnd(40)} ${kb(s.raw).padStart(10)} raw ${kb(s.gzip).padStart(10)} gzip`);
}
console.log(
  `  console total ${kb(own.raw)} raw, ${kb(own.gzip)} gzip; Swagger UI (peer) ${kb(peer.raw)} raw, ${kb(peer.gzip)} gzip; ratio console/peer ${(own.gzip / peer.gzip).toFixed(2)} (gzip)`,
);

const { startServer } = await import(path.join(root, 'packages/server/dist/index.js'));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-bench-console-'));
const server = await startServer({ options: { dataDir, port: 0, demo: true, logLevel: 'silent', rateLimitPerMinute: 0 }, env: {} });
const browser = await chromium.launch({
  executablePath: process.env.APPWARDEN_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
try {
  const t = server.demo.tenants.contoso;
  const tokenRes = await fetchToken(t.tenantId, t.management.clientId, t.management.clientSecret, 'https://graph.microsoft.com/.default');
  const session = {
    [t.tenantId]: {
      tenantId: t.tenantId,
      tenantName: 'Contoso',
      domain: t.domain,
      user: { name: 'Bench', username: t.admin.username },
      tokens: { graph: tokenRes },
    },
  };
  const init = `sessionStorage.setItem('appwarden.console.sessions', ${JSON.stringify(JSON.stringify(session))}); sessionStorage.setItem('appwarden.console.activeTenant', ${JSON.stringify(t.tenantId)});`;

  const measure = async (url, ready) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    await context.addInitScript({ content: init });
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url, { waitUntil: 'commit' });
    await ready(page);
    const cold = performance.now() - t0;
    const t1 = performance.now();
    await page.reload({ waitUntil: 'commit' });
    await ready(page);
    const warm = performance.now() - t1;
    await context.close();
    return { cold, warm };
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const consoleRuns = [];
  const docsRuns = [];
  for (let i = 0; i < runs; i++) {
    consoleRuns.push(
      await measure(`${server.url}/entra/app-registrations`, (p) => p.getByRole('table', { name: 'Applications' }).waitFor()),
    );
    docsRuns.push(await measure(`${server.url}/docs`, (p) => p.locator('.opblock').first().waitFor()));
  }
  const c = { cold: median(consoleRuns.map((r) => r.cold)), warm: median(consoleRuns.map((r) => r.warm)) };
  const d = { cold: median(docsRuns.map((r) => r.cold)), warm: median(docsRuns.map((r) => r.warm)) };
  console.log(`\nfirst load to content, median of ${runs} (browser, server and page on the same cores):`);
  console.log(`  console /entra/app-registrations: cold ${c.cold.toFixed(0)} ms, warm ${c.warm.toFixed(0)} ms`);
  console.log(`  Swagger UI /docs (peer):          cold ${d.cold.toFixed(0)} ms, warm ${d.warm.toFixed(0)} ms`);
  console.log(`  ratio console/peer: cold ${(c.cold / d.cold).toFixed(2)}, warm ${(c.warm / d.warm).toFixed(2)}`);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

async function fetchToken(tenant, clientId, secret, scope) {
  const { Agent, fetch } = await import('undici');
  const res = await fetch(`${server.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    dispatcher: new Agent({ connect: { ca: server.caPem } }),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }).toString(),
  });
  const body = await res.json();
  return { accessToken: body.access_token, expiresOn: Date.now() + body.expires_in * 1000 };
}
