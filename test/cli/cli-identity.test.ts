import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../packages/server/src/main.js';
import { listening, type ListeningHarness } from '../support/harness.js';

const run = promisify(execFile);
const BIN = path.resolve('packages/cli/bin/appwarden.js');

let live: ListeningHarness;
let server: RunningServer;
let dir: string;

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', APPWARDEN_URL: server.url, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  live = await listening();
  ({ server, dataDir: dir } = live);
});
afterAll(() => live?.close());

describe('appwarden CLI against a live server', () => {
  it('walks the guide: create, permission, consent, secret, token with roles', async () => {
    const t = ['--tenant', 'contoso.onmicrosoft.com', '--data-dir', dir];
    const created = await cli(['app', 'create', 'CLI test app', ...t, '--json']);
    expect(created.code).toBe(0);
    const app = JSON.parse(created.stdout) as { appId: string; servicePrincipalId: string };
    expect(app.appId).toMatch(/^[0-9a-f-]{36}$/);

    const perm = await cli([
      'app',
      'permission',
      'add',
      app.appId,
      '--resource',
      'Microsoft Cloud App Security',
      '--permission',
      'Investigation.read',
      'Settings.read',
      ...t,
    ]);
    expect(perm.code).toBe(0);
    const consent = await cli(['app', 'consent', app.appId, ...t, '--json']);
    expect(consent.code).toBe(0);
    expect((JSON.parse(consent.stdout) as { granted: unknown[] }).granted).toHaveLength(2);

    const secret = JSON.parse((await cli(['app', 'secret', 'add', app.appId, ...t, '--json'])).stdout) as { secretText: string };
    const token = await cli([
      'token',
      '--tenant',
      'contoso.onmicrosoft.com',
      '--client-id',
      app.appId,
      '--client-secret',
      secret.secretText,
      '--data-dir',
      dir,
      '--decode',
      '--json',
    ]);
    expect(token.code).toBe(0);
    const decoded = JSON.parse(token.stdout) as { decoded: { payload: { roles: string[]; tid: string } } };
    expect(decoded.decoded.payload.roles.sort()).toEqual(['Investigation.read', 'Settings.read']);
    expect(decoded.decoded.payload.tid).toBe(server.demo!.tenants.contoso.tenantId);

    // Human output when not asked for JSON: a table with a header row.
    const list = await cli(['app', 'list', ...t]);
    expect(list.stdout.split('\n')[0]).toMatch(/^appId\s+displayName\s+signInAudience/);
    expect(list.stdout).toContain('CLI test app');
  });

  it('authenticates with AZURE_* client credentials of the demo management app', async () => {
    const m = server.demo!.tenants.fabrikam.management;
    const r = await cli(['app', 'list', '--json', '--ca', server.caPath], {
      AZURE_TENANT_ID: server.demo!.tenants.fabrikam.tenantId,
      AZURE_CLIENT_ID: m.clientId,
      AZURE_CLIENT_SECRET: m.clientSecret,
    });
    expect(r.code).toBe(0);
    const apps = JSON.parse(r.stdout) as { displayName: string }[];
    expect(apps.map((a) => a.displayName)).toContain('Fabrikam management client');
  });

  it('uses distinct exit codes for usage and authentication failures', async () => {
    const usage = await cli(['app', 'list', '--data-dir', path.join(dir, 'nowhere')]);
    expect(usage.code).toBe(2);
    const auth = await cli(['app', 'list', '--ca', server.caPath], {
      AZURE_TENANT_ID: server.demo!.tenants.contoso.tenantId,
      AZURE_CLIENT_ID: server.demo!.tenants.contoso.management.clientId,
      AZURE_CLIENT_SECRET: 'wrong-secret',
    });
    expect(auth.code).toBe(3);
    expect(auth.stderr).toContain('AADSTS7000215');
    const unknown = await cli(['no-such-command']);
    expect(unknown.code).toBe(2);
  });

  it('decodes a JWT from stdin or argument', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ roles: ['Discovery.read'], exp: 2_000_000_000 })).toString('base64url');
    const r = await cli(['jwt', 'decode', `${header}.${payload}.sig`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      header: { kid: 'k' },
      payload: { roles: ['Discovery.read'] },
      expires: '2033-05-18T03:33:20.000Z',
    });
  });

  it('grants SecurityAlert.Read.All on Microsoft Graph, then alerts graph-list reads alerts_v2 with a filter', async () => {
    const t = ['--tenant', 'contoso.onmicrosoft.com', '--data-dir', dir];
    const app = JSON.parse((await cli(['app', 'create', 'CLI SIEM connector', ...t, '--json'])).stdout) as { appId: string };
    const perm = await cli([
      'app',
      'permission',
      'add',
      app.appId,
      '--resource',
      'Microsoft Graph',
      '--permission',
      'SecurityAlert.Read.All',
      ...t,
    ]);
    expect(perm.code, perm.stderr).toBe(0);
    expect((await cli(['app', 'consent', app.appId, ...t])).code).toBe(0);
    const secret = JSON.parse((await cli(['app', 'secret', 'add', app.appId, ...t, '--json'])).stdout) as { secretText: string };
    const listed = await cli([
      'alerts',
      'graph-list',
      ...t,
      '--client-id',
      app.appId,
      '--client-secret',
      secret.secretText,
      '--filter',
      "severity eq 'high'",
      '--limit',
      '3',
      '--json',
    ]);
    expect(listed.code, listed.stderr).toBe(0);
    const alerts = JSON.parse(listed.stdout) as { id: string; severity: string; serviceSource: string }[];
    expect(alerts).toHaveLength(3);
    expect(alerts.every((a) => a.severity === 'high' && a.serviceSource === 'microsoftDefenderForCloudApps')).toBe(true);
  }, 90_000);
});
