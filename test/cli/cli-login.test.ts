import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

// `appwarden login` end to end: the CLI runs the device code flow in a child process while the
// test plays the browser on /devicelogin with the form posts a browser sends; then the Cloud Apps
// commands run as that user, with the user's roles, refreshing through the refresh token grant.

const run = promisify(execFile);
const BIN = path.resolve('packages/cli/bin/appwarden.js');

let live: ListeningHarness;
let env: Record<string, string>;
let configFile: string;

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const hiddenFields = (html: string) =>
  Object.fromEntries(
    [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]),
  );

/** The browser's part: enter the code, sign in, continue (or cancel). */
async function completeOnDeviceLoginPage(url: string, code: string, user: { username: string; password: string }, decision: string) {
  const pathname = new URL(url).pathname;
  const entered = await live.postForm(pathname, { otc: code });
  expect(entered.status).toBe(200);
  const signedIn = await live.postForm(pathname, { ...hiddenFields(entered.text), username: user.username, password: user.password });
  expect(signedIn.status).toBe(200);
  const confirmed = await live.postForm(`${pathname}/confirm`, { ...hiddenFields(signedIn.text), decision });
  expect(confirmed.status).toBe(200);
}

/** Runs `appwarden login` and answers its prompt as `user` would. */
function login(args: string[], user: { username: string; password: string }, decision = 'continue') {
  const child = spawn(process.execPath, [BIN, 'login', ...args], { env });
  let stdout = '';
  let stderr = '';
  let prompt: { url: string; code: string } | undefined;
  let completing: Promise<void> | undefined;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    const m = /open the page (\S+) and enter the code (\S+) to authenticate/.exec(stderr);
    if (m && !prompt) {
      prompt = { url: m[1]!, code: m[2]! };
      completing = completeOnDeviceLoginPage(prompt.url, prompt.code, user, decision);
    }
  });
  return exited.then(async (code) => {
    await completing;
    return { code, stdout, stderr, prompt };
  });
}

beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
  configFile = path.join(live.dataDir, 'cli-config.json');
  env = {
    PATH: process.env.PATH ?? '',
    HOME: live.dataDir,
    APPWARDEN_URL: live.server.url,
    APPWARDEN_CA: live.server.caPath,
    APPWARDEN_CONFIG: configFile,
  };
}, 120_000);
afterAll(() => live.close());

const userOf = (alias: string) => live.demo.tenants.contoso!.users!.find((u) => u.username.startsWith(`${alias}@`))!;
const readConfig = () =>
  JSON.parse(fs.readFileSync(configFile, 'utf8')) as {
    activeAccount?: string;
    accounts?: Record<
      string,
      { username: string; refreshToken: string; accessTokens: Record<string, { accessToken: string; expiresOn: number }> }
    >;
  };

describe('appwarden login (device code flow)', () => {
  it('signs a Security Reader in; alerts list works as that user, closing is refused; tokens are cached 0600 and never printed', async () => {
    const reader = userOf('reader');
    const r = await login(['--tenant', live.tenantId], reader);
    expect(r.code, r.stderr).toBe(0);
    expect(r.prompt?.url).toBe(`${live.url}/devicelogin`);
    expect(r.stdout).toContain(reader.username);
    expect((fs.statSync(configFile).mode & 0o777).toString(8)).toBe('600');
    const config = readConfig();
    const account = config.accounts![config.activeAccount!]!;
    expect(account.username).toBe(reader.username);
    expect(r.stdout + r.stderr).not.toContain(account.refreshToken);

    const listed = await cli(['alerts', 'list', '--limit', '2']);
    expect(listed.code, listed.stderr).toBe(0);
    const alerts = listed.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { _id: string });
    expect(alerts).toHaveLength(2);
    const closed = await cli(['alerts', 'close', alerts[0]!._id, '--as', 'benign']);
    expect(closed.code).toBe(4);

    const accounts = await cli(['account', '--json']);
    expect(JSON.parse(accounts.stdout)).toEqual([expect.objectContaining({ username: reader.username, active: true })]);
    expect(accounts.stdout).not.toContain(account.refreshToken);
  }, 60_000);

  it('refreshes an expired access token with the refresh token grant and stores the rotated refresh token', async () => {
    const before = readConfig();
    const account = before.accounts![before.activeAccount!]!;
    for (const t of Object.values(account.accessTokens)) t.expiresOn = Date.now() - 1000;
    fs.writeFileSync(configFile, JSON.stringify(before));
    const listed = await cli(['alerts', 'list', '--limit', '1']);
    expect(listed.code, listed.stderr).toBe(0);
    const after = readConfig().accounts![before.activeAccount!]!;
    expect(after.refreshToken).not.toBe(account.refreshToken);
    expect(Object.values(after.accessTokens)[0]!.expiresOn).toBeGreaterThan(Date.now());
  }, 60_000);

  it('a Security Operator signed in can close; logout forgets the user', async () => {
    const analyst = userOf('analyst');
    const r = await login(['--tenant', 'contoso.onmicrosoft.com'], analyst);
    expect(r.code, r.stderr).toBe(0);
    const id = (JSON.parse((await cli(['alerts', 'list', '--limit', '1'])).stdout) as { _id: string })._id;
    const closed = await cli(['alerts', 'close', id, '--as', 'benign']);
    expect(closed.code, closed.stderr).toBe(0);
    expect((await cli(['logout'])).code).toBe(0);
    // The reader remains signed in and becomes the active user again.
    expect(readConfig().accounts![readConfig().activeAccount!]!.username).toBe(userOf('reader').username);
    expect((await cli(['logout', '--all'])).code).toBe(0);
    const none = await cli(['alerts', 'list', '--limit', '1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('appwarden login');
  }, 60_000);

  it('reports a declined sign-in with the authentication exit code', async () => {
    const r = await login(['--tenant', live.tenantId], userOf('reader'), 'cancel');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('declined');
  }, 60_000);
});
