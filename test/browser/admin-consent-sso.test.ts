import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AZURE_CLI_APP_ID, CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../compat/browser.js';
import { listening, type ListeningHarness } from '../support/harness.js';

/**
 * The admin-consent pages (/{tenant}/adminconsent, /{tenant}/v2.0/adminconsent) in Chromium share
 * the sign-in's single sign-on: an administrator already signed in is not asked for a password
 * again, prompt=login still asks, and a signed-in non-administrator cannot grant.
 */
describe('admin consent with the sign-in session (Chromium)', () => {
  let s: ListeningHarness;
  let browser: Browser;
  let tenantId: string;
  // Where the browser lands after consent and after sign-in: a local page, as a web app's would be.
  let landing: http.Server;
  let CONSENT_DONE: string;
  let LOOPBACK: string;

  beforeAll(async () => {
    landing = http.createServer((_req, res) => res.end('received'));
    await new Promise<void>((resolve) => landing.listen(0, resolve));
    const port = (landing.address() as AddressInfo).port;
    CONSENT_DONE = `http://localhost:${port}/consent/done`;
    LOOPBACK = `http://localhost:${port}/`;
    s = await listening();
    browser = await launchChromium();
    tenantId = s.demo.tenants.contoso.tenantId;
    // Seeding the demo (two tenants, users, data) takes a while on a loaded PostgreSQL runner.
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
    landing?.closeAllConnections();
    await new Promise((resolve) => landing?.close(resolve));
  });

  /** A web app of Contoso asking for one application permission of Cloud App Security. */
  async function partnerApp(displayName: string) {
    return s.services.applications.create(tenantId, {
      displayName,
      web: { redirectUris: [CONSENT_DONE] },
      requiredResourceAccess: [
        { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: [{ id: CLOUD_APP_SECURITY_ROLES[0]!.id, type: 'Role' }] },
      ],
    });
  }

  const context = (): Promise<BrowserContext> => browser.newContext({ ignoreHTTPSErrors: true });

  /** Signs the browser in through the authorize page (Azure CLI's public client), leaving the SSO cookie. */
  async function signIn(page: Page, alias: string) {
    const user = s.demo.tenants.contoso.users!.find((u) => u.username.startsWith(`${alias}@`)) ?? {
      username: s.demo.tenants.contoso.admin.username,
      password: s.demo.tenants.contoso.admin.password,
    };
    const verifier = crypto.randomBytes(32).toString('base64url');
    const q = new URLSearchParams({
      client_id: AZURE_CLI_APP_ID,
      response_type: 'code',
      redirect_uri: LOOPBACK,
      scope: 'openid profile',
      code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    await page.goto(`${s.url}/${tenantId}/oauth2/v2.0/authorize?${q}`);
    await page.fill('#username', user.username);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL(`${LOOPBACK}**`), page.click('#idSIButton9')]);
    return user;
  }

  it('a signed-in Global Administrator accepts on /adminconsent without a password; the grant is made', async () => {
    const app = await partnerApp('Partner dashboard');
    const c = await context();
    const page = await c.newPage();
    const admin = await signIn(page, 'admin');
    await page.goto(`${s.url}/${tenantId}/adminconsent?client_id=${app.appId}&redirect_uri=${encodeURIComponent(CONSENT_DONE)}&state=s1`);
    await expect.poll(() => page.textContent('#signed-in-as')).toContain(admin.username);
    expect(await page.locator('#password').count()).toBe(0);
    await Promise.all([page.waitForURL(`${CONSENT_DONE}**`), page.click('button[value="accept"]')]);
    const done = new URL(page.url());
    expect(Object.fromEntries(done.searchParams)).toEqual({ admin_consent: 'True', tenant: tenantId, state: 's1' });
    const sp = await s.services.servicePrincipals.getByAppId(tenantId, app.appId);
    const assignments = await s.services.servicePrincipals.assignmentsOfPrincipal(tenantId, sp!.id);
    expect(assignments.map((a) => a.appRoleId)).toEqual([CLOUD_APP_SECURITY_ROLES[0]!.id]);

    // prompt=login asks for the password even with the session (v2 endpoint, with scope).
    const v2 = new URLSearchParams({
      client_id: app.appId,
      redirect_uri: CONSENT_DONE,
      scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
      prompt: 'login',
    });
    await page.goto(`${s.url}/${tenantId}/v2.0/adminconsent?${v2}`);
    await page.locator('#password').waitFor();
    expect(await page.locator('#signed-in-as').count()).toBe(0);
    await page.fill('#username', admin.username);
    await page.fill('#password', admin.password);
    await Promise.all([page.waitForURL(`${CONSENT_DONE}**`), page.click('button[value="accept"]')]);
    expect(new URL(page.url()).searchParams.get('scope')).toBe(`${CLOUD_APP_SECURITY_APP_ID}/.default`);
    await c.close();
  });

  it('a signed-in Security Reader cannot grant (AADSTS90094) and may switch to an administrator on the page', async () => {
    const app = await partnerApp('Partner reports');
    const c = await context();
    const page = await c.newPage();
    const reader = await signIn(page, 'reader');
    await page.goto(`${s.url}/common/adminconsent?client_id=${app.appId}&redirect_uri=${encodeURIComponent(CONSENT_DONE)}`);
    await expect.poll(() => page.textContent('#signed-in-as')).toContain(reader.username);
    const [response] = await Promise.all([page.waitForResponse(/\/appwarden\/consent$/), page.click('button[value="accept"]')]);
    expect(response.status()).toBe(403);
    expect(await page.textContent('.error')).toContain('AADSTS90094');
    expect(await s.services.servicePrincipals.getByAppId(tenantId, app.appId)).toBeUndefined();

    const admin = s.demo.tenants.contoso.admin;
    await page.fill('#username', admin.username);
    await page.fill('#password', admin.password);
    await Promise.all([page.waitForURL(`${CONSENT_DONE}**`), page.click('button[value="accept"]')]);
    expect(new URL(page.url()).searchParams.get('admin_consent')).toBe('True');

    // Signing in on the consent page signed the browser in as the administrator.
    await page.goto(`${s.url}/${tenantId}/adminconsent?client_id=${app.appId}&redirect_uri=${encodeURIComponent(CONSENT_DONE)}`);
    await expect.poll(() => page.textContent('#signed-in-as')).toContain(admin.username);
    await c.close();
  });

  it('an accept-as-signed-in form is refused without the session it was shown to', async () => {
    const app = await partnerApp('Partner audit');
    const c = await context();
    const page = await c.newPage();
    await signIn(page, 'admin');
    await page.goto(`${s.url}/${tenantId}/adminconsent?client_id=${app.appId}&redirect_uri=${encodeURIComponent(CONSENT_DONE)}`);
    await page.locator('#signed-in-as').waitFor();
    await c.clearCookies();
    const [response] = await Promise.all([page.waitForResponse(/\/appwarden\/consent$/), page.click('button[value="accept"]')]);
    expect(response.status()).toBe(401);
    await page.locator('#password').waitFor();
    expect(await s.services.servicePrincipals.getByAppId(tenantId, app.appId)).toBeUndefined();
    await c.close();
  });
});
