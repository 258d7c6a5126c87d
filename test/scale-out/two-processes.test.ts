import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoFile } from '../../packages/server/src/demo/seed-identity.js';
import { childProcess, installation, type ChildServer, type Installation } from '../support/harness.js';

/** Two Appwarden processes on different ports sharing one database (PostgreSQL, or one SQLite file). */
let install: Installation;
let a: ChildServer;
let b: ChildServer;
let demo: DemoFile;
let dispatcher: Agent;

beforeAll(async () => {
  // Behind one load balancer the processes share a public URL, hence one issuer.
  install = await installation({ publicUrl: 'https://appwarden.test' });
  demo = install.demo;
  // Rate limit off: the upload test polls its job.
  const args = ['--rate-limit-per-minute', '0'];
  [a, b] = await Promise.all([childProcess(install, args), childProcess(install, args)]);
  dispatcher = new Agent({ connect: { ca: install.ca } });
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await dispatcher?.close();
  install?.remove();
});

async function token(base: string, tenant: string, clientId: string, secret: string, scope: string) {
  const res = await fetch(`${base}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }),
    dispatcher,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

async function graph(base: string, accessToken: string, method: string, p: string, body?: unknown) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: `Bearer ${accessToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    dispatcher,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Polls until fn returns true; the other process sees a write within the change-feed latency. */
async function eventually(fn: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('two processes, one database', () => {
  it('an app created on A gets a token from B, and B’s token is accepted by A', async () => {
    const c = demo.tenants.contoso;
    const mgmtOnA = await token(
      a.url,
      c.tenantId,
      c.management.clientId,
      c.management.clientSecret,
      'https://graph.microsoft.com/.default',
    );
    expect(mgmtOnA.status, JSON.stringify(mgmtOnA.body)).toBe(200);
    const created = await graph(a.url, mgmtOnA.body.access_token!, 'POST', '/v1.0/applications', { displayName: 'Made on A' });
    expect(created.status).toBe(201);
    const secret = await graph(a.url, mgmtOnA.body.access_token!, 'POST', `/v1.0/applications/${String(created.body.id)}/addPassword`, {});
    expect((await graph(a.url, mgmtOnA.body.access_token!, 'POST', '/v1.0/servicePrincipals', { appId: created.body.appId })).status).toBe(
      201,
    );

    const onB = await token(
      b.url,
      c.tenantId,
      String(created.body.appId),
      String(secret.body.secretText),
      'https://graph.microsoft.com/.default',
    );
    expect(onB.status).toBe(200);

    const mgmtOnB = await token(
      b.url,
      c.tenantId,
      c.management.clientId,
      c.management.clientSecret,
      'https://graph.microsoft.com/.default',
    );
    const read = await graph(a.url, mgmtOnB.body.access_token!, 'GET', `/v1.0/applications(appId='${String(created.body.appId)}')`);
    expect(read.status).toBe(200);
    expect(read.body.displayName).toBe('Made on A');
  });

  it('a key rotated on A is published by B’s JWKS and B’s tokens signed with it validate on A', async () => {
    const c = demo.tenants.contoso;
    const operatorKey = install.operatorKey();
    const rotated = await fetch(`${a.url}/admin/tenants/${c.tenantId}/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ immediate: true }),
      dispatcher,
    });
    expect(rotated.status).toBe(200);
    const { newKid } = (await rotated.json()) as { newKid: string };
    await eventually(async () => {
      const jwks = (await (await fetch(`${b.url}/${c.tenantId}/discovery/v2.0/keys`, { dispatcher })).json()) as {
        keys: { kid: string }[];
      };
      return jwks.keys.some((k) => k.kid === newKid);
    });
    const fromB = await token(b.url, c.tenantId, c.management.clientId, c.management.clientSecret, 'https://graph.microsoft.com/.default');
    const kid = JSON.parse(Buffer.from(fromB.body.access_token!.split('.')[0]!, 'base64url').toString()).kid as string;
    expect(kid).toBe(newKid);
    expect((await graph(a.url, fromB.body.access_token!, 'GET', '/v1.0/organization')).status).toBe(200);
  });

  it('an upload finalized on A is processed exactly once, whichever process runs the job', async () => {
    const c = demo.tenants.contoso;
    const tok = await token(a.url, c.tenantId, c.daemon!.clientId, c.daemon!.clientSecret, '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default');
    expect(tok.status).toBe(200);
    const api = async (base: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${base}${p}`, {
        method,
        headers: { authorization: `Bearer ${tok.body.access_token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        dispatcher,
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const now = Date.now() / 1000;
    const lines = Array.from(
      { length: 40 },
      (_, i) =>
        `${(now - 3600 + i).toFixed(3)}    120 10.40.0.${1 + (i % 5)} TCP_TUNNEL/200 ${1000 + i} CONNECT www.dropbox.com:443 user${i % 5} HIER_DIRECT/203.0.113.7 -`,
    );
    const issued = await api(a.url, 'GET', '/api/v1/discovery/upload_url/?filename=two.log&source=SQUID_NATIVE');
    expect(issued.status).toBe(200);
    // The URL names the shared public host; the PUT goes to A itself.
    const onA = new URL(String(issued.body.url));
    const put = await fetch(`${a.url}${onA.pathname}${onA.search}`, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: lines.join('\n') + '\n',
      dispatcher,
    });
    expect(put.status).toBe(201);
    const done = await api(a.url, 'POST', '/api/v1/discovery/done_upload/', {
      uploadUrl: issued.body.url,
      inputStreamName: 'Two processes',
      uploadAsSnapshot: true,
    });
    expect(done.status).toBe(200);
    const jobPath = `/api/v1/discovery/upload_jobs/${String(done.body.jobId)}/`;
    let job: Record<string, unknown> = {};
    await eventually(async () => {
      job = (await api(b.url, 'GET', jobPath)).body;
      return job.status === 'succeeded' || job.status === 'failed';
    }, 20_000).catch((e) => {
      throw new Error(`${String(e)}: ${JSON.stringify(job)}`);
    });
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result).toMatchObject({ linesRead: 40, parsed: 40 });
    expect((await api(a.url, 'GET', jobPath)).body.status).toBe('succeeded');
    // Processed once: the stream's traffic is the file's, not twice the file's.
    for (const base of [a.url, b.url]) {
      const apps = await api(base, 'POST', '/api/v1/discovery/discovered_apps/', { streamId: done.body.streamId, timeframe: 7 });
      expect(apps.status).toBe(200);
      const dropbox = (apps.body.data as { name: string; trafficTotalEvents: number }[]).find((x) => x.name === 'Dropbox');
      expect(dropbox?.trafficTotalEvents).toBe(40);
    }
  });

  it('a secret removed on B stops working on A at once', async () => {
    const c = demo.tenants.contoso;
    const mgmt = await token(a.url, c.tenantId, c.management.clientId, c.management.clientSecret, 'https://graph.microsoft.com/.default');
    const created = await graph(b.url, mgmt.body.access_token!, 'POST', '/v1.0/applications', { displayName: 'Revoked on B' });
    await graph(b.url, mgmt.body.access_token!, 'POST', '/v1.0/servicePrincipals', { appId: created.body.appId });
    const pw = await graph(b.url, mgmt.body.access_token!, 'POST', `/v1.0/applications/${String(created.body.id)}/addPassword`, {});
    const scope = '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default';
    expect((await token(a.url, c.tenantId, String(created.body.appId), String(pw.body.secretText), scope)).status).toBe(200);
    await graph(b.url, mgmt.body.access_token!, 'POST', `/v1.0/applications/${String(created.body.id)}/removePassword`, {
      keyId: pw.body.keyId,
    });
    await eventually(
      async () => (await token(a.url, c.tenantId, String(created.body.appId), String(pw.body.secretText), scope)).status === 401,
    );
  });
});
