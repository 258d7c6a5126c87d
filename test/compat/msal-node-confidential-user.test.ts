import { ConfidentialClientApplication, CryptoProvider } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { networkClientTrusting } from './msal-network-client.js';
import { demoUser, FormBrowser, registerUserContextApp } from './user-sign-in.js';

const REDIRECT = 'https://triage.contoso.test/auth/callback';
const SCOPES = [`${CAS_APP_ID}/Investigation.read`, `${CAS_APP_ID}/Investigation.manage`];

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

/**
 * A web app with @azure/msal-node's ConfidentialClientApplication, unmodified: getAuthCodeUrl
 * (with PKCE), the user signs in on the sign-in page, acquireTokenByCode with the client secret,
 * acquireTokenSilent (cache, then the refresh token); the tokens call the Cloud Apps API by role.
 */
describe('@azure/msal-node ConfidentialClientApplication authorization code (user context)', () => {
  let s: ListeningHarness;
  let cca: ConfidentialClientApplication;
  let clientId: string;
  let secret: string;
  const crypto = new CryptoProvider();

  const newCca = (clientSecret: string) =>
    new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret,
        authority: `${s.url}/${s.demo.tenants.contoso.tenantId}`,
        knownAuthorities: [new URL(s.url).host],
      },
      system: { networkClient: networkClientTrusting(s.ca) },
    });

  beforeAll(async () => {
    s = await listening();
    const app = await registerUserContextApp(s, { displayName: 'Triage web app', web: [REDIRECT] });
    clientId = app.appId;
    secret = app.secret!;
    cca = newCca(secret);
    // Seeding the demo (two tenants, users, data) takes a while on a loaded PostgreSQL runner.
  }, 120_000);
  afterAll(() => s?.close());

  /** getAuthCodeUrl, then the sign-in page; returns the redirect's query and the PKCE verifier. */
  async function signIn(alias: string, extra: { state?: string; nonce?: string } = {}) {
    const pkce = await crypto.generatePkceCodes();
    const url = await cca.getAuthCodeUrl({
      scopes: SCOPES,
      redirectUri: REDIRECT,
      codeChallenge: pkce.challenge,
      codeChallengeMethod: 'S256',
      ...extra,
    });
    const redirect = await new FormBrowser(s).signIn(url, demoUser(s, alias));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
    return { query: Object.fromEntries(redirect.searchParams), verifier: pkce.verifier };
  }

  it('getAuthCodeUrl -> sign-in -> acquireTokenByCode -> acquireTokenSilent (cache, then refresh); an admin closes an alert', async () => {
    const state = crypto.createNewGuid();
    const nonce = crypto.createNewGuid();
    const { query, verifier } = await signIn('secadmin', { state, nonce });
    expect(query).toMatchObject({ state, client_info: expect.any(String) });
    const result = await cca.acquireTokenByCode(
      // msal-node 7 checks the ID token's nonce against the one given here (nonce_mismatch otherwise).
      { code: query.code!, redirectUri: REDIRECT, scopes: SCOPES, codeVerifier: verifier, state, nonce },
      { code: query.code!, state: query.state!, client_info: query.client_info! },
    );
    const secadmin = demoUser(s, 'secadmin');
    expect(result.account).toMatchObject({ username: secadmin.username, tenantId: s.demo.tenants.contoso.tenantId });
    expect(result.account!.homeAccountId).toBe(`${result.uniqueId}.${s.demo.tenants.contoso.tenantId}`);
    expect(result.idTokenClaims).toMatchObject({ aud: clientId, nonce, preferred_username: secadmin.username, name: 'Megan Bowen' });
    // A confidential client authenticated with a secret: appidacr "1".
    expect(claimsOf(result.accessToken)).toMatchObject({ appid: clientId, appidacr: '1', upn: secadmin.username, idtyp: 'user' });

    const cached = await cca.acquireTokenSilent({ account: result.account!, scopes: SCOPES });
    expect(cached.accessToken).toBe(result.accessToken);
    const refreshed = await cca.acquireTokenSilent({ account: result.account!, scopes: SCOPES, forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    const graph = await cca.acquireTokenSilent({ account: result.account!, scopes: ['User.Read'] });
    expect((await s.get('/v1.0/me', { authorization: `Bearer ${graph.accessToken}` })).status).toBe(200);

    const auth = { authorization: `Bearer ${refreshed.accessToken}` };
    const id = (await s.get('/api/v1/alerts/?limit=1', auth)).json<{ data: { _id: string }[] }>().data[0]!._id;
    const closed = await s.request('POST', '/api/v1/alerts/close_benign/', {
      headers: auth,
      body: { filters: { id: { eq: [id] } }, reasonId: 2, comment: 'msal-node web app' },
    });
    expect(closed.status, closed.text).toBe(200);
    const alert = (await s.get(`/api/v1/alerts/${id}/`, auth)).json<Record<string, unknown>>();
    expect(alert.handledByUser).toBe(secadmin.username);
  });

  it('a Security Reader signed in through the web app reads alerts but cannot close them', async () => {
    const { query, verifier } = await signIn('reader');
    const result = await cca.acquireTokenByCode({ code: query.code!, redirectUri: REDIRECT, scopes: SCOPES, codeVerifier: verifier });
    const auth = { authorization: `Bearer ${result.accessToken}` };
    const list = await s.get('/api/v1/alerts/?limit=1', auth);
    expect(list.status).toBe(200);
    const id = list.json<{ data: { _id: string }[] }>().data[0]!._id;
    const denied = await s.request('POST', '/api/v1/alerts/close_benign/', { headers: auth, body: { filters: { id: { eq: [id] } } } });
    expect(denied.status).toBe(403);
    expect(denied.json()).toEqual({ detail: expect.any(String) });
  });

  it('refusals come back as MSAL server errors with Entra codes: reused code, wrong verifier, wrong secret', async () => {
    const first = await signIn('reader');
    const redeem = (app: ConfidentialClientApplication, code: string, codeVerifier: string) =>
      app.acquireTokenByCode({ code, redirectUri: REDIRECT, scopes: SCOPES, codeVerifier });
    await redeem(cca, first.query.code!, first.verifier);
    await expect(redeem(cca, first.query.code!, first.verifier)).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('Description: AADSTS54005: '),
    });
    const second = await signIn('reader');
    await expect(redeem(cca, second.query.code!, 'x'.repeat(43))).rejects.toMatchObject({
      errorCode: 'invalid_grant',
      errorMessage: expect.stringContaining('Description: AADSTS501481: '),
    });
    const third = await signIn('reader');
    await expect(redeem(newCca('not-the-secret'), third.query.code!, third.verifier)).rejects.toMatchObject({
      errorCode: 'invalid_client',
      errorMessage: expect.stringContaining('Description: AADSTS7000215: '),
    });
  });
});
