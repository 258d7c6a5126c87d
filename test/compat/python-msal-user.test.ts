import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { LineClient, type Line } from './line-client.js';
import { demoUser, FormBrowser, registerUserContextApp } from './user-sign-in.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python_msal_user_client.py');
const SCOPES = [`${CAS_APP_ID}/Investigation.read`, `${CAS_APP_ID}/Investigation.manage`];

function findPythonWithMsal(): string | undefined {
  const candidates = [process.env.APPWARDEN_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import msal'], { stdio: 'ignore' }).status === 0);
}
const python = findPythonWithMsal();

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/**
 * Python MSAL (Debian's python3-msal), PublicClientApplication, unmodified, for user context:
 * device flow, username/password (ROPC) and auth code flow, each followed by acquire_token_silent
 * (cache, forced refresh, and the refresh token reused for Microsoft Graph).
 */
describe.skipIf(!python && !process.env.CI)('Python MSAL PublicClientApplication (user context)', () => {
  let s: ListeningHarness;
  let clientId: string;
  const started: LineClient[] = [];

  beforeAll(async () => {
    expect(python, 'python3 with the msal module (apt-get install python3-msal)').toBeDefined();
    s = await listening();
    clientId = (await registerUserContextApp(s, { displayName: 'Python triage script' })).appId;
    // Seeding the demo (two tenants, users, data) takes a while on a loaded PostgreSQL runner.
  }, 120_000);
  afterAll(async () => {
    for (const c of started) c.kill();
    await s?.close();
  });

  const start = (job: Record<string, unknown>) => {
    const c = new LineClient(python!, [SCRIPT], {
      REQUESTS_CA_BUNDLE: s.caPath,
      APPWARDEN_CLIENT_JOB: JSON.stringify({ url: s.url, tenant: s.demo.tenants.contoso.tenantId, clientId, scopes: SCOPES, ...job }),
    });
    started.push(c);
    return c;
  };

  /** What every flow ends with: the account, silent refresh, the Graph token on /v1.0/me, the API by role. */
  async function checkSilentAndApi(client: LineClient, first: Record<string, unknown>, username: string, role: 'reader' | 'secadmin') {
    const accounts = (await client.next('accounts')).accounts as { username: string; home_account_id: string }[];
    const tenantId = s.demo.tenants.contoso.tenantId;
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.username).toBe(username);
    // client_info made the account key uid.utid (user object id . home tenant id).
    expect(accounts[0]!.home_account_id).toMatch(new RegExp(`^[0-9a-f-]{36}\\.${tenantId}$`));
    const silent = (await client.next('silent')) as Line & Record<'cached' | 'refreshed' | 'graph', Record<string, unknown>>;
    // From the cache first, then (force_refresh) through the refresh token grant.
    expect(silent.cached.access_token).toBe(first.access_token);
    expect(silent.refreshed.error, JSON.stringify(silent.refreshed)).toBeUndefined();
    expect(silent.refreshed.access_token).not.toBe(first.access_token);
    expect(silent.graph.error, JSON.stringify(silent.graph)).toBeUndefined();
    expect(claimsOf(String(silent.graph.access_token))).toMatchObject({ scp: 'User.Read', upn: username });

    const me = await s.get('/v1.0/me', { authorization: `Bearer ${String(silent.graph.access_token)}` });
    expect(me.status, me.text).toBe(200);
    expect(me.json()).toMatchObject({ userPrincipalName: username });

    const token = String(silent.refreshed.access_token);
    const auth = { authorization: `Bearer ${token}` };
    const list = await s.get('/api/v1/alerts/?limit=1', auth);
    expect(list.status, list.text).toBe(200);
    const id = list.json<{ data: { _id: string }[] }>().data[0]?._id;
    expect(id, 'the demo has alerts').toBeDefined();
    const close = await s.request('POST', '/api/v1/alerts/close_benign/', {
      headers: auth,
      body: { filters: { id: { eq: [id] } }, reasonId: 2, comment: 'Python MSAL' },
    });
    expect(close.status, close.text).toBe(role === 'reader' ? 403 : 200);
  }

  it('initiate_device_flow + acquire_token_by_device_flow: polled while pending, completed on /devicelogin', async () => {
    const reader = demoUser(s, 'reader');
    const client = start({ flow: 'device' });
    const flow = (await client.next('device')).flow as Record<string, unknown>;
    expect(flow).toMatchObject({ interval: 5, verification_uri: `${s.url}/devicelogin` });
    expect(flow.expires_in).toEqual(expect.any(Number));
    expect(String(flow.message)).toContain(String(flow.user_code));
    await new FormBrowser(s).approveDeviceCode(String(flow.verification_uri), String(flow.user_code), reader);
    const token = (await client.next('token')).result as Record<string, unknown>;
    expect(token.error, JSON.stringify(token)).toBeUndefined();
    expect(token).toMatchObject({ token_type: 'Bearer', scope: expect.stringContaining('Investigation.read') });
    expect(token.id_token_claims).toMatchObject({
      aud: clientId,
      tid: s.demo.tenants.contoso.tenantId,
      preferred_username: reader.username,
      name: 'Lynne Robbins',
    });
    expect(token.refresh_token).toEqual(expect.any(String));
    await checkSilentAndApi(client, token, reader.username, 'reader');
  }, 30_000);

  it('acquire_token_by_username_password (after the user realm probe), as a Security Administrator', async () => {
    const admin = demoUser(s, 'secadmin');
    const client = start({ flow: 'password', username: admin.username, password: admin.password });
    const token = (await client.next('token')).result as Record<string, unknown>;
    expect(token.error, JSON.stringify(token)).toBeUndefined();
    const claims = claimsOf(String(token.access_token));
    expect(String(claims.scp).split(' ').sort()).toEqual(['Investigation.manage', 'Investigation.read']);
    expect(claims.idtyp).toBe('user');
    await checkSilentAndApi(client, token, admin.username, 'secadmin');

    const wrong = start({ flow: 'password', username: admin.username, password: 'not-the-password' });
    const refused = (await wrong.next('token')).result as Record<string, unknown>;
    expect(refused).toMatchObject({ error: 'invalid_grant', error_codes: [50126] });
    expect(String(refused.error_description)).toMatch(/^AADSTS50126: /);
  });

  it('initiate_auth_code_flow + acquire_token_by_auth_code_flow, the code obtained through the sign-in page', async () => {
    const reader = demoUser(s, 'reader');
    const client = start({ flow: 'authcode', redirectUri: 'http://localhost:8400', loginHint: reader.username });
    const authUri = new URL(String((await client.next('authorize')).auth_uri));
    expect(authUri.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUri.searchParams.get('nonce')).toBeTruthy();
    const redirect = await new FormBrowser(s).signIn(authUri.toString(), reader);
    // A redirect URI without a path comes back with a trailing slash, as Entra does.
    expect(`${redirect.origin}${redirect.pathname}`).toBe('http://localhost:8400/');
    client.send(Object.fromEntries(redirect.searchParams));
    const token = (await client.next('token')).result as Record<string, unknown>;
    expect(token.error, JSON.stringify(token)).toBeUndefined();
    expect(token.id_token_claims).toMatchObject({
      aud: clientId,
      preferred_username: reader.username,
      nonce: authUri.searchParams.get('nonce'),
    });
    await checkSilentAndApi(client, token, reader.username, 'reader');
  });

  it('the auth code flow refuses a state that is not its own (MSAL checks it before redeeming)', async () => {
    const reader = demoUser(s, 'reader');
    const client = start({ flow: 'authcode', redirectUri: 'http://localhost:8400' });
    const authUri = String((await client.next('authorize')).auth_uri);
    const redirect = await new FormBrowser(s).signIn(authUri, reader);
    client.send({ ...Object.fromEntries(redirect.searchParams), state: 'forged' });
    const outcome = await client.next('exit');
    expect(String(outcome.stderr)).toMatch(/state mismatch/i);
  });
});
