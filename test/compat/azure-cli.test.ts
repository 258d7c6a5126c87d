import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLOUD_APP_SECURITY_ROLES, MICROSOFT_GRAPH_ROLES } from '@appwarden/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, GRAPH_APP_ID, bearer, listening, type ListeningHarness } from '../support/harness.js';
import { createClientCertificate } from './client-certificate.js';

// Debian's azure-cli 2.45, unmodified, against Appwarden registered as a custom cloud, as
// docs/azure-cli.md walks through. az 2.45 has no switch for MSAL Python's instance discovery (a
// call to login.microsoftonline.com for any sign-in host it does not know), so the sign-in host is
// a *.b2clogin.com name, which MSAL treats as known to the developer: no instance discovery and
// no authority-alias look-up. The name resolves to 127.0.0.1 only inside az's own mount namespace
// (a private /etc/hosts bind-mounted by `unshare`), and the server certificate carries it
// (tlsHostnames). Everything else points at the server's own origin.

const SIGN_IN_HOST = 'appwarden.b2clogin.com';
const AZ = ['/usr/bin/az', 'az'].find((p) => spawnSync(p, ['version', '-o', 'none'], { stdio: 'ignore' }).status === 0);
/** `unshare --mount` as root, or in a user namespace otherwise. */
const UNSHARE = process.getuid?.() === 0 ? ['unshare', '--mount'] : ['unshare', '--mount', '--map-root-user'];

if (!AZ && !process.env.CI)
  console.warn('test/compat/azure-cli.test.ts skipped: az is not installed (apt-get install --no-install-recommends azure-cli)');

interface AzResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!AZ && !process.env.CI)('Azure CLI (Debian azure-cli) against Appwarden as a custom cloud', () => {
  let s: ListeningHarness;
  let work: string;
  let hostsFile: string;
  let appId: string;
  let secret: string;
  let certAppId: string;
  let certPemFile: string;

  /** One az invocation with its own /etc/hosts, AZURE_CONFIG_DIR and the server's CA. */
  function az(args: string[], configDir = path.join(work, 'az')): Promise<AzResult> {
    const script = 'mount --bind "$1" /etc/hosts && shift && exec "$@"';
    return new Promise((resolve, reject) => {
      const child = spawn(UNSHARE[0]!, [...UNSHARE.slice(1), 'sh', '-c', script, 'sh', hostsFile, AZ!, ...args], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: work,
          AZURE_CONFIG_DIR: configDir,
          REQUESTS_CA_BUNDLE: s.caPath,
          AZURE_CORE_COLLECT_TELEMETRY: 'false',
          AZURE_CORE_NO_COLOR: 'true',
          AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const json = <T>(r: AzResult): T => {
    expect(r.code, `az failed: ${r.stderr}`).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    expect(AZ, 'az (apt-get install azure-cli)').toBeDefined();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-az-'));
    hostsFile = path.join(work, 'hosts');
    fs.writeFileSync(hostsFile, `${fs.readFileSync('/etc/hosts', 'utf8')}\n127.0.0.1 ${SIGN_IN_HOST}\n`);
    s = await listening({ config: { tlsHostnames: [SIGN_IN_HOST] } });
    const probe = spawnSync(UNSHARE[0]!, [...UNSHARE.slice(1), 'sh', '-c', 'mount --bind "$1" /etc/hosts', 'sh', hostsFile]);
    expect(probe.status, `unshare --mount with a bind mount is needed: ${probe.stderr.toString()}`).toBe(0);

    // An app with one Cloud Apps role and the Graph role az ad app create needs.
    const graph = { token: await s.graphToken('contoso') };
    const role = (roles: readonly { id: string; value: string }[], value: string) => roles.find((r) => r.value === value)!.id;
    const required = [
      { resourceAppId: CAS_APP_ID, resourceAccess: [{ id: role(CLOUD_APP_SECURITY_ROLES, 'Investigation.read'), type: 'Role' }] },
      { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: role(MICROSOFT_GRAPH_ROLES, 'Application.ReadWrite.All'), type: 'Role' }] },
    ];
    const make = async (displayName: string) => {
      const app = (await s.graph('POST', '/v1.0/applications', graph, { displayName, requiredResourceAccess: required })).json<{
        id: string;
        appId: string;
      }>();
      expect((await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).status).toBe(201);
      expect((await s.graph('POST', '/v1.0/appwarden.adminConsent', graph, { clientId: app.appId })).status).toBeLessThan(300);
      return app;
    };
    const app = await make('az service principal');
    appId = app.appId;
    secret = (await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, graph, {})).json<{ secretText: string }>().secretText;

    const certApp = await make('az certificate principal');
    const cert = await createClientCertificate('az-certificate-principal');
    const patched = await s.graph('PATCH', `/v1.0/applications/${certApp.id}`, graph, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
    });
    expect(patched.status).toBe(204);
    certAppId = certApp.appId;
    certPemFile = path.join(work, 'principal.pem');
    fs.writeFileSync(certPemFile, `${cert.privateKeyPem}${cert.certPem}`, { mode: 0o600 });

    const cloud = {
      endpoints: {
        activeDirectory: `https://${SIGN_IN_HOST}:${new URL(s.url).port}`,
        activeDirectoryResourceId: 'https://management.core.windows.net/',
        activeDirectoryGraphResourceId: 'https://graph.windows.net/',
        microsoftGraphResourceId: `${s.url}/`,
        resourceManager: `${s.url}/`,
        management: 'https://management.core.windows.net/',
      },
    };
    fs.writeFileSync(path.join(work, 'cloud.json'), JSON.stringify(cloud));
  }, 240_000);

  afterAll(async () => {
    await s?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('registers the cloud and logs in as a service principal with a secret: a tenant-level account', async () => {
    expect((await az(['cloud', 'register', '-n', 'Appwarden', '--cloud-config', `@${path.join(work, 'cloud.json')}`])).code).toBe(0);
    expect((await az(['cloud', 'set', '-n', 'Appwarden'])).code).toBe(0);
    const accounts = json<Record<string, unknown>[]>(
      await az(['login', '--service-principal', '-u', appId, '-p', secret, '--tenant', s.tenantId, '--allow-no-subscriptions']),
    );
    expect(accounts).toEqual([
      expect.objectContaining({
        cloudName: 'Appwarden',
        id: s.tenantId,
        name: 'N/A(tenant level account)',
        tenantId: s.tenantId,
        user: { name: appId, type: 'servicePrincipal' },
      }),
    ]);
  }, 180_000);

  it('az account get-access-token --resource <Cloud Apps appId>: the token reads /api/v1/alerts/', async () => {
    const t = json<{ accessToken: string; tenant: string }>(await az(['account', 'get-access-token', '--resource', CAS_APP_ID]));
    expect(t.tenant).toBe(s.tenantId);
    const res = await s.request('GET', '/api/v1/alerts/?limit=1', { headers: bearer(t.accessToken) });
    expect(res.status, res.text).toBe(200);
    expect(res.json<{ data: unknown[] }>().data.length).toBe(1);
    // The Service Management token az logged in with carries no roles (as Entra's).
    const arm = json<{ accessToken: string }>(await az(['account', 'get-access-token']));
    const claims = JSON.parse(Buffer.from(arm.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.aud).toBe('https://management.core.windows.net/');
    expect(claims.roles).toBeUndefined();
  }, 180_000);

  it('az ad app create and az ad app list go to the Graph endpoint of the cloud (the server origin)', async () => {
    const created = json<{ appId: string; displayName: string }>(await az(['ad', 'app', 'create', '--display-name', 'made by az']));
    expect(created.displayName).toBe('made by az');
    const listed = json<{ appId: string; displayName: string }[]>(await az(['ad', 'app', 'list', '--display-name', 'made by az']));
    expect(listed.map((a) => a.appId)).toEqual([created.appId]);
  }, 180_000);

  it('logs in with a certificate (PEM with the private key) in another config directory', async () => {
    // The registered cloud and its selection are two files of the config directory (az startup is slow).
    const dir = path.join(work, 'az-cert');
    fs.mkdirSync(dir);
    for (const f of ['clouds.config', 'config']) fs.copyFileSync(path.join(work, 'az', f), path.join(dir, f));
    const accounts = json<{ user: { name: string } }[]>(
      await az(
        ['login', '--service-principal', '-u', certAppId, '-p', certPemFile, '--tenant', s.tenantId, '--allow-no-subscriptions'],
        dir,
      ),
    );
    expect(accounts[0]!.user.name).toBe(certAppId);
  }, 180_000);
});
