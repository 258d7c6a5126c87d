// Cloud Discovery upload benchmark, end to end over HTTPS on loopback, from the BUILT packages:
//   npm run build && node bench/discovery-upload.mjs [sizeMB=256]
// One process runs the server (--demo, SQLite) and the clients, so the figures include the
// clients' own CPU on the same 2 cores. For one generated Squid native file it prints:
//  - PUT throughput of a single chunked Put Blob (a file stream piped to https.request),
//  - PUT throughput of @azure/storage-blob's uploadFile (8 MiB blocks, 4 in parallel, then Put Block List),
//  - job time (done_upload -> succeeded: parse on a worker thread + stored buckets) and its MB/s,
//  - peak RSS of the whole process during each phase, against the file size.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { AnonymousCredential, BlockBlobClient } from '@azure/storage-blob';
import { startServer } from '../packages/server/dist/main.js';

const sizeMB = Number(process.argv[2] ?? 256);
const dir = mkdtempSync(join(tmpdir(), 'appwarden-upload-bench-'));
const file = join(dir, 'squid.log');

const HOSTS = [
  'www.dropbox.com',
  'outlook.office.com',
  'github.com',
  'slack.com',
  'app.box.com',
  'zoom.us',
  'docs.google.com',
  'unknown.example.net',
];
async function generate() {
  const out = createWriteStream(file);
  const now = Date.now() / 1000 - 3600;
  let written = 0;
  let i = 0;
  while (written < sizeMB * 1024 * 1024) {
    let chunk = '';
    for (let k = 0; k < 2000; k++, i++) {
      const host = HOSTS[i % HOSTS.length];
      chunk += `${(now + i / 1000).toFixed(3)}    ${i % 900} 10.1.${(i % 500) >> 8}.${(i % 500) & 255} TCP_TUNNEL/200 ${(i * 7919) % 100000} CONNECT ${host}:443 user${i % 500} HIER_DIRECT/203.0.113.${i % 200} -\n`;
    }
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const phase = async (fn) => {
  peak = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await fn();
  return { ms: performance.now() - t0, peakMB: peak / 1048576, r };
};

await generate();
const bytes = statSync(file).size;
const server = await startServer({
  options: { dataDir: join(dir, 'data'), port: 0, demo: true, logLevel: process.env.BENCH_LOG ?? 'silent', rateLimitPerMinute: 0 },
  env: {},
});
const ca = (await import('node:fs')).readFileSync(server.caPath, 'utf8');
const agent = new https.Agent({ ca, keepAlive: true });
function request(method, url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body && typeof body.pipe === 'function') body.pipe(req);
    else req.end(body);
  });
}
const t = server.demo.tenants.contoso;
const tok = JSON.parse(
  (
    await request(
      'POST',
      `${server.url}/${t.tenantId}/oauth2/v2.0/token`,
      new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.daemon.clientId,
        client_secret: t.daemon.clientSecret,
        scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
      }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
  ).text,
).access_token;
const api = async (method, path, body) => {
  const res = await request(method, server.url + path, body ? JSON.stringify(body) : undefined, {
    authorization: `Bearer ${tok}`,
    ...(body ? { 'content-type': 'application/json' } : {}),
  });
  return JSON.parse(res.text);
};
async function job(url, name) {
  const done = await api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: name });
  for (;;) {
    const j = await api('GET', `/api/v1/discovery/upload_jobs/${done.jobId}/`);
    if (j.status === 'succeeded' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const mb = bytes / 1048576;
const baseMB = process.memoryUsage().rss / 1048576;
console.log(
  `file ${mb.toFixed(0)} MB Squid native; ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}; RSS before ${baseMB.toFixed(0)} MB`,
);

const u1 = (await api('GET', '/api/v1/discovery/upload_url/?filename=a.log&source=SQUID_NATIVE')).url;
const put = await phase(() =>
  request('PUT', u1, createReadStream(file, { highWaterMark: 1 << 20 }), { 'x-ms-blob-type': 'BlockBlob', 'transfer-encoding': 'chunked' }),
);
console.log(
  `single chunked PUT:    ${(put.ms / 1000).toFixed(2)} s  ${(mb / (put.ms / 1000)).toFixed(0)} MB/s  peak RSS ${put.peakMB.toFixed(0)} MB (status ${put.r.status})`,
);
const j1 = await phase(() => job(u1, 'bench'));
console.log(
  `job (parse + store):   ${(j1.ms / 1000).toFixed(2)} s  ${(mb / (j1.ms / 1000)).toFixed(0)} MB/s  peak RSS ${j1.peakMB.toFixed(0)} MB  lines ${j1.r.result.linesRead} parsed ${j1.r.result.parsed} buckets ${j1.r.result.bucketsStored}`,
);

const u2 = (await api('GET', '/api/v1/discovery/upload_url/?filename=b.log&source=SQUID_NATIVE')).url;
const client = new BlockBlobClient(u2, new AnonymousCredential(), { tlsOptions: { ca } });
const blocks = await phase(() => client.uploadFile(file, { blockSize: 8 << 20, concurrency: 4, maxSingleShotSize: 8 << 20 }));
console.log(
  `uploadFile in blocks:  ${(blocks.ms / 1000).toFixed(2)} s  ${(mb / (blocks.ms / 1000)).toFixed(0)} MB/s  peak RSS ${blocks.peakMB.toFixed(0)} MB`,
);
const j2 = await phase(() => job(u2, 'bench'));
console.log(
  `job (parse + store):   ${(j2.ms / 1000).toFixed(2)} s  ${(mb / (j2.ms / 1000)).toFixed(0)} MB/s  peak RSS ${j2.peakMB.toFixed(0)} MB`,
);
console.log(`first byte -> report ready (chunked PUT + job): ${((put.ms + j1.ms) / 1000).toFixed(2)} s`);

clearInterval(sampler);
agent.destroy();
await server.close();
rmSync(dir, { recursive: true, force: true });
