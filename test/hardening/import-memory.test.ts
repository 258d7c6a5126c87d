// The Cloud Apps import held the whole body as one string and every row at once: a 234 MB import
// peaked at 1.36 GB RSS (issue 12). It now streams (spool + validate, then batches): the server
// process's peak RSS grows by a bounded amount whatever the body size. Measured in a child
// `appwarden serve` through /proc/<pid>/status (VmHWM, the peak resident set).
// IMPORT_MEMORY_MB=200 runs the same measurement at the scale (not in the default suite).
import fs from 'node:fs';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { childProcess, installation, type ChildServer, type Installation } from '../support/harness.js';

const BODY_MB = Number(process.env.IMPORT_MEMORY_MB ?? 30);
/**
 * Peak RSS growth allowed for the import, MiB. It includes SQLite's page cache (64 MiB) filling
 * up; the old code grew by 214 MiB on this 30 MB body, the streaming import by about 100.
 */
const GROWTH_CAP_MB = 180;

let install: Installation;
let child: ChildServer;
let dispatcher: Agent;
beforeAll(async () => {
  install = await installation();
  const passThrough = process.env.APPWARDEN_HEADERS_TIMEOUT_MS
    ? { APPWARDEN_HEADERS_TIMEOUT_MS: process.env.APPWARDEN_HEADERS_TIMEOUT_MS }
    : {};
  child = await childProcess(install, ['--rate-limit-per-minute', '0'], passThrough);
  dispatcher = new Agent({ connect: { ca: install.ca } });
}, 90_000);
afterAll(async () => {
  await child?.stop();
  await dispatcher?.close();
  install?.remove();
});

const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/** JSON Lines of activities, about 4 KiB each (fewer rows to write: a short test), `mb` MiB in all. */
function activities(mb: number): Buffer {
  const pad = 'x'.repeat(4000);
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const line = JSON.stringify({
      _id: `mem-${i}`,
      timestamp: 1_740_000_000_000 + i,
      appId: 11161,
      device: { clientIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
      description: `${pad}${i}`,
    });
    lines.push(line);
    size += line.length + 1;
  }
  return Buffer.from(lines.join('\n'));
}

it(`imports ${BODY_MB} MB of JSON Lines with bounded memory`, async () => {
  const pid = child.process.pid!;
  const tenant = install.demo.tenants.contoso.tenantId;
  const body = activities(BODY_MB);
  const url = `${child.url}/admin/tenants/${tenant}/cloud-apps/import/activities`;
  const headers = { authorization: `Bearer ${install.operatorKey()}`, 'content-type': 'application/x-ndjson' };
  // Warm-up: a small import, so that the first-use costs (modules, statements) are not counted.
  const warm = await fetch(url, { method: 'POST', headers, body: activities(1), dispatcher });
  expect(warm.status, await warm.text()).toBe(200);
  const before = peakRssMb(pid);
  const started = Date.now();
  const res = await fetch(url, { method: 'POST', headers, body, dispatcher });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(200);
  const seconds = (Date.now() - started) / 1000;
  const after = peakRssMb(pid);
  const result = JSON.parse(text) as { lines: number; imported: number };
  expect(result.imported).toBe(result.lines);
  console.log(
    `import of ${(body.length / 1e6).toFixed(0)} MB (${result.lines} lines): peak RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MiB (+${(after - before).toFixed(0)}), ${seconds.toFixed(1)} s`,
  );
  expect(after - before).toBeLessThan(GROWTH_CAP_MB);
}, 600_000);
