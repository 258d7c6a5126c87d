import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from './console-harness.js';

const DAY = 86_400_000;
/** Yesterday noon UTC: inside every time frame of the report. */
const T = Math.floor(Date.now() / DAY) * DAY - DAY + 12 * 3_600_000;
const squid = (offsetS: number, ip: string, bytes: number, url: string, user: string) =>
  `${((T + offsetS * 1000) / 1000).toFixed(3)}    120 ${ip} TCP_TUNNEL/200 ${bytes} CONNECT ${url} ${user} HIER_DIRECT/203.0.113.50 -`;

/** The Defender for Cloud Apps pages with Contoso's demo data, each checked with axe-core. */
describe('Defender for Cloud Apps pages in the admin center (Chromium)', () => {
  let h: ConsoleHarness;
  let page: Page;
  let errors: string[];
  const violations: string[] = [];
  const shot = async (name: string) => {
    await h.screenshot(page, `defender-${name}`);
    violations.push(...(await h.axe(page)).map((v) => `${name}: ${v}`));
  };

  beforeAll(async () => {
    h = await startConsoleHarness();
    ({ page, errors } = await h.signedIn(['contoso']));
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  it('closes an alert as benign with a reason, and marks one unread', async () => {
    await page.goto(`${h.server.url}/defender/alerts`);
    await page.getByRole('table', { name: 'Alerts' }).waitFor();
    await shot('01-alerts');
    const firstAlert = page.getByRole('table', { name: 'Alerts' }).getByRole('button').first();
    const title = (await firstAlert.textContent())!;
    await firstAlert.click();
    await page.getByRole('dialog', { name: title }).waitFor();
    await page.getByRole('button', { name: 'Close alert' }).click();
    await page.getByRole('menuitem', { name: 'Benign' }).click();
    await page.getByRole('dialog', { name: 'Close as benign' }).waitFor();
    await page.getByRole('combobox', { name: 'Reason' }).click();
    await page.getByRole('option', { name: 'Confirmed with end user' }).click();
    await page.getByLabel('Comment').fill('checked with the user');
    await shot('02-close-benign');
    await page.getByRole('dialog', { name: 'Close as benign' }).getByRole('button', { name: 'Close alert' }).click();
    await expect.poll(() => page.getByTestId('alert-resolution').textContent()).toBe('Benign');
    const readButton = page.getByRole('button', { name: /^Mark as (read|unread)$/ });
    const before = await readButton.textContent();
    await readButton.click();
    await expect.poll(() => readButton.textContent()).not.toBe(before);
    await shot('03-alert-closed');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // Filters: high severity only.
    await page.getByRole('combobox', { name: 'Severity' }).click();
    await page.getByRole('option', { name: 'High' }).click();
    await page.getByRole('table', { name: 'Alerts' }).waitFor();
    const severities = await page.getByRole('table', { name: 'Alerts' }).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(severities.length).toBeGreaterThan(0);
    expect(new Set(severities)).toEqual(new Set(['High']));
  }, 120_000);

  it('opens the alert an alerts_v2 alertWebUrl names (?alertId=…)', async () => {
    const tenantId = h.server.demo!.tenants.contoso.tenantId;
    const page1 = await h.server.services.stores.alerts.statePage(tenantId, {
      where: undefined,
      orderBy: 'timestamp',
      descending: false,
      skip: 0,
      limit: 1,
      count: false,
    });
    const row = page1.rows[0]!;
    const title = (JSON.parse(row.doc) as { title: string }).title;
    await page.goto(`${h.server.url}/defender/alerts?alertId=${row.id}&tid=${tenantId}`);
    await page.getByRole('dialog', { name: title }).waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  }, 120_000);

  it('filters the activity log by user and opens an activity', async () => {
    await page.goto(`${h.server.url}/defender/activity-log`);
    await page.getByRole('table', { name: 'Activities' }).waitFor();
    await shot('04-activity-log');
    const firstUser = (await page.getByRole('table', { name: 'Activities' }).locator('tbody tr td:nth-child(2)').first().textContent())!;
    await page.getByLabel('User name starts with').fill(firstUser);
    await expect
      .poll(
        async () => new Set(await page.getByRole('table', { name: 'Activities' }).locator('tbody tr td:nth-child(2)').allTextContents()),
      )
      .toEqual(new Set([firstUser]));
    await page.getByRole('table', { name: 'Activities' }).getByRole('button').first().click();
    await page.getByRole('dialog', { name: 'Activity details' }).waitFor();
    await shot('05-activity-details');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
  }, 120_000);

  it('lists users and accounts', async () => {
    await page.goto(`${h.server.url}/defender/users-and-accounts`);
    await page.getByRole('table', { name: 'Users and accounts' }).waitFor();
    await shot('06-users-and-accounts');
  }, 60_000);

  it('creates, edits and deletes an IP address range', async () => {
    await page.goto(`${h.server.url}/defender/ip-address-ranges`);
    await page.getByRole('table', { name: 'IP address ranges' }).waitFor();
    await page.getByRole('button', { name: 'Add IP address range' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Branch office Oslo');
    await page.getByRole('textbox', { name: 'IP address ranges' }).fill('198.51.100.0/24\n2001:db8:42::/48');
    await page.getByRole('combobox', { name: 'Category' }).click();
    await page.getByRole('option', { name: 'Corporate' }).click();
    await shot('07-ip-range-new');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'Branch office Oslo', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Edit Branch office Oslo' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Branch office Bergen');
    await page.getByRole('button', { name: 'Update' }).click();
    await page.getByRole('cell', { name: 'Branch office Bergen', exact: true }).waitFor();
    await shot('08-ip-ranges');
    await page.getByRole('button', { name: 'Delete Branch office Bergen' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'Branch office Bergen', exact: true }).count()).toBe(0);
  }, 120_000);

  it('uploads a log with progress, shows the report with its charts, sanctions an app, downloads a block script', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aw-console-log-')), 'proxy.log');
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      lines.push(squid(i, `10.20.0.${10 + (i % 7)}`, 5000 + i, 'www.dropbox.com:443', `user${i % 5}`));
      lines.push(squid(i, `10.20.0.${10 + (i % 3)}`, 2000 + i, 'app.box.com:443', `user${i % 3}`));
      if (i % 4 === 0) lines.push(squid(i, '10.20.0.99', 900, 'api.github.com:443', 'dev'));
    }
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await page.goto(`${h.server.url}/defender/cloud-discovery`);
    await page.getByRole('heading', { name: 'Cloud Discovery' }).waitFor();
    await page.getByRole('button', { name: 'Upload traffic log' }).first().click();
    await page.getByRole('textbox', { name: 'Report name' }).fill('Console proxy');
    await page.getByLabel('Traffic log file').setInputFiles(file);
    await shot('09-upload');
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    await expect.poll(() => page.getByTestId('upload-job-status').textContent(), { timeout: 60_000 }).toMatch(/succeeded/);
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    await shot('10-upload-done');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('discovery-charts').waitFor();
    for (const chart of ['chart-traffic', 'chart-users', 'chart-categories', 'chart-risk', 'chart-time']) {
      expect(await page.getByTestId(chart).locator('li').count(), chart).toBeGreaterThan(0);
    }
    await expect(page.getByTestId('chart-traffic').locator('li').first().textContent()).resolves.toMatch(/Dropbox/);
    await shot('11-dashboard');
    await page
      .getByRole('table', { name: 'Discovered apps' })
      .getByRole('button', { name: /Dropbox/ })
      .click();
    await page.getByRole('button', { name: 'Unsanction' }).click();
    await expect.poll(() => page.getByTestId('app-sanction-state').textContent()).toBe('Unsanctioned');
    await shot('12-app-unsanctioned');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'Generate block script' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    const script = fs.readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toBe('block-script-palo_alto-banned.txt');
    expect(script).toMatch(/dropbox/i);
  }, 180_000);

  it('creates an API token shown once, and revokes it', async () => {
    await page.goto(`${h.server.url}/defender/settings/api-tokens`);
    await page.getByRole('heading', { name: 'API tokens', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Add token' }).click();
    await page.getByRole('textbox', { name: 'Token name' }).fill('SIEM script');
    await page.getByRole('button', { name: 'Generate' }).click();
    const token = (await page.getByTestId('api-token-value').textContent())!;
    const res = await h.fetch(`${h.server.url}/api/v1/alerts/`, { headers: { authorization: `Token ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    await shot('13-api-token');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByRole('button', { name: 'Revoke SIEM script' }).click();
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    await expect.poll(() => page.getByRole('cell', { name: 'SIEM script', exact: true }).count()).toBe(0);
  }, 120_000);

  it('decodes a token in the browser, checks its signature, highlights roles', async () => {
    const demo = h.server.demo!.tenants.contoso;
    const res = await h.fetch(`${h.server.url}/${demo.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: demo.daemon!.clientId,
        client_secret: demo.daemon!.clientSecret,
        scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
      }).toString(),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    await page.goto(`${h.server.url}/entra/token-decoder`);
    await page.getByRole('textbox', { name: 'Token' }).fill(access_token);
    await expect.poll(() => page.getByTestId('signature-state').textContent()).toMatch(/Signature verified/);
    await expect(page.getByTestId('claim-roles').textContent()).resolves.toMatch(/Investigation\.read/);
    await expect(page.getByTestId('token-expiry').textContent()).resolves.toMatch(/^Expires in/);
    await shot('14-token-decoder');
    // A tampered payload fails the check.
    const [hd, body, sig] = access_token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['Settings.manage'] })).toString('base64url');
    await page.getByRole('textbox', { name: 'Token' }).fill(`${hd}.${forged}.${sig}`);
    await expect.poll(() => page.getByTestId('signature-state').textContent()).toMatch(/Invalid signature/);
  }, 60_000);

  it('the Entra list pages render; dark mode follows the system', async () => {
    for (const [path, heading, name] of [
      ['/entra/enterprise-applications', 'Enterprise applications', '15-enterprise-applications'],
      ['/entra/users', 'Users', '16-users'],
    ] as const) {
      await page.goto(`${h.server.url}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.getByRole('status').waitFor({ state: 'detached' });
      await shot(name);
    }
    const dark = await h.signedIn(['contoso'], { colorScheme: 'dark' });
    await dark.page.goto(`${h.server.url}/defender/alerts`);
    await dark.page.getByRole('table', { name: 'Alerts' }).waitFor();
    const bg = String(await dark.page.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor"));
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(r! + g! + b!).toBeLessThan(200);
    await h.screenshot(dark.page, 'defender-17-dark-mode');
    await dark.context.close();
  }, 120_000);

  it('/docs: Swagger UI from /openapi.json runs a request against this server ("Try it out")', async () => {
    await page.goto(`${h.server.url}/docs`);
    const op = page.locator('#operations-Operations-get_healthz');
    await op.locator('.opblock-summary').click();
    // tryItOutEnabled: the operation opens ready to run.
    await op.getByRole('button', { name: 'Execute' }).click();
    await expect.poll(() => op.locator('.live-responses-table').innerText()).toMatch(/^200\b/m);
    await expect(op.locator('.live-responses-table').innerText()).resolves.toContain('"status": "ok"');
    await h.screenshot(page, 'defender-18-docs-try-it');
  }, 120_000);

  it('no serious or critical accessibility violation and no console error on any page', () => {
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
