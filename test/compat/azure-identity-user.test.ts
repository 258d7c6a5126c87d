import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { LineClient } from './line-client.js';
import { demoUser, FormBrowser, registerUserContextApp } from './user-sign-in.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCOPES = [`${CAS_APP_ID}/Investigation.read`];

type Outcome = { ok: true; token: string; expiresOnTimestamp: number } | { ok: false; name: string; message: string };

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/**
 * @azure/identity 4.12, unmodified, for user context in a child process that trusts Appwarden's CA
 * through NODE_EXTRA_CA_CERTS: DeviceCodeCredential (the prompt callback's code is entered on
 * /devicelogin) and UsernamePasswordCredential; getToken again comes from the cache and a Graph
 * scope is served by the refresh token without a second prompt.
 */
describe('@azure/identity DeviceCodeCredential and UsernamePasswordCredential', () => {
  let s: ListeningHarness;
  let clientId: string;
  const started: LineClient[] = [];

  beforeAll(async () => {
    s = await listening();
    clientId = (await registerUserContextApp(s, { displayName: 'Identity triage script' })).appId;
    // Seeding the demo (two tenants, users, data) takes a while on a loaded PostgreSQL runner.
  }, 120_000);
  afterAll(async () => {
    for (const c of started) c.kill();
    await s?.close();
  });

  const start = (job: Record<string, unknown>) => {
    const c = new LineClient(
      process.execPath,
      [path.join(HERE, 'node-user-client.mjs')],
      {
        NODE_EXTRA_CA_CERTS: s.caPath,
        APPWARDEN_CLIENT_JOB: JSON.stringify({ url: s.url, tenant: s.demo.tenants.contoso.tenantId, clientId, scopes: SCOPES, ...job }),
      },
      path.resolve(HERE, '../..'),
    );
    started.push(c);
    return c;
  };

  async function checkTokens(client: LineClient, username: string) {
    const first = (await client.next('token')) as unknown as Outcome;
    expect(first, JSON.stringify(first)).toMatchObject({ ok: true });
    if (!first.ok) return;
    expect(first.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(claimsOf(first.token)).toMatchObject({ scp: 'Investigation.read', upn: username, idtyp: 'user', appid: clientId });
    const list = await s.get('/api/v1/alerts/?limit=1', { authorization: `Bearer ${first.token}` });
    expect(list.status, list.text).toBe(200);

    const silent = (await client.next('silent')) as unknown as { again: Outcome; graph: Outcome; prompts: number };
    expect(silent.again).toMatchObject({ ok: true, token: first.token });
    expect(silent.graph, JSON.stringify(silent.graph)).toMatchObject({ ok: true });
    expect(silent.prompts).toBeLessThanOrEqual(1);
    if (!silent.graph.ok) return;
    const me = await s.get('/v1.0/me', { authorization: `Bearer ${silent.graph.token}` });
    expect(me.status, me.text).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: username });
  }

  it('DeviceCodeCredential: the user enters the prompted code on /devicelogin; then a Graph token without a second prompt', async () => {
    const reader = demoUser(s, 'reader');
    const client = start({ flow: 'device' });
    const prompt = await client.next('device');
    expect(String(prompt.message)).toContain(String(prompt.userCode));
    await new FormBrowser(s).approveDeviceCode(String(prompt.verificationUri), String(prompt.userCode), reader);
    await checkTokens(client, reader.username);
    expect((await client.next('exit')).code).toBe(0);
  }, 30_000);

  it('UsernamePasswordCredential: a token for the API, then Graph through the refresh token', async () => {
    const analyst = demoUser(s, 'analyst');
    await checkTokens(start({ flow: 'password', username: analyst.username, password: analyst.password }), analyst.username);
  });

  it('UsernamePasswordCredential with a wrong password fails with the AADSTS50126 text', async () => {
    const analyst = demoUser(s, 'analyst');
    const client = start({ flow: 'password', username: analyst.username, password: 'wrong-password' });
    const outcome = (await client.next('token')) as unknown as Outcome;
    // msal-node classes invalid_grant as "interaction required"; @azure/identity names it so.
    expect(outcome).toMatchObject({ ok: false, name: 'AuthenticationRequiredError' });
    if (!outcome.ok) expect(outcome.message).toMatch(/AADSTS50126/);
  });
});
