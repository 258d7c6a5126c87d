// Crash consistency: a child `appwarden serve` is killed with SIGKILL at random moments while it
// creates apps and secrets, grants consent, imports alerts, stages uploads and processes discovery
// jobs (and, at each start, runs the retention sweep). After every kill: the SQLite files pass
// `PRAGMA integrity_check` (PostgreSQL: the restarted server reads it), every write the server
// acknowledged is there, and every acknowledged upload's report equals the report of the same log
// processed without a crash (no loss, no double counting). Short mode: 2 kills (a restart costs ~15 s on a loaded 2-core machine); long mode: 50.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childProcess, installation, OPERATOR_KEY, TIER, type ChildServer, type Installation } from '../support/harness.js';
import { budgetMs, LONG, rng, SEED } from './hostile-mode.js';
import { LiveClient, sleep, squidLog } from './live-client.js';

/** The suite is about durability: the API rate limit would only slow the writers and the checks. */
const NO_RATE_LIMIT = { APPWARDEN_RATE_LIMIT_PER_MINUTE: '0' };
const KILLS = LONG ? 50 : 2;
const LOG = squidLog(3_000, { ips: 40 });

let install: Installation;
let child: ChildServer | undefined;

beforeAll(async () => {
  install = await installation();
}, 120_000);
afterAll(async () => {
  if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
  install?.remove();
});

interface Acks {
  apps: { id: string; appId: string }[];
  secrets: { app: string; keyId: string }[];
  consents: string[];
  alerts: string[];
  staged: { path: string; size: number }[];
  jobs: { jobId: string; streamId: string }[];
}

interface Session {
  c: LiveClient;
  graph: string;
  cas: string;
  tenantId: string;
}

async function session(server: ChildServer): Promise<Session> {
  const t = install.demo.tenants.contoso;
  const c = new LiveClient(server.url, install.ca, 8);
  return {
    c,
    tenantId: t.tenantId,
    graph: await c.accessToken(t.tenantId, t.management.clientId, t.management.clientSecret, 'https://graph.microsoft.com/.default'),
    cas: await c.accessToken(t.tenantId, t.daemon!.clientId, t.daemon!.clientSecret),
  };
}

type Report = Record<string, { events: number; bytes: number; users: number; ips: number }>;

async function report(s: Session, streamId: string): Promise<Report> {
  const res = await s.c.api('POST', '/api/v1/discovery/discovered_apps/', s.cas, { streamId, timeframe: 7, limit: 100 });
  expect(res.status, res.text).toBe(200);
  const out: Report = {};
  for (const a of res.json<{ data: Record<string, number | string>[] }>().data) {
    out[String(a.name)] = {
      events: Number(a.trafficTotalEvents),
      bytes: Number(a.trafficTotalBytes),
      users: Number(a.usersCount),
      ips: Number(a.ipAddressesCount),
    };
  }
  return out;
}

/** One lane of writes, each recorded only once the server acknowledged it. */
async function writer(s: Session, acks: Acks, r: () => number, alive: () => boolean, lane: number): Promise<void> {
  let n = 0;
  const operatorHeaders = { authorization: `Bearer ${OPERATOR_KEY}` };
  while (alive()) {
    n++;
    try {
      switch (Math.floor(r() * 5)) {
        case 0: {
          const res = await s.c.api('POST', '/v1.0/applications', s.graph, { displayName: `crash ${lane}.${n}` });
          if (res.status === 201) acks.apps.push(res.json());
          break;
        }
        case 1: {
          const app = acks.apps[Math.floor(r() * acks.apps.length)];
          if (!app) break;
          const res = await s.c.api('POST', `/v1.0/applications/${app.id}/addPassword`, s.graph, {
            passwordCredential: { displayName: 'k' },
          });
          if (res.status === 200) acks.secrets.push({ app: app.id, keyId: res.json<{ keyId: string }>().keyId });
          break;
        }
        case 2: {
          const app = acks.apps[Math.floor(r() * acks.apps.length)];
          if (!app) break;
          const res = await s.c.api('POST', '/v1.0/appwarden.adminConsent', s.graph, { clientId: app.appId });
          if (res.status === 200) acks.consents.push(app.appId);
          break;
        }
        case 3: {
          const id = Array.from({ length: 24 }, () => Math.floor(r() * 16).toString(16)).join('');
          const res = await s.c.request('POST', `/admin/tenants/${s.tenantId}/cloud-apps/import/alerts`, {
            headers: { ...operatorHeaders, 'content-type': 'application/x-ndjson' },
            body: JSON.stringify({
              _id: id,
              timestamp: Date.now() - 60_000,
              title: 'crash',
              severityValue: 1,
              entities: [{ id: 11161, label: 'Office 365', type: 'service' }],
            }),
          });
          if (res.status === 200) acks.alerts.push(id);
          break;
        }
        default: {
          const up = await s.c.api('GET', '/api/v1/discovery/upload_url/?filename=crash.log&source=SQUID_NATIVE', s.cas);
          if (up.status !== 200) break;
          const url = new URL(up.json<{ url: string }>().url);
          const put = await s.c.request('PUT', url.pathname + url.search, { headers: { 'x-ms-blob-type': 'BlockBlob' }, body: LOG });
          if (put.status !== 201) break;
          acks.staged.push({ path: url.pathname + url.search, size: Buffer.byteLength(LOG) });
          const done = await s.c.api('POST', '/api/v1/discovery/done_upload/', s.cas, {
            uploadUrl: url.toString(),
            inputStreamName: `crash-${lane}-${n}-${Math.floor(r() * 1e9)}`,
          });
          if (done.status === 200) acks.jobs.push(done.json());
        }
      }
    } catch {
      // The connection died with the server: that write was never acknowledged.
      return;
    }
  }
}

const total = (a: Acks) => a.apps.length + a.secrets.length + a.consents.length + a.alerts.length + a.staged.length + a.jobs.length;

function integrityCheck(): void {
  if (TIER !== 'sqlite') return;
  for (const file of ['appwarden.sqlite', 'counters.sqlite']) {
    const p = path.join(install.dataDir, file);
    if (!fs.existsSync(p)) continue;
    const db = new Database(p, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true }), `${file} after kill -9 (seed ${SEED})`).toBe('ok');
    } finally {
      db.close();
    }
  }
}

describe(`crash consistency under kill -9 (seed ${SEED}, ${KILLS} kills, ${TIER})`, () => {
  it(
    'acknowledged writes survive, reports equal an uncrashed run, databases stay sound',
    { timeout: budgetMs(180_000, 3_600_000) },
    async () => {
      const r = rng(SEED);
      const t0 = Date.now();
      const mark = (what: string) => process.env.HOSTILE_TRACE && console.log(`[hostile crash] +${Date.now() - t0} ms ${what}`);
      // The uncrashed run: the report of LOG processed once.
      child = await childProcess(install, [], NO_RATE_LIMIT);
      let s = await session(child);
      const base = await s.c.upload(s.cas, LOG, 'baseline');
      expect((await s.c.job(s.cas, base.jobId)).status).toBe('succeeded');
      const expected = await report(s, base.streamId);
      mark('baseline');
      expect(Object.keys(expected).length, JSON.stringify(expected)).toBeGreaterThan(0);

      const acks: Acks = { apps: [], secrets: [], consents: [], alerts: [], staged: [], jobs: [] };
      for (let kill = 0; kill < KILLS; kill++) {
        let alive = true;
        const lanes = [0, 1, 2].map((lane) => writer(s, acks, rng(SEED + kill * 7 + lane), () => alive, lane));
        // Kill at a random point: early (start-up work, the retention sweep), mid-write, or mid-job.
        // Every other round waits for a first acknowledged write, so that a slow tier still has some.
        if (kill % 2 === 1) {
          const before = total(acks);
          const until = Date.now() + 10_000;
          while (total(acks) === before && Date.now() < until) await sleep(50);
        }
        await sleep(300 + Math.floor(r() * 1_700));
        const exited = new Promise((done) => child!.process.once('exit', done));
        child!.process.kill('SIGKILL');
        await exited;
        alive = false;
        await Promise.all(lanes);
        await s.c.close();
        integrityCheck();
        mark(`killed ${kill}`);
        child = await childProcess(install, [], NO_RATE_LIMIT);
        s = await session(child);
        mark(`restarted ${kill}`);
      }

      // Every acknowledged write is there after the last restart.
      const why = (what: string) => `${what} (seed ${SEED}, ${KILLS} kills)`;
      for (const app of acks.apps)
        expect((await s.c.api('GET', `/v1.0/applications/${app.id}`, s.graph)).status, why(`app ${app.id}`)).toBe(200);
      for (const sec of acks.secrets) {
        const app = (await s.c.api('GET', `/v1.0/applications/${sec.app}`, s.graph)).json<{ passwordCredentials: { keyId: string }[] }>();
        expect(
          app.passwordCredentials.map((p) => p.keyId),
          why(`secret ${sec.keyId}`),
        ).toContain(sec.keyId);
      }
      for (const appId of acks.consents) {
        const res = await s.c.api('GET', `/v1.0/servicePrincipals?$filter=appId eq '${appId}'`, s.graph);
        expect(res.json<{ value: unknown[] }>().value.length, why(`consent of ${appId}`)).toBe(1);
      }
      for (const id of acks.alerts) expect((await s.c.api('GET', `/api/v1/alerts/${id}/`, s.cas)).status, why(`alert ${id}`)).toBe(200);
      for (const job of acks.jobs) {
        const j = await s.c.job(s.cas, job.jobId, 120_000);
        expect(j.status, why(`job ${job.jobId}: ${JSON.stringify(j)}`)).toBe('succeeded');
        expect(await report(s, job.streamId), why(`report of ${job.streamId}`)).toEqual(expected);
      }
      mark('verified');
      console.log(
        `[hostile crash] ${KILLS} kills; acknowledged: ${acks.apps.length} apps, ${acks.secrets.length} secrets, ${acks.consents.length} consents, ${acks.alerts.length} alerts, ${acks.staged.length} staged blobs, ${acks.jobs.length} upload jobs`,
      );
      expect(acks.apps.length + acks.alerts.length + acks.jobs.length, 'the writers got writes acknowledged').toBeGreaterThan(0);
      await s.c.close();
      await child.stop();
    },
  );
});
