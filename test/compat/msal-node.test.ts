import crypto from 'node:crypto';
import { ConfidentialClientApplication, type Configuration } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { createClientCertificate, type ClientCertificate } from './client-certificate.js';
import { networkClientTrusting } from './msal-network-client.js';
import { runNodeClient } from './node-client-process.js';
import { verifyWithDiscovery } from './token-verification.js';

const CAS_SCOPE = 'https://api.cloudappsecurity.com/.default';

/**
 * @azure/msal-node 7, unmodified, pointed at Appwarden as a user would: `knownAuthorities` (no
 * instance discovery) and the CA trusted. msal-node 7 uses Node's fetch and ignores
 * `customAgentOptions`, so in-process tests pass a CA-trusting `system.networkClient`, and the
 * last tests run the default stack in a child process with NODE_EXTRA_CA_CERTS.
 * MSAL reads the tenant's v2 openid-configuration, then posts to its token_endpoint.
 */
describe('@azure/msal-node ConfidentialClientApplication', () => {
  let s: ListeningHarness;
  let host: string;
  let tenantId: string;
  let cert: ClientCertificate;
  let certAppId: string;

  const config = (auth: Partial<Configuration['auth']> & { clientId: string }, tenant = tenantId): Configuration => ({
    auth: { authority: `${s.url}/${tenant}`, knownAuthorities: [host], ...auth },
    system: { networkClient: networkClientTrusting(s.ca) },
  });

  beforeAll(async () => {
    s = await listening();
    host = new URL(s.url).host;
    tenantId = s.demo.tenants.contoso.tenantId;
    // Register a certificate credential as a Graph script would: the demo management client's token, PATCH keyCredentials.
    const graph = { token: await s.graphToken('contoso') };
    const created = await s.graph('POST', '/v1.0/applications', graph, {
      displayName: 'Certificate daemon',
      requiredResourceAccess: [
        { resourceAppId: CAS_APP_ID, resourceAccess: [{ id: 'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0001', type: 'Role' }] },
      ],
    });
    expect(created.status).toBe(201);
    const app = created.json<{ id: string; appId: string }>();
    cert = await createClientCertificate('msal-node-compat');
    const patched = await s.graph('PATCH', `/v1.0/applications/${app.id}`, graph, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64, displayName: 'CN=msal-node-compat' }],
    });
    expect(patched.status).toBe(204);
    const sp = (await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).json<{ id: string }>();
    const cas = (await s.graph('GET', `/v1.0/servicePrincipals(appId='${CAS_APP_ID}')`, graph)).json<{ id: string }>();
    const assigned = await s.graph('POST', `/v1.0/servicePrincipals/${cas.id}/appRoleAssignedTo`, graph, {
      principalId: sp.id,
      resourceId: cas.id,
      appRoleId: 'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0001',
    });
    expect(assigned.status).toBe(201);
    certAppId = app.appId;
  });
  afterAll(() => s?.close());

  it('client secret: acquires a token the discovered JWKS verifies, with the six Cloud App Security roles', async () => {
    const { clientId, clientSecret } = s.demo.tenants.contoso.daemon!;
    const cca = new ConfidentialClientApplication(config({ clientId, clientSecret }));
    const result = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] });
    expect(result?.tokenType).toBe('Bearer');
    // MSAL fills tenantId from an id token's tid; app-only responses have none, as with Entra.
    expect(result?.authority).toBe(`${s.url}/${tenantId}/`);
    const claims = await verifyWithDiscovery(result!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.tid).toBe(tenantId);
    expect(claims.appid).toBe(clientId);
    expect(claims.roles).toEqual([
      'Investigation.read',
      'Investigation.manage',
      'Discovery.read',
      'Discovery.manage',
      'Settings.read',
      'Settings.manage',
    ]);
    // The second call is served from MSAL's cache: the response was well-formed enough to cache.
    const cached = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] });
    expect(cached?.accessToken).toBe(result?.accessToken);
    expect(cached?.fromCache).toBe(true);
  });

  it('client secret with a domain-name authority (MSAL lower-cases it) and the Graph scope', async () => {
    const { clientId, clientSecret } = s.demo.tenants.contoso.management;
    const cca = new ConfidentialClientApplication(config({ clientId, clientSecret }, s.demo.tenants.contoso.domain.toUpperCase()));
    const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const claims = await verifyWithDiscovery(result!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: s.demo.tenants.contoso.domain,
      audience: 'https://graph.microsoft.com',
    });
    expect(claims.roles).toEqual(expect.arrayContaining(['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All']));
  });

  it('certificate with thumbprintSha256 (PS256, x5t#S256) and x5c', async () => {
    const cca = new ConfidentialClientApplication(
      config({
        clientId: certAppId,
        clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKeyPem, x5c: cert.certPem },
      }),
    );
    const result = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] });
    const claims = await verifyWithDiscovery(result!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.appidacr).toBe('2');
    expect(claims.roles).toEqual(['Investigation.read']);
    // MSAL reuses its assertion (same jti) for another resource; that is not a replay.
    const graph = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const graphClaims = await verifyWithDiscovery(graph!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://graph.microsoft.com',
    });
    expect(graphClaims.roles).toBeUndefined();
  });

  it('certificate with the SHA-1 thumbprint (RS256, x5t)', async () => {
    const cca = new ConfidentialClientApplication(
      config({ clientId: certAppId, clientCertificate: { thumbprint: cert.sha1Hex, privateKey: cert.privateKeyPem } }),
    );
    const result = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] });
    const claims = await verifyWithDiscovery(result!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.appidacr).toBe('2');
  });

  // Known conflict, reported for a decision: issue 2 asks that a replayed `jti` be refused, and
  // msal-node reuses its signed assertion (same jti) for every request to the same token endpoint
  // until it expires (ClientAssertion.getJwt). A forced refresh of the same resource within the
  // assertion's ten minutes is therefore answered with AADSTS700025 today. Entra accepts it.
  // `it.fails` records the current behaviour; turn it into `it` once the policy is settled.
  it.fails('skipCache for the same resource reuses the assertion and gets a fresh token', async () => {
    const cca = new ConfidentialClientApplication(
      config({ clientId: certAppId, clientCertificate: { thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKeyPem } }),
    );
    const first = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] });
    const second = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE], skipCache: true });
    expect(second?.fromCache).toBe(false);
    expect(second?.accessToken).not.toBe(first?.accessToken);
  });

  it('a wrong secret surfaces as MSAL ServerError invalid_client with AADSTS7000215 and the correlation id', async () => {
    const { clientId } = s.demo.tenants.contoso.daemon!;
    const cca = new ConfidentialClientApplication(config({ clientId, clientSecret: 'not-the-secret' }));
    const correlationId = crypto.randomUUID();
    const err = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE], correlationId }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ServerError', errorCode: 'invalid_client', subError: '', correlationId, status: 401 });
    expect((err as { errorMessage: string }).errorMessage).toContain('7000215');
    expect((err as { errorMessage: string }).errorMessage).toContain('AADSTS7000215: Invalid client secret provided.');
  });

  it('an app unknown to the tenant surfaces as unauthorized_client AADSTS700016', async () => {
    const cca = new ConfidentialClientApplication(config({ clientId: crypto.randomUUID(), clientSecret: 'x' }));
    const err = await cca.acquireTokenByClientCredential({ scopes: [CAS_SCOPE] }).catch((e: unknown) => e);
    expect(err).toMatchObject({ errorCode: 'unauthorized_client' });
    expect((err as { errorMessage: string }).errorMessage).toContain('700016');
  });

  it('default network stack with NODE_EXTRA_CA_CERTS (child process): secret and certificate', async () => {
    const { clientId, clientSecret } = s.demo.tenants.contoso.daemon!;
    const bySecret = await runNodeClient(
      { library: 'msal-node', credential: 'secret', url: s.url, tenant: tenantId, clientId, clientSecret, scopes: [CAS_SCOPE] },
      s.caPath,
    );
    expect(bySecret, JSON.stringify(bySecret)).toMatchObject({ ok: true });
    if (!bySecret.ok) return;
    const claims = await verifyWithDiscovery(bySecret.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.roles).toHaveLength(6);
    const byCert = await runNodeClient(
      {
        library: 'msal-node',
        credential: 'certificate',
        url: s.url,
        tenant: s.demo.tenants.contoso.domain,
        clientId: certAppId,
        privateKeyPem: cert.privateKeyPem,
        thumbprintSha256: cert.sha256Hex,
        scopes: [CAS_SCOPE],
      },
      s.caPath,
    );
    expect(byCert, JSON.stringify(byCert)).toMatchObject({ ok: true });
    if (!byCert.ok) return;
    const certClaims = await verifyWithDiscovery(byCert.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(certClaims.appidacr).toBe('2');
  });
});
