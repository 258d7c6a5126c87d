// Soak (long mode only: npm run test:soak, or npm run test:hostile): mixed traffic against a child
// `appwarden serve` at about 70% of the capacity measured first, for HOSTILE_SOAK_SECONDS (default
// 600). Mixed: client-credentials token requests, Cloud Apps alert and activity lists, Graph
// application lists, and a 50-line upload every few seconds. Asserted: no error at all, RSS of the
// last minute within 10% of the first minute after warm-up, p99 of the last minute under twice the
// p99 of the first. The API rate limit is off in the child (the soak measures the server, not the
// limiter).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcess, installation, type ChildServer, type Installation } from '../support/harness.js';
import { LONG } from './hostile-mode.js';
import { LiveClient, rssOf, sleep, squidLog } from './live-client.js';

const SOAK_S = Number(process.env.HOSTILE_SOAK_SECONDS ?? 600);
const MEASURE_S = 15;
const WINDOW_MS = 60_000;

let install: Installation;
let child: ChildServer;
let c: LiveClient;

beforeAll(async () => {
  if (!LONG) return;
  install = await installation();
  child = await childProcess(install, [], { APPWARDEN_RATE_LIMIT_PER_MINUTE: '0' });
  c = new LiveClient(child.url, install.ca, 32);
}, 120_000);
afterAll(async () => {
  await c?.close();
  await child?.stop();
  install?.remove();
});

const p99 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))] ?? 0;
};

describe('soak: mixed traffic at ~70% of measured capacity', () => {
  it.skipIf(!LONG)(`${SOAK_S} s: no errors, RSS growth < 10%, p99 stable`, { timeout: (SOAK_S + 180) * 1000 }, async () => {
    const t = install.demo.tenants.contoso;
    const cas = await c.accessToken(t.tenantId, t.daemon!.clientId, t.daemon!.clientSecret);
    const graph = await c.accessToken(t.tenantId, t.management.clientId, t.management.clientSecret, 'https://graph.microsoft.com/.default');
    let n = 0;
    const one = async (): Promise<{ ok: boolean; ms: number; what: string }> => {
      const k = n++ % 10;
      const t0 = performance.now();
      let res;
      if (k < 3) res = await c.token(t.tenantId, t.daemon!.clientId, t.daemon!.clientSecret);
      else if (k < 6) res = await c.api('POST', '/api/v1/alerts/', cas, { limit: 20 });
      else if (k < 8) res = await c.api('GET', '/api/v1/activities/?limit=20', cas);
      else res = await c.api('GET', '/v1.0/applications?$top=20', graph);
      return { ok: res.status === 200, ms: performance.now() - t0, what: `${k}: ${res.status} ${res.text.slice(0, 200)}` };
    };

    // Capacity: closed loop, 16 in flight, for MEASURE_S.
    let done = 0;
    const measureEnd = Date.now() + MEASURE_S * 1000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (Date.now() < measureEnd) {
          await one();
          done++;
        }
      }),
    );
    const capacity = done / MEASURE_S;
    const rate = capacity * 0.7;
    console.log(`[hostile soak] capacity ${capacity.toFixed(0)} req/s, soaking at ${rate.toFixed(0)} req/s for ${SOAK_S} s`);

    // Open loop at `rate`, one upload every 5 s on the side.
    const errors: string[] = [];
    const windows: { lat: number[]; rss: number[] }[] = [];
    const start = Date.now();
    const end = start + SOAK_S * 1000;
    const pending = new Set<Promise<void>>();
    const sampler = setInterval(() => {
      const w = Math.floor((Date.now() - start) / WINDOW_MS);
      (windows[w] ??= { lat: [], rss: [] }).rss.push(rssOf(child.process.pid!));
    }, 1000);
    let uploads = 0;
    const uploader = (async () => {
      while (Date.now() < end) {
        try {
          const { jobId } = await c.upload(cas, squidLog(50, { salt: uploads }), `soak-${uploads++}`);
          const j = await c.job(cas, jobId);
          if (j.status !== 'succeeded') errors.push(`upload job ${jobId}: ${JSON.stringify(j)}`);
        } catch (e) {
          errors.push(`upload: ${String(e)}`);
        }
        await sleep(5_000);
      }
    })();
    for (let i = 0; Date.now() < end; i++) {
      const due = start + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      const p = one()
        .then((r) => {
          const w = Math.floor((Date.now() - start) / WINDOW_MS);
          (windows[w] ??= { lat: [], rss: [] }).lat.push(r.ms);
          if (!r.ok) errors.push(r.what);
        })
        .catch((e: unknown) => {
          errors.push(String(e));
        })
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await Promise.all(pending);
    await uploader;
    clearInterval(sampler);

    const full = windows.filter((w) => w && w.lat.length > 0);
    const first = full[Math.min(1, full.length - 1)]!; // the first minute after warm-up
    const last = full[full.length - 1]!;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const summary = full
      .map((w, i) => `min ${i}: p99 ${p99(w.lat).toFixed(0)} ms, RSS ${(avg(w.rss) / 1024 ** 2).toFixed(0)} MiB`)
      .join('; ');
    console.log(`[hostile soak] ${summary}; ${uploads} uploads; ${errors.length} errors`);
    expect(errors.slice(0, 5), summary).toEqual([]);
    expect(avg(last.rss) / avg(first.rss), `RSS growth: ${summary}`).toBeLessThan(1.1);
    expect(p99(last.lat), `p99 stability: ${summary}`).toBeLessThan(Math.max(2 * p99(first.lat), 50));
  });
});
