import fs from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { RunningServer } from '../../packages/server/src/main.js';
import type { FetchLike } from '@appwarden/sdk';
import { listening } from '../support/harness.js';

/** Debian's Chromium (apt, .ci/run); the tests never download a browser. */
export const CHROMIUM = process.env.APPWARDEN_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Screenshots of every step; a failing CI run leaves them for reading. */
export const SCREENSHOT_DIR = path.resolve('test-results/console');

export interface ConsoleHarness {
  server: RunningServer;
  browser: Browser;
  fetch: FetchLike;
  /** A browser context signed in to `tenants` (first one active), 1280×800, light or dark. */
  signedIn(
    tenants: ('contoso' | 'fabrikam')[],
    options?: { colorScheme?: 'light' | 'dark' },
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  /**
   * Signs in through the console's real flow (authorization code + PKCE through this server's
   * sign-in page), in `page`'s context; for a second tenant, through "Sign in to another directory".
   */
  signInInteractive(
    page: Page,
    user: { username: string; password: string },
    options?: { domain?: string; another?: boolean },
  ): Promise<void>;
  screenshot(page: Page, name: string): Promise<void>;
  /** axe-core on the page: serious and critical violations, as readable strings. */
  axe(page: Page): Promise<string[]>;
  close(): Promise<void>;
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // The demo on a free port, as `serve --demo`; no rate limit (a page load is a burst of calls).
  const live = await listening({ config: { rateLimitPerMinute: 0 } });
  const { server } = live;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const demo = server.demo!;

  const harness: ConsoleHarness = {
    server,
    browser,
    fetch: live.fetch,
    async signedIn(tenants, options = {}) {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 800 },
        colorScheme: options.colorScheme ?? 'light',
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
      page.on('pageerror', (e) => errors.push(String(e)));
      // Signed in last to first, so that the first tenant is the active one at the end.
      const order = [...tenants].reverse();
      for (const [i, name] of order.entries()) {
        await harness.signInInteractive(
          page,
          demo.tenants[name].admin,
          i === 0 ? { domain: demo.tenants[name].domain } : { another: true },
        );
      }
      if (order.length > 1) {
        await page.getByRole('button', { name: /Switch directory/ }).click();
        await page.getByRole('menuitemradio', { name: new RegExp(tenants[0]!, 'i') }).click();
        await page
          .getByTestId('tenant-name')
          .filter({ hasText: new RegExp(tenants[0]!, 'i') })
          .waitFor();
      }
      return { context, page, errors };
    },
    async signInInteractive(page, user, options = {}) {
      if (options.another) {
        await page.getByRole('button', { name: /Switch directory/ }).click();
        await page.getByRole('menuitem', { name: 'Sign in to another directory' }).click();
        const other = page.getByRole('button', { name: 'Use another account' });
        await page.getByLabel('Email, phone, or Skype').or(other).first().waitFor();
        if (await other.count()) await other.click();
      } else {
        await page.goto(`${server.url}/`);
        if (options.domain) await page.getByRole('textbox', { name: 'Directory (optional)' }).fill(options.domain);
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByLabel('Email, phone, or Skype').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('user-name').filter({ hasText: user.username }).waitFor();
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
    },
    async axe(page) {
      // Tabster's focus-trap sentinels (Fluent UI's <i tabindex=0 aria-hidden data-tabster-dummy>) are
      // focusable on purpose and redirect focus at once; axe reports them as aria-hidden-focus.
      const result = await new AxeBuilder({ page }).exclude('[data-tabster-dummy]').analyze();
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.impact} ${v.id}: ${v.help} (${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 3)
              .join(' | ')})`,
        );
    },
    async close() {
      await browser.close();
      await live.close();
    },
  };
  return harness;
}
