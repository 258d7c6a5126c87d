import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { networkClientTrusting } from '../compat/msal-network-client.js';
import { startConsoleHarness, type ConsoleHarness } from './console-harness.js';

/**
 * Microsoft's guide "Access Defender for Cloud Apps with application context", walked through the
 * admin center by the labels it uses; then msal-node gets a token with the secret made there.
 */
describe('the application-context guide in the admin center (Chromium)', () => {
  let h: ConsoleHarness;
  let page: Page;
  let errors: string[];
  const violations: string[] = [];
  let clientId = '';
  let tenantId = '';
  let secret = '';
  const appName = `Guide SIEM ${Date.now()}`;

  const shot = async (name: string) => {
    await h.screenshot(page, `guide-${name}`);
    violations.push(...(await h.axe(page)).map((v) => `${name}: ${v}`));
  };

  beforeAll(async () => {
    h = await startConsoleHarness();
    ({ page, errors } = await h.signedIn(['contoso', 'fabrikam']));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('1. registers a new application', async () => {
    await page.goto(`${h.server.url}/`);
    await page.getByRole('heading', { name: 'App registrations' }).waitFor();
    await expect(page.getByTestId('tenant-name').textContent()).resolves.toBe('Contoso');
    await shot('01-app-registrations');
    await page.getByRole('button', { name: 'New registration' }).click();
    await page.getByRole('heading', { name: 'Register an application' }).waitFor();
    await page.getByLabel('Name').fill(appName);
    await page.getByLabel(/^Accounts in this organizational directory only/).check();
    await shot('02-new-registration');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await page.getByRole('heading', { name: `${appName} | Overview` }).waitFor();
    clientId = (await page.getByTestId('client-id').textContent())!.trim();
    tenantId = (await page.getByTestId('tenant-id').textContent())!.trim();
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(tenantId).toBe(h.server.demo!.tenants.contoso.tenantId);
    await page.getByRole('button', { name: 'Endpoints' }).click();
    await expect(page.getByRole('textbox', { name: 'OAuth 2.0 token endpoint (v2)' }).inputValue()).resolves.toBe(
      `${h.server.url}/${tenantId}/oauth2/v2.0/token`,
    );
    await shot('03-overview-endpoints');
    await page.getByRole('button', { name: 'Close' }).click();
  }, 120_000);

  it('2. adds the Microsoft Cloud App Security application permissions', async () => {
    await page.getByRole('tab', { name: 'API permissions' }).click();
    await page.getByRole('button', { name: 'Add a permission' }).click();
    await page.getByRole('tab', { name: 'APIs my organization uses' }).click();
    // Not listed until its name is typed, as the guide warns.
    await expect(page.getByRole('button', { name: /Microsoft Cloud App Security/ }).count()).resolves.toBe(0);
    await page.getByPlaceholder('Start typing a name or application ID to search').fill('Microsoft Cloud App Security');
    await page.getByRole('button', { name: /Microsoft Cloud App Security/ }).click();
    await page.getByRole('button', { name: /Application permissions/ }).click();
    await page.getByRole('checkbox', { name: 'Investigation.read' }).check();
    await page.getByRole('checkbox', { name: 'Discovery.read' }).check();
    await shot('04-request-api-permissions');
    await page.getByRole('button', { name: 'Add permissions' }).click();
    await page.getByRole('cell', { name: 'Investigation.read' }).first().waitFor();
    await expect(page.getByText('Not granted for Contoso', { exact: true }).count()).resolves.toBe(2);
    await shot('05-configured-permissions');
  }, 120_000);

  it('3. grants admin consent, after a confirmation', async () => {
    await page.getByRole('button', { name: 'Grant admin consent for Contoso' }).click();
    await page.getByRole('dialog', { name: 'Grant admin consent confirmation.' }).waitFor();
    await shot('06-grant-confirmation');
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('Granted for Contoso', { exact: true }).first().waitFor();
    await expect(page.getByText('Granted for Contoso', { exact: true }).count()).resolves.toBe(2);
    // The confirmation closes with an animation; the page behind it is inert until it is gone.
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await shot('07-granted');
  }, 120_000);

  it('4. adds a client secret, shown once with a copy button', async () => {
    await page.getByRole('tab', { name: 'Certificates & secrets' }).click();
    await page.getByRole('button', { name: 'New client secret' }).click();
    await page.getByLabel('Description').fill('guide secret');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('secret-value').waitFor();
    secret = (await page.getByTestId('secret-value').textContent())!.trim();
    await page.getByRole('button', { name: 'Copy secret value to clipboard' }).click();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(secret);
    await expect(page.getByText(/cannot be viewed, except for immediately after creation/).count()).resolves.toBe(1);
    await shot('08-secret-created');
  }, 120_000);

  it('5. copies the Application (client) ID and Directory (tenant) ID from Overview', async () => {
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.getByRole('button', { name: 'Copy Application (client) ID to clipboard' }).click();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(clientId);
    await page.getByRole('button', { name: 'Copy Directory (tenant) ID to clipboard' }).click();
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(tenantId);
    await shot('09-overview-ids');
  }, 60_000);

  it('6. msal-node gets a token with that secret and the Cloud Apps API answers with it', async () => {
    const cca = new ConfidentialClientApplication({
      auth: { clientId, clientSecret: secret, authority: `${h.server.url}/${tenantId}`, knownAuthorities: [new URL(h.server.url).host] },
      system: { networkClient: networkClientTrusting(h.server.caPem) },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${CLOUD_APP_SECURITY_APP_ID}/.default`] });
    const claims = JSON.parse(Buffer.from(result!.accessToken.split('.')[1]!, 'base64url').toString()) as { roles: string[] };
    expect(claims.roles.sort()).toEqual(['Discovery.read', 'Investigation.read']);
    const res = await h.fetch(`${h.server.url}/api/v1/alerts/`, { headers: { authorization: `Bearer ${result!.accessToken}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { total: number }).total).toBeGreaterThan(0);
  }, 60_000);

  it('7. multi-tenant: the consent link approves the app in Fabrikam, which then issues Fabrikam tokens', async () => {
    await page.getByRole('tab', { name: 'Authentication' }).click();
    await page.getByLabel(/^Accounts in any organizational directory/).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Successfully updated ${appName}`).waitFor();
    await page.getByRole('tab', { name: 'Overview' }).click();
    const link = await page.getByRole('textbox', { name: 'Admin consent link' }).inputValue();
    expect(link).toBe(`${h.server.url}/common/oauth2/authorize?prompt=consent&client_id=${clientId}&response_type=code&sso_reload=true`);
    await shot('10-consent-link');
    // Fabrikam's administrator opens the link in their own browser.
    const fabrikam = h.server.demo!.tenants.fabrikam;
    const other = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const consent = await other.newPage();
    await consent.goto(link);
    await consent.getByLabel('Administrator').fill(fabrikam.admin.username);
    await consent.getByLabel('Password').fill(fabrikam.admin.password);
    await consent.screenshot({ path: 'test-results/console/guide-11-fabrikam-consent.png' });
    await consent.getByRole('button', { name: 'Accept' }).click();
    await consent.waitForLoadState();
    await consent.screenshot({ path: 'test-results/console/guide-12-fabrikam-consented.png' });
    await other.close();
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId,
        clientSecret: secret,
        authority: `${h.server.url}/${fabrikam.tenantId}`,
        knownAuthorities: [new URL(h.server.url).host],
      },
      system: { networkClient: networkClientTrusting(h.server.caPem) },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: [`${CLOUD_APP_SECURITY_APP_ID}/.default`] });
    const claims = JSON.parse(Buffer.from(result!.accessToken.split('.')[1]!, 'base64url').toString()) as { tid: string; roles: string[] };
    expect(claims.tid).toBe(fabrikam.tenantId);
    expect(claims.roles.sort()).toEqual(['Discovery.read', 'Investigation.read']);
  }, 120_000);

  it('8. every page visited had no serious or critical accessibility violation and no console error', () => {
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
