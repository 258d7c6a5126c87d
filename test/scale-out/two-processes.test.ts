import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initializeInstallation } from '../../packages/server/src/main.js';
import type { DemoFile } from '../../packages/server/src/demo/seed-identity.js';
import { startChildServer, type ChildServer } from '../support/child-server.js';
import { testDatabaseUrl } from '../support/test-database.js';

/** Two Appwarden processes on different ports sharing one database (PostgreSQL, or one SQLite file). */
let dir: string;
let a: ChildServer;
let b: ChildServer;
let demo: DemoFile;
let dispatcher: Agent;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-two-'));
  const databaseUrl = testDatabaseUrl();
  const prepared = await initializeInstallation({
    options: { dataDir: dir, demo: true, databaseUrl, logLevel: 'silent', publicUrl: 'https://appwarden.test' },
    env: {},
  });
  demo = prepared.demo!;
  // Behind one load balancer the processes share a public URL, hence one issuer.
  const env = {
    APPWARDEN_DATA_DIR: dir,
    APPWARDEN_PUBLIC_URL: 'https://appwarden.test',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  [a, b] = await Promise.all([startChildServer([], env), startChildServer([], env)]);
  dispatcher = new Agent({ connect: { ca: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8') } });
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await dispatcher?.close();
  fs.rmSync(dir, { recursive: true, force: true });
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
    const operatorKey = fs.readFileSync(path.join(dir, 'operator.key'), 'utf8').trim();
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
