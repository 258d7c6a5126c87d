// Cloud Discovery upload benchmark: first byte uploaded -> report ready, over HTTPS on loopback,
// with the server in its own child process (so its peak RSS is its own), from BUILT packages:
//   npm run build && node bench/discovery-upload.mjs [sizeMB=1024] [--rounds 3] [--blocks]
//        [--build name=<repo root with packages/server/dist>[@serverOption=json,...] ...]
//   (default: this checkout; e.g. --build late=.@discoveryEarlyParse=false)
// The log is bench/discovery-gen.mjs's realistic Squid native file (16 hosts, 2000 users, URLs,
// ~132 bytes a line), dated from three days ago so every line is inside the 90-day window.
// For each round and each build (alternating), a fresh server child (--demo, SQLite, data dir in
// a temp dir) receives:
//  - one chunked Put Blob (the file streamed to https.request, as the PowerShell module sends it),
//    then done_upload, then GET upload_jobs/<id>/ every 20 ms until the job has finished;
//  - with --blocks, in another fresh child, @azure/storage-blob's uploadFile (8 MiB blocks, 4 in
//    parallel, Put Block List) and the same job wait.
// Printed per case: PUT seconds and MB/s, job seconds (done_upload -> succeeded), end to end
// (first byte -> report ready), the server child's peak RSS (getrusage maxRSS: main thread and
// worker threads), and the load average. Medians per build at the end, with ratios to the first.
// The client (this process) shares the machine's cores with the server, like a client on the host.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

// ---- children: data-dir preparation, then one server ----
const serverOptions = (dataDir, extra = '{}') => ({
  dataDir,
  port: 0,
  demo: true,
  logLevel: process.env.BENCH_LOG ?? 'silent',
  rateLimitPerMinute: 0,
  ...JSON.parse(extra),
});
if (process.argv[2] === '--init') {
  // The demo data (tenants, Cloud Apps records) is loaded here, in its own process, so that the
  // server's peak RSS below is its start plus the upload, not the demo seeding.
  const [root, dataDir, extra] = process.argv.slice(3);
  const { initializeInstallation } = await import(join(root, 'packages/server/dist/main.js'));
  await initializeInstallation({ options: serverOptions(dataDir, extra), env: {} });
  process.exit(0);
} else if (process.argv[2] === '--server') {
  const [root, dataDir, extra] = process.argv.slice(3);
  const { startServer } = await import(join(root, 'packages/server/dist/main.js'));
  const server = await startServer({ options: serverOptions(dataDir, extra), env: {} });
  const t = server.demo.tenants.contoso;
  process.send({
    url: server.url,
    caPath: server.caPath,
    tenantId: t.tenantId,
    clientId: t.daemon.clientId,
    secret: t.daemon.clientSecret,
    startMaxRssMB: process.resourceUsage().maxRSS / 1024,
  });
  // BENCH_TRACE=1: RSS and heap every 100 ms, printed at the end (where the peak comes from).
  const trace = [];
  if (process.env.BENCH_TRACE) {
    const t0 = Date.now();
    setInterval(() => {
      const m = process.memoryUsage();
      trace.push(
        `${((Date.now() - t0) / 1000).toFixed(1)}s rss ${(m.rss / 1048576).toFixed(0)} heap ${(m.heapUsed / 1048576).toFixed(0)} ext ${(m.external / 1048576).toFixed(0)} ab ${(m.arrayBuffers / 1048576).toFixed(0)}`,
      );
    }, 100).unref();
  }
  // Event-loop delay of the server's main thread (reset by the 'loop-reset' message; max in ms).
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.on('message', async (m) => {
    if (m === 'loop-reset') loop.reset();
    if (m === 'rss') {
      if (trace.length) console.error(trace.join('\n'));
      process.send({
        maxRssMB: process.resourceUsage().maxRSS / 1024,
        rssMB: process.memoryUsage().rss / 1048576,
        loopMaxMs: loop.max / 1e6,
      });
    }
    if (m === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : def;
  };
  const sizeMB = Number(args.find((a) => /^\d+$/.test(a)) ?? 1024);
  const rounds = Number(opt('--rounds', 3));
  const withBlocks = args.includes('--blocks');
  const builds = [];
  args.forEach((a, i) => {
    if (a === '--build') {
      // name=<root>[@option=value,...]: server options of that case, e.g. @discoveryEarlyParse=false
      const [spec, opts] = args[i + 1].split('@');
      const [name, root] = spec.split('=');
      const options = Object.fromEntries((opts ? opts.split(',') : []).map((kv) => kv.split('=')).map(([k, v]) => [k, JSON.parse(v)]));
      builds.push({ name, root: resolve(root), options });
    }
  });
  if (builds.length === 0) builds.push({ name: 'this', root: resolve(fileURLToPath(new URL('..', import.meta.url))) });

  const dir = mkdtempSync(join(tmpdir(), 'appwarden-upload-bench-'));
  // BENCH_FILE=<path>: reuse a log written earlier by this bench (same generator), e.g. across runs.
  const file = process.env.BENCH_FILE ?? join(dir, 'squid.log');
  const { writeSquidLog } = await import('./discovery-gen.mjs');
  const g0 = performance.now();
  if (!process.env.BENCH_FILE)
    await writeSquidLog(createWriteStream(file), (sizeMB * 1048576) / 1e6, { startEpoch: Math.floor(Date.now() / 1000) - 3 * 86400 });
  const bytes = statSync(file).size;
  const mb = bytes / 1048576;
  console.log(
    `file ${mb.toFixed(0)} MiB realistic Squid native (generated in ${((performance.now() - g0) / 1000).toFixed(1)} s); ${cpus().length} cores; builds: ${builds.map((b) => `${b.name}=${b.root}`).join(', ')}`,
  );

  async function runCase(build, kind) {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const init = fork(fileURLToPath(import.meta.url), ['--init', build.root, dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const [code] = await once(init, 'exit');
    if (code !== 0) throw new Error(`init exited with ${code}`);
    const child = fork(fileURLToPath(import.meta.url), ['--server', build.root, dataDir, JSON.stringify(build.options ?? {})], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [info] = await once(child, 'message');
    const ca = readFileSync(info.caPath, 'utf8');
    let agent = new https.Agent({ ca, keepAlive: true });
    const request = (method, url, body, headers = {}) =>
      new Promise((resolvePromise, reject) => {
        const req = https.request(url, { method, agent, headers }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolvePromise({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        if (body && typeof body.pipe === 'function') body.pipe(req);
        else req.end(body);
      });
    const tok = JSON.parse(
      (
        await request(
          'POST',
          `${info.url}/${info.tenantId}/oauth2/v2.0/token`,
          new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: info.clientId,
            client_secret: info.secret,
            scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
          }).toString(),
          { 'content-type': 'application/x-www-form-urlencoded' },
        )
      ).text,
    ).access_token;
    const api = async (method, path, body) => {
      const res = await request(method, info.url + path, body ? JSON.stringify(body) : undefined, {
        authorization: `Bearer ${tok}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      });
      return JSON.parse(res.text);
    };
    const load = loadavg()[0];
    const { url } = await api('GET', '/api/v1/discovery/upload_url/?filename=squid.log&source=SQUID_NATIVE');
    const t0 = performance.now();
    if (kind === 'put') {
      const r = await request('PUT', url, createReadStream(file, { highWaterMark: 1 << 20 }), {
        'x-ms-blob-type': 'BlockBlob',
        'transfer-encoding': 'chunked',
      });
      if (r.status !== 201) throw new Error(`PUT ${r.status} ${r.text}`);
    } else {
      const { AnonymousCredential, BlockBlobClient } = await import('@azure/storage-blob');
      const client = new BlockBlobClient(url, new AnonymousCredential(), { tlsOptions: { ca } });
      await client.uploadFile(file, { blockSize: 8 << 20, concurrency: 4, maxSingleShotSize: 8 << 20 });
    }
    const t1 = performance.now();
    // The API connections were idle during a long PUT and the server may have closed them: new ones.
    agent.destroy();
    agent = new https.Agent({ ca, keepAlive: true });
    const done = await api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'bench' });
    let job;
    for (;;) {
      job = await api('GET', `/api/v1/discovery/upload_jobs/${done.jobId}/`);
      if (job.status === 'succeeded' || job.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const t2 = performance.now();
    child.send('rss');
    const [rss] = await once(child, 'message');
    child.send('stop');
    await once(child, 'exit');
    agent.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${job.error}`);
    const r = {
      build: build.name,
      kind,
      putS: (t1 - t0) / 1000,
      jobS: (t2 - t1) / 1000,
      endToEndS: (t2 - t0) / 1000,
      maxRssMB: rss.maxRssMB,
      startRssMB: info.startMaxRssMB,
      load,
      lines: job.result.linesRead,
      parsed: job.result.parsed,
      buckets: job.result.bucketsStored,
    };
    console.log(
      `${build.name.padEnd(8)} ${kind === 'put' ? 'chunked PUT' : 'uploadFile '}  PUT ${r.putS.toFixed(2)} s (${(mb / r.putS).toFixed(0)} MB/s)  job ${r.jobS.toFixed(2)} s  first byte -> report ${r.endToEndS.toFixed(2)} s  server peak RSS ${r.maxRssMB.toFixed(0)} MB (${r.startRssMB.toFixed(0)} MB after start)  load ${load.toFixed(2)}  (lines ${r.lines}, parsed ${r.parsed}, buckets ${r.buckets})`,
    );
    return r;
  }

  const results = [];
  const kinds = withBlocks ? ['put', 'blocks'] : ['put'];
  for (let round = 0; round < rounds; round++) {
    // Alternate the order of builds between rounds.
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const b of order) for (const k of kinds) results.push(await runCase(b, k));
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  console.log(`\nmedians of ${rounds} rounds (${mb.toFixed(0)} MiB):`);
  for (const k of kinds) {
    let base;
    for (const b of builds) {
      const rs = results.filter((r) => r.build === b.name && r.kind === k);
      const m = {
        put: median(rs.map((r) => r.putS)),
        job: median(rs.map((r) => r.jobS)),
        e2e: median(rs.map((r) => r.endToEndS)),
        rss: median(rs.map((r) => r.maxRssMB)),
        load: median(rs.map((r) => r.load)),
      };
      base ??= m;
      console.log(
        `${b.name.padEnd(8)} ${k.padEnd(6)} PUT ${m.put.toFixed(2)} s  job ${m.job.toFixed(2)} s  end to end ${m.e2e.toFixed(2)} s (x${(base.e2e / m.e2e).toFixed(2)} vs ${builds[0].name})  peak RSS ${m.rss.toFixed(0)} MB  load ${m.load.toFixed(2)}`,
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
}
