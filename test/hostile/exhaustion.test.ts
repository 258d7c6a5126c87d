// Resource exhaustion against a live server (a child `appwarden serve`): one tenant (Contoso) and
// unauthenticated senders attack at once (a token flood with wrong secrets, parallel uploads, a
// syslog TCP flood, slowloris connections that never finish their headers, oversized headers)
// while another tenant (Fabrikam) asks for a token and uploads a 50-line log. Asserted: the victim's
// token within TOKEN_BOUND_MS, its upload reported within UPLOAD_BOUND_MS, /healthz answering, the
// child's RSS under RSS_CAP_BYTES, and the child still alive afterwards.
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import { childProcess, installation, type ChildServer, type Installation } from '../support/harness.js';
import { budgetMs, LONG, SEED } from './hostile-mode.js';
import { LiveClient, rssOf, sleep, squidLog } from './live-client.js';

/** The documented cap (docs/testing.md): the whole process under attack stays under 1 GiB. */
const RSS_CAP_BYTES = 1024 ** 3;
// Bounds with room for a 2-core machine shared with other jobs (measured figures: docs/testing.md);
// before the fixes of issue 12 the other tenant's upload waited minutes and the server died.
const TOKEN_BOUND_MS = 10_000;
const UPLOAD_BOUND_MS = 60_000;
const ATTACK_MS = LONG ? 120_000 : 5_000;
const SIZE = LONG
  ? { tokenWorkers: 32, uploads: 32, uploadLines: 200_000, slowloris: 1_000, syslogChunk: 1024 ** 2 }
  : { tokenWorkers: 4, uploads: 6, uploadLines: 20_000, slowloris: 100, syslogChunk: 256 * 1024 };

let install: Installation;
let child: ChildServer;
let victim: { tenantId: string; clientId: string; clientSecret: string };
/** The other tenant's slowest token request during the attack (asserted in its own test below). */
let victimTokenWorst: { ms: number; report: string } | undefined;

beforeAll(async () => {
  install = await installation();
  const fabrikam = install.demo.tenants.fabrikam.tenantId;
  victim = { tenantId: fabrikam, ...(await install.grantedApp(fabrikam, CLOUD_APP_SECURITY_ROLES.map((r) => r.value) as never)) };
  child = await childProcess(install, [], { APPWARDEN_DISCOVERY_SYSLOG_FLUSH_MS: '200' });
  // The victim is a connector whose Cloud Apps rate limit was lifted (0 = none): with the default
  // 30 requests a minute its own job polling throttled it (429) once rounds got fast, which is not
  // the attack's effect. The attacking tenant keeps the default limit.
  const admin = new LiveClient(child.url, install.ca, 1);
  const lifted = await admin.request('PATCH', `/admin/tenants/${fabrikam}/cloud-apps/settings`, {
    headers: { authorization: `Bearer ${install.operatorKey()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ rateLimitPerMinute: 0 }),
  });
  expect(lifted.status, lifted.text).toBe(200);
  await admin.close();
}, 120_000);
afterAll(async () => {
  await child?.stop();
  install?.remove();
});

describe(`resource exhaustion against a live server (seed ${SEED}, ${LONG ? 'long' : 'short'} mode)`, () => {
  it(
    'another tenant is served within bounds while one tenant and anonymous senders flood',
    { timeout: budgetMs(180_000, 900_000) },
    async () => {
      const contoso = install.demo.tenants.contoso;
      const attackerClient = new LiveClient(child.url, install.ca, 64);
      const victimClient = new LiveClient(child.url, install.ca, 4);
      const pid = child.process.pid!;
      const casToken = await attackerClient.accessToken(contoso.tenantId, contoso.daemon!.clientId, contoso.daemon!.clientSecret);
      const victimToken = await victimClient.accessToken(victim.tenantId, victim.clientId, victim.clientSecret);
      const errors: string[] = [];
      let stop = false;
      let peakRss = rssOf(pid);
      const sampler = setInterval(() => {
        try {
          peakRss = Math.max(peakRss, rssOf(pid));
        } catch {
          /* the child is gone: asserted below */
        }
      }, 100);

      // 1. Token flood: wrong secrets for the real daemon, and junk client ids.
      let tokenFlood = 0;
      let closed = 0;
      const tokenWorkers = Array.from({ length: SIZE.tokenWorkers }, async (_, w) => {
        while (!stop) {
          const res = await attackerClient
            .token(contoso.tenantId, w % 2 ? contoso.daemon!.clientId : crypto.randomUUID(), `wrong-${tokenFlood}`, undefined, 30_000)
            .catch((e: Error) => ({ status: 0, text: `${e.message} ${String((e.cause as Error | undefined)?.message ?? '')}` }));
          tokenFlood++;
          // A closed connection is the server shedding an attacker: allowed. A 5xx is not.
          if (res.status === 0) closed++;
          else if (res.status >= 500) errors.push(`token flood: ${res.status} ${res.text.slice(0, 200)}`);
        }
      });

      // 2. Parallel uploads of a large log by the attacking tenant.
      const big = squidLog(SIZE.uploadLines, { ips: 5_000 });
      const uploads = Array.from({ length: SIZE.uploads }, (_, i) =>
        attackerClient.upload(casToken, big, `flood-${i}`).catch((e: Error) => {
          if (/fetch failed|closed|aborted/.test(e.message)) closed++;
          else errors.push(`attacker upload: ${e.message}`);
        }),
      );

      // 3. Syslog TCP flood into a data source of the attacking tenant.
      const src = await attackerClient.api('POST', '/api/v1/discovery/data_sources/', casToken, {
        displayName: 'flood',
        logType: 156,
        receiverType: 'syslog',
        receiverTypeFull: 'syslog-tcp',
      });
      expect(src.status, src.text).toBe(200);
      const port = src.json<{ port: number }>().port;
      const line = squidLog(1, { ips: 1 });
      const chunk = Buffer.from(line.repeat(Math.ceil(SIZE.syslogChunk / line.length)));
      let syslogBytes = 0;
      const syslog = new Promise<void>((resolve) => {
        const sock = net.connect(port, '127.0.0.1');
        sock.on('error', () => resolve());
        const pump = () => {
          while (!stop && sock.write(chunk)) syslogBytes += chunk.length;
          if (stop) {
            sock.destroy();
            resolve();
          }
        };
        sock.on('drain', pump);
        sock.on('connect', pump);
        const t = setInterval(() => {
          if (stop) {
            clearInterval(t);
            sock.destroy();
            resolve();
          }
        }, 100);
      });

      // 4. Slowloris: TLS connections that send a header line every second and never finish.
      const url = new URL(child.url);
      const loris: tls.TLSSocket[] = [];
      for (let i = 0; i < SIZE.slowloris; i++) {
        const s = tls.connect({ host: '127.0.0.1', port: Number(url.port), ca: install.ca, servername: 'localhost' });
        s.on('error', () => undefined);
        s.on('secureConnect', () => s.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\n`));
        loris.push(s);
      }
      const lorisTimer = setInterval(() => {
        for (const s of loris) if (!s.destroyed) s.write(`X-Slow-${Math.random().toString(36).slice(2)}: 1\r\n`);
      }, 1000);

      // 5. Oversized headers: refused at the HTTP layer, never parsed into a token.
      const huge = await attackerClient
        .request('GET', '/api/v1/alerts/', { headers: { authorization: `Bearer ${'A'.repeat(64 * 1024)}` } })
        .catch((e: Error) => ({ status: 0, text: e.message }));
      expect([431, 400, 0], `oversized header: ${huge.status}`).toContain(huge.status);

      // The victim, while all of that runs.
      await sleep(Math.min(2_000, ATTACK_MS / 4));
      const timings: { token: number[]; upload: number[]; health: number[] } = { token: [], upload: [], health: [] };
      const until = Date.now() + ATTACK_MS;
      let round = 0;
      while (Date.now() < until || round === 0) {
        let t0 = Date.now();
        const tok = await victimClient.token(victim.tenantId, victim.clientId, victim.clientSecret, undefined, TOKEN_BOUND_MS * 4);
        timings.token.push(Date.now() - t0);
        expect(tok.status, tok.text).toBe(200);
        t0 = Date.now();
        const hz = await victimClient.request('GET', '/healthz', { timeoutMs: TOKEN_BOUND_MS * 4 });
        timings.health.push(Date.now() - t0);
        expect(hz.status).toBe(200);
        t0 = Date.now();
        const { jobId } = await victimClient.upload(victimToken, squidLog(50, { salt: round }), `victim-${round}`);
        const job = await victimClient.job(victimToken, jobId, UPLOAD_BOUND_MS * 4);
        timings.upload.push(Date.now() - t0);
        expect(job.status, JSON.stringify(job)).toBe('succeeded');
        round++;
      }
      stop = true;
      clearInterval(lorisTimer);
      for (const s of loris) s.destroy();
      await Promise.all([...tokenWorkers, syslog]);
      await Promise.all(uploads);
      clearInterval(sampler);
      await attackerClient.close();

      const worst = (xs: number[]) => Math.max(...xs);
      const report = `token flood ${tokenFlood} requests, syslog ${(syslogBytes / 1024 ** 2).toFixed(0)} MiB, ${SIZE.uploads}×${SIZE.uploadLines}-line uploads, ${SIZE.slowloris} slowloris sockets, ${closed} attacker requests cut by the server; victim worst: token ${worst(timings.token)} ms, healthz ${worst(timings.health)} ms, 50-line upload ${worst(timings.upload)} ms over ${round} rounds; peak RSS ${(peakRss / 1024 ** 2).toFixed(0)} MiB`;
      console.log(`[hostile exhaustion] ${report}`);
      expect(errors.slice(0, 5), report).toEqual([]);
      victimTokenWorst = { ms: worst(timings.token), report };
      expect(worst(timings.upload), report).toBeLessThan(UPLOAD_BOUND_MS);
      expect(peakRss, report).toBeLessThan(RSS_CAP_BYTES);
      expect(child.process.exitCode, 'the server survived').toBeNull();
      // And it still serves after the attack stops.
      expect((await victimClient.token(victim.tenantId, victim.clientId, victim.clientSecret)).status).toBe(200);
      await victimClient.close();
    },
  );

  // Both tiers (issue 12). On PostgreSQL the other tenant's token request used to wait 23 s: every
  // write of the attacking tenant's upload jobs emptied the token path's read caches, so each of its
  // token requests ran several queries against the busy database. Fixed by the change feed's write
  // scope (store/postgres/change-feed.ts) and per-tenant admission on the token endpoint.
  it("the other tenant's token requests stay within the bound during the attack", () => {
    expect(victimTokenWorst, 'the attack run above completed').toBeDefined();
    expect(victimTokenWorst!.ms, victimTokenWorst!.report).toBeLessThan(TOKEN_BOUND_MS);
  });
});
