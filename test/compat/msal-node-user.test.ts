import { PublicClientApplication, type Configuration } from '@azure/msal-node';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.js';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { networkClientTrusting } from './msal-network-client.js';

const INVESTIGATION_READ = '83bc8d83-2679-44ef-b813-d5f556fc4474';
const SCOPE = `${CAS_APP_ID}/Investigation.read`;

/**
 * User context with @azure/msal-node's PublicClientApplication, unmodified: interactive sign-in
 * (auth code + PKCE through the sign-in page, in Chromium), silent refresh, and the device code
 * flow; the tokens then call the Cloud Apps API.
 */
describe('@azure/msal-node PublicClientApplication (user context)', () => {
  let s: ListeningHarness;
  let browser: Browser;
  let pca: PublicClientApplication;
  let reader: { username: string; password: string };

  beforeAll(async () => {
    s = await listening();
    browser = await launchChromium();
    const t = s.demo.tenants.contoso;
    reader = t.users!.find((u) => u.username.startsWith('reader@'))!;
    // Register a public client as a script author would, and grant admin consent for the delegated scope.
    const graph = { token: await s.graphToken('contoso') };
    const created = await s.graph('POST', '/v1.0/applications', graph, {
      displayName: 'Alert triage script',
      publicClient: { redirectUris: ['http://localhost'] },
      isFallbackPublicClient: true,
      requiredResourceAccess: [{ resourceAppId: CAS_APP_ID, resourceAccess: [{ id: INVESTIGATION_READ, type: 'Scope' }] }],
    });
    expect(created.status).toBe(201);
    const app = created.json<{ appId: string }>();
    const sp = (await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).json<{ id: string }>();
    const cas = (await s.graph('GET', `/v1.0/servicePrincipals(appId='${CAS_APP_ID}')`, graph)).json<{ id: string }>();
    const grant = await s.graph('POST', '/v1.0/oauth2PermissionGrants', graph, {
      clientId: sp.id,
      consentType: 'AllPrincipals',
      resourceId: cas.id,
      scope: 'Investigation.read',
    });
    expect(grant.status).toBe(201);
    const config: Configuration = {
      auth: { clientId: app.appId, authority: `${s.url}/${t.tenantId}`, knownAuthorities: [new URL(s.url).host] },
      system: { networkClient: networkClientTrusting(s.ca) },
    };
    pca = new PublicClientApplication(config);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  async function alerts(token: string) {
    return s.get('/api/v1/alerts/?limit=1', { authorization: `Bearer ${token}` });
  }

  it('acquireTokenInteractive signs the user in through the sign-in page (PKCE) and the token calls the API', async () => {
    const page = await browser.newPage();
    let authorizeUrl = '';
    const result = await pca.acquireTokenInteractive({
      scopes: [SCOPE],
      openBrowser: async (url) => {
        authorizeUrl = url;
        await page.goto(url);
        await page.fill('#username', reader.username);
        await page.fill('#password', reader.password);
        await Promise.all([page.waitForURL(/^http:\/\/localhost:\d+\//), page.click('#idSIButton9')]);
      },
      successTemplate: 'Signed in. You can close this window.',
    });
    await page.close();
    expect(new URL(authorizeUrl).searchParams.get('code_challenge_method')).toBe('S256');
    expect(result.account?.username).toBe(reader.username);
    expect(result.idTokenClaims).toMatchObject({ tid: s.demo.tenants.contoso.tenantId, preferred_username: reader.username });
    const claims = JSON.parse(Buffer.from(result.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ scp: 'Investigation.read', upn: reader.username, appidacr: '0' });
    const res = await alerts(result.accessToken);
    expect(res.status).toBe(200);

    // Silent: the cached token, then a forced refresh through the refresh token grant.
    const silent = await pca.acquireTokenSilent({ account: result.account!, scopes: [SCOPE] });
    expect(silent.accessToken).toBe(result.accessToken);
    const refreshed = await pca.acquireTokenSilent({ account: result.account!, scopes: [SCOPE], forceRefresh: true });
    expect(refreshed.accessToken).not.toBe(result.accessToken);
    expect((await alerts(refreshed.accessToken)).status).toBe(200);
  });

  it('acquireTokenByDeviceCode completes when the user enters the code on the device login page', async () => {
    const page = await browser.newPage();
    const result = await pca.acquireTokenByDeviceCode({
      scopes: [SCOPE],
      deviceCodeCallback: (r) => {
        expect(r.message).toContain(r.userCode);
        void (async () => {
          await page.goto(r.verificationUri);
          await page.fill('#otc', r.userCode);
          await page.click('button[value="next"]');
          await page.fill('#username', reader.username);
          await page.fill('#password', reader.password);
          await page.click('#idSIButton9');
          await page.click('button[value="continue"]');
        })();
      },
    });
    await page.close();
    expect(result?.account?.username).toBe(reader.username);
    expect((await alerts(result!.accessToken)).status).toBe(200);
  }, 60_000);

  it('acquireTokenByUsernamePassword (ROPC) works for a public client', async () => {
    const result = await pca.acquireTokenByUsernamePassword({ scopes: [SCOPE], username: reader.username, password: reader.password });
    expect(result?.account?.username).toBe(reader.username);
    await expect(pca.acquireTokenByUsernamePassword({ scopes: [SCOPE], username: reader.username, password: 'wrong' })).rejects.toThrow(
      /AADSTS50126/,
    );
  });
});
