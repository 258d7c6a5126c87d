// Cloud Discovery memory and end-to-end benchmark. Runs from the BUILT server package:
//   npm run build && node bench/discovery-rss.mjs [sizeMB=2048] [uploadMB=1024]
// Generates a Squid native log of `sizeMB` in a temp file (deleted afterwards) and measures, each
// in a fresh child process so that peak RSS (getrusage maxrss, all threads) is the parse's own:
//  - parseStream on one thread over a file stream,
//  - parseStreamParallel over 2 worker threads,
//  - an upload: a loopback HTTP server pipes the request body into parseStreamParallel and
//    answers with the report; the parent streams the first `uploadMB` of the file to it and
//    times first byte sent -> report received. The client (this process) shares the 2 cores.
// Targets (issue 4): peak RSS <= 256 MB for a 2 GB upload; 1 GB upload -> report in <= 15 s.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const OPTIONS = { now: 1718400000000 + 86400000, maxAgeDays: null };

async function child(mode, file) {
  const { parseStream } = await import('../packages/server/dist/discovery/parse-stream.js');
  const { parseStreamParallel } = await import('../packages/server/dist/discovery/parse-parallel.js');
  const report = (extra) =>
    process.stdout.write(JSON.stringify({ mode, maxRssMB: process.resourceUsage().maxRSS / 1024, ...extra }) + '\n');
  if (mode === 'server') {
    const server = createServer(async (req, res) => {
      const r = await parseStreamParallel(req, 'SQUID_NATIVE', OPTIONS, { workers: 2 });
      res.end(JSON.stringify({ parsed: r.stats.parsed, bytes: r.stats.bytes, rows: r.aggregates.length }));
      server.close();
      report({ parsed: r.stats.parsed });
    });
    server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
    return;
  }
  const t0 = performance.now();
  const input = createReadStream(file, { highWaterMark: 1 << 16 });
  const r =
    mode === 'stream'
      ? await parseStream(input, 'SQUID_NATIVE', OPTIONS)
      : await parseStreamParallel(input, 'SQUID_NATIVE', OPTIONS, { workers: 2 });
  report({ seconds: (performance.now() - t0) / 1000, parsed: r.stats.parsed, bytes: r.stats.bytes });
}

function runChild(mode, file, onLine) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = [];
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const msg = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      lines.push(msg);
      onLine?.(msg);
    }
  });
  return { proc: p, done: once(p, 'exit').then(() => lines) };
}

async function upload(file, bytes) {
  let portResolve;
  const portReady = new Promise((r) => (portResolve = r));
  const c = runChild('server', file, (msg) => msg.port && portResolve(msg.port));
  const port = await portReady;
  const t0 = performance.now();
  const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/upload', headers: { 'content-length': bytes } });
  const response = once(req, 'response');
  createReadStream(file, { start: 0, end: bytes - 1, highWaterMark: 1 << 16 }).pipe(req);
  const [res] = await response;
  let body = '';
  for await (const d of res) body += d;
  const seconds = (performance.now() - t0) / 1000;
  const [server] = (await c.done).filter((m) => m.mode === 'server');
  return { seconds, ...JSON.parse(body), maxRssMB: server.maxRssMB };
}

async function generate(file, sizeMB) {
  const { writeSquidLog } = await import('./discovery-gen.mjs');
  await writeSquidLog(createWriteStream(file), sizeMB);
}

if (process.argv[2] === '--child') {
  await child(process.argv[3], process.argv[4]);
} else {
  const sizeMB = Number(process.argv[2] ?? 2048);
  const uploadMB = Number(process.argv[3] ?? 1024);
  const file = join(tmpdir(), `appwarden-bench-rss-${process.pid}.log`);
  try {
    await generate(file, sizeMB);
    const size = statSync(file).size;
    console.log(
      `input: ${(size / 1e6).toFixed(0)} MB Squid native, node ${process.version}; ${cpus().length} cores, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    for (const mode of ['stream', 'parallel']) {
      const [r] = await runChild(mode, file).done;
      console.log(
        `${mode === 'stream' ? 'parseStream, 1 thread        ' : 'parseStreamParallel, 2 workers'}: peak RSS ${r.maxRssMB.toFixed(0)} MB, ${r.seconds.toFixed(1)} s (${(r.bytes / 1e6 / r.seconds).toFixed(0)} MB/s), ${r.parsed} transactions`,
      );
    }
    const up = await upload(file, Math.min(size, uploadMB * 1024 * 1024));
    console.log(
      `upload over loopback HTTP (${(up.bytes / 2 ** 20).toFixed(0)} MiB, client in the same machine): first byte -> report ${up.seconds.toFixed(1)} s (${(up.bytes / 1e6 / up.seconds).toFixed(0)} MB/s), server peak RSS ${up.maxRssMB.toFixed(0)} MB, ${up.parsed} transactions`,
    );
  } finally {
    try {
      unlinkSync(file);
    } catch {
      /* not created */
    }
  }
}
