// Child of bench/startup.mjs: times import, startServer and the first token in a fresh process.
import https from 'node:https';

const dataDir = process.argv[2];
const MCAS = '05a65629-4c1b-48c1-a78b-804c4abdd4af';

function post(url, form, ca) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: 'POST', ca, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body)) : reject(new Error(`HTTP ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    req.end(form);
  });
}

const t0 = performance.now();
const { startServer } = await import('../../packages/server/dist/index.js');
const t1 = performance.now();
const server = await startServer({ options: { dataDir, port: 0, demo: true, logLevel: 'silent' } });
const t2 = performance.now();
const { tenantId, daemon } = server.demo.tenants.contoso;
const form = new URLSearchParams({
  grant_type: 'client_credentials',
  client_id: daemon.clientId,
  client_secret: daemon.clientSecret,
  scope: `${MCAS}/.default`,
}).toString();
const token = await post(`${server.url}/${tenantId}/oauth2/v2.0/token`, form, server.caPem);
if (typeof token.access_token !== 'string') throw new Error('no access token');
const t3 = performance.now();
process.send({ importToTokenMs: t3 - t0, startToTokenMs: t3 - t1, startMs: t2 - t1, tokenMs: t3 - t2 });
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
