import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsoleHarness, type ConsoleHarness } from './console-harness.js';

/**
 * The console's own sign-in: authorization code + PKCE through /{tenant}/oauth2/v2.0/authorize as
 * the built-in "Appwarden admin center" client, and the renewal of its tokens.
 */
interface DemoUser {
  username: string;
  password: string;
  roles?: string[];
}

describe('signing in to the admin center (Chromium)', () => {
  let h: ConsoleHarness;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    h = await startConsoleHarness();
    context = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  }, 180_000);
  afterAll(async () => {
    await context?.close();
    await h?.close();
  });

  it('signs in as Contoso’s admin: tenant and user in the header, both APIs answer', async () => {
    const contoso = h.server.demo!.tenants.contoso;
    await page.goto(`${h.server.url}/`);
    await page.getByRole('heading', { name: 'Appwarden admin center' }).waitFor();
    await h.screenshot(page, 'sign-in-01-start');
    await h.signInInteractive(page, contoso.admin, { domain: contoso.domain });
    // The header renders once the tokens are in: wait for it, then count.
    await page.getByTestId('tenant-name').filter({ hasText: 'Contoso' }).first().waitFor();
    await expect(page.getByTestId('tenant-name').filter({ hasText: 'Contoso' }).count()).resolves.toBe(1);
    await page.getByRole('table', { name: 'Applications' }).waitFor();
    await page.goto(`${h.server.url}/defender/alerts`);
    await page.getByRole('table', { name: 'Alerts' }).waitFor();
    await h.screenshot(page, 'sign-in-02-signed-in');
  }, 120_000);

  it('the header shows the user beside the avatar, never under it, at 1280, 1024 and 768 wide', async () => {
    for (const width of [1280, 1024, 768]) {
      await page.setViewportSize({ width, height: 800 });
      const account = page.getByRole('button', { name: /Account manager/ });
      const avatar = account.locator('.fui-Avatar');
      const name = page.getByTestId('user-name');
      await avatar.waitFor();
      await h.screenshot(page, `sign-in-header-${width}`);
      const a = (await avatar.boundingBox())!;
      const b = await name.boundingBox();
      // Narrow windows show the avatar alone, as the admin centers do.
      if (b && (await name.isVisible())) expect(b.x + b.width, `at ${width} px`).toBeLessThanOrEqual(a.x);
      const bar = (await page.locator('header').boundingBox())!;
      expect(a.x + a.width, `avatar inside the header at ${width} px`).toBeLessThanOrEqual(bar.x + bar.width);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it('adds Fabrikam through "Sign in to another directory" and switches between the two', async () => {
    const fabrikam = h.server.demo!.tenants.fabrikam;
    await h.signInInteractive(page, fabrikam.admin, { another: true });
    await page.getByTestId('tenant-name').filter({ hasText: 'Fabrikam' }).waitFor();
    await page.getByRole('button', { name: /Switch directory/ }).click();
    await page.getByRole('menuitemradio', { name: /Contoso/ }).click();
    await page.getByTestId('tenant-name').filter({ hasText: 'Contoso' }).waitFor();
    await h.screenshot(page, 'sign-in-03-switched');
  }, 120_000);

  it('a Security Reader reads but is offered no change', async () => {
    const users = (h.server.demo!.tenants.contoso as unknown as { users?: DemoUser[] }).users ?? [];
    const reader = users.find((u) => u.roles?.includes('Security Reader'));
    expect(reader, 'demo.json has a Security Reader in Contoso').toBeDefined();
    const readerContext = await h.browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const readerPage = await readerContext.newPage();
    try {
      await h.signInInteractive(readerPage, reader!, { domain: h.server.demo!.tenants.contoso.domain });
      await readerPage.goto(`${h.server.url}/defender/alerts`);
      await readerPage.getByRole('table', { name: 'Alerts' }).getByRole('button').first().click();
      await expect(readerPage.getByRole('button', { name: 'Close alert' }).isDisabled()).resolves.toBe(true);
      await readerPage.getByRole('button', { name: 'Close', exact: true }).click();
      await readerPage.goto(`${h.server.url}/defender/ip-address-ranges`);
      await expect(readerPage.getByRole('button', { name: 'Add IP address range' }).isDisabled()).resolves.toBe(true);
      await h.screenshot(readerPage, 'sign-in-04-reader');
    } finally {
      await readerContext.close();
    }
  }, 120_000);

  it('signs out at the server too', async () => {
    await page.getByRole('button', { name: /Account manager/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(`${h.server.url}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
