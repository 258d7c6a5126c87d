import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Agent, fetch as undiciFetch } from 'undici';
import * as protocol from '@appwarden/protocol';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { startServer, type RunningServer } from '../../packages/server/src/main.js';
import { testDatabaseUrl } from '../support/test-database.js';

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

/**
 * The console signs in for real (authorization code + PKCE) once the user-context branch is merged
 * (protocol then exports ADMIN_CENTER_APP_ID); before that, or with APPWARDEN_CONSOLE_TEST_BOOTSTRAP=1,
 * the tests seed the session with the test bootstrap below.
 */
export const REAL_SIGN_IN = 'ADMIN_CENTER_APP_ID' in protocol && process.env.APPWARDEN_CONSOLE_TEST_BOOTSTRAP !== '1';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

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

async function clientCredentialsToken(
  fetchImpl: FetchLike,
  origin: string,
  tenant: string,
  clientId: string,
  secret: string,
  scope: string,
) {
  const res = await fetchImpl(`${origin}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope }).toString(),
  });
  const body = (await res.json()) as { access_token: string; expires_in: number };
  if (!res.ok) throw new Error(`token for ${clientId}: ${JSON.stringify(body)}`);
  return { accessToken: body.access_token, expiresOn: Date.now() + body.expires_in * 1000 };
}

export async function startConsoleHarness(): Promise<ConsoleHarness> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-console-'));
  const server = await startServer({
    options: {
      dataDir: dir,
      port: 0,
      demo: true,
      logLevel: (process.env.AW_TEST_LOG_LEVEL ?? 'silent') as 'silent',
      databaseUrl: testDatabaseUrl(),
      rateLimitPerMinute: 0,
    },
    env: {},
  });
  const agent = new Agent({ connect: { ca: server.caPem } });
  const fetchImpl = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as FetchLike;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const demo = server.demo!;

  /**
   * TEST BOOTSTRAP, not a product feature, and only until the user-context branch (issue 11) is
   * merged: the console's session is seeded with app-only tokens got by client credentials (the
   * demo management app for the management API, the demo daemon for the Cloud Apps API) instead
   * of signing in through /{tenant}/oauth2/v2.0/authorize. After the merge the tests sign in as
   * the tenant's admin with the real authorization code + PKCE flow.
   */
  async function bootstrapSession(name: 'contoso' | 'fabrikam') {
    const t = demo.tenants[name];
    const graph = await clientCredentialsToken(
      fetchImpl,
      server.url,
      t.tenantId,
      t.management.clientId,
      t.management.clientSecret,
      'https://graph.microsoft.com/.default',
    );
    const cloudApps = t.daemon
      ? await clientCredentialsToken(
          fetchImpl,
          server.url,
          t.tenantId,
          t.daemon.clientId,
          t.daemon.clientSecret,
          `${CLOUD_APP_SECURITY_APP_ID}/.default`,
        )
      : undefined;
    return {
      tenantId: t.tenantId,
      tenantName: name === 'contoso' ? 'Contoso' : 'Fabrikam',
      domain: t.domain,
      user: { name: 'Administrator', username: t.admin.username },
      tokens: { graph, ...(cloudApps ? { cloudApps } : {}) },
    };
  }

  const harness: ConsoleHarness = {
    server,
    browser,
    fetch: fetchImpl,
    async signedIn(tenants, options = {}) {
      if (REAL_SIGN_IN) {
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
      }
      const sessions = Object.fromEntries(
        await Promise.all(
          tenants.map(async (n) => {
            const s = await bootstrapSession(n);
            return [s.tenantId, s] as const;
          }),
        ),
      );
      const active = demo.tenants[tenants[0]!].tenantId;
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1280, height: 800 },
        colorScheme: options.colorScheme ?? 'light',
        permissions: ['clipboard-read', 'clipboard-write'],
      });
      // Runs in the page before its scripts (a string: this file is compiled without DOM types).
      await context.addInitScript({
        content: `if (!sessionStorage.getItem('appwarden.console.sessions')) {
          sessionStorage.setItem('appwarden.console.sessions', ${JSON.stringify(JSON.stringify(sessions))});
          sessionStorage.setItem('appwarden.console.activeTenant', ${JSON.stringify(active)});
        }`,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
      page.on('pageerror', (e) => errors.push(String(e)));
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
      // destroy, not close: close waits for every response body a test left unread (undici keeps
      // the connection until then), which held the suite's teardown for most of a minute.
      await agent.destroy();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
