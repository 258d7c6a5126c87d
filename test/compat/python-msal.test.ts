import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { createClientCertificate, type ClientCertificate } from './client-certificate.js';
import { verifyWithDiscovery } from './token-verification.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python_msal_client.py');

/** The first Python that can `import msal` (Debian's python3-msal lives under /usr/bin/python3). */
function findPythonWithMsal(): string | undefined {
  const candidates = [process.env.APPWARDEN_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import msal'], { stdio: 'ignore' }).status === 0);
}

const python = findPythonWithMsal();

function runPython(job: Record<string, unknown>, caPath: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(python!, [SCRIPT], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        REQUESTS_CA_BUNDLE: caPath,
        APPWARDEN_CLIENT_JOB: JSON.stringify(job),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown>);
      } catch {
        reject(new Error(`python exited ${code}: ${out}\n${err}`));
      }
    });
  });
}

/**
 * Python MSAL (Debian's python3-msal), unmodified: `instance_discovery=False` and the CA in
 * REQUESTS_CA_BUNDLE. In CI the package must be installed; locally the suite is skipped without it.
 */
describe.skipIf(!python && !process.env.CI)('Python MSAL ConfidentialClientApplication', () => {
  let s: ListeningHarness;
  let tenantId: string;
  let cert: ClientCertificate;
  let certAppId: string;

  beforeAll(async () => {
    expect(python, 'python3 with the msal module (apt-get install python3-msal)').toBeDefined();
    s = await listening();
    tenantId = s.demo.tenants.contoso.tenantId;
    const graph = { token: await s.graphToken('contoso') };
    const app = (await s.graph('POST', '/v1.0/applications', graph, { displayName: 'Python certificate daemon' })).json<{
      id: string;
      appId: string;
    }>();
    cert = await createClientCertificate('python-msal-compat');
    const patched = await s.graph('PATCH', `/v1.0/applications/${app.id}`, graph, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
    });
    expect(patched.status).toBe(204);
    expect((await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).status).toBe(201);
    certAppId = app.appId;
  });
  afterAll(() => s?.close());

  it('client secret, as in the guide: a token whose roles claim lists the six permissions', async () => {
    const { clientId, clientSecret } = s.demo.tenants.contoso.daemon!;
    const result = await runPython(
      { credential: 'secret', url: s.url, tenant: tenantId, clientId, clientSecret, scopes: [`${CAS_APP_ID}/.default`] },
      s.caPath,
    );
    expect(result.error, JSON.stringify(result)).toBeUndefined();
    expect(result.token_type).toBe('Bearer');
    expect(result.expires_in).toBe(3599);
    const claims = await verifyWithDiscovery(result.access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: CAS_APP_ID,
    });
    expect(claims.roles).toHaveLength(6);
  });

  it('certificate (SHA-1 thumbprint, RS256) by domain authority: appidacr "2", no roles without assignments', async () => {
    const result = await runPython(
      {
        credential: 'certificate',
        url: s.url,
        tenant: s.demo.tenants.contoso.domain,
        clientId: certAppId,
        privateKeyPem: cert.privateKeyPem,
        thumbprintSha1: cert.sha1Hex,
        scopes: ['https://api.cloudappsecurity.com/.default'],
      },
      s.caPath,
    );
    expect(result.error, JSON.stringify(result)).toBeUndefined();
    const claims = await verifyWithDiscovery(result.access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.appidacr).toBe('2');
    expect(claims.roles).toBeUndefined();
  });

  it('errors come back as the Entra error dictionary', async () => {
    const { clientId } = s.demo.tenants.contoso.daemon!;
    const result = await runPython(
      { credential: 'secret', url: s.url, tenant: tenantId, clientId, clientSecret: 'wrong', scopes: [`${CAS_APP_ID}/.default`] },
      s.caPath,
    );
    expect(result).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
    expect(result.error_description).toMatch(/^AADSTS7000215: /);
    // The dictionary keeps Entra's fields, correlation id included.
    expect(result.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
