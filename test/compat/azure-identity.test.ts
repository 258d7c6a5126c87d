import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';
import { createClientCertificate, type ClientCertificate } from './client-certificate.js';
import { runNodeClient, type ClientJob } from './node-client-process.js';
import { verifyWithDiscovery } from './token-verification.js';

/**
 * @azure/identity 4.12, unmodified, in a child process that trusts Appwarden's CA through
 * NODE_EXTRA_CA_CERTS, with `authorityHost` and `disableInstanceDiscovery` as the README says.
 * It always reads `/{tenant}/v2.0/.well-known/openid-configuration` before the token POST.
 */
describe('@azure/identity ClientSecretCredential and ClientCertificateCredential', () => {
  let s: ListeningHarness;
  let tenantId: string;
  let cert: ClientCertificate;
  let certAppId: string;

  beforeAll(async () => {
    s = await listening();
    tenantId = s.demo.tenants.contoso.tenantId;
    const graph = { token: await s.graphToken('contoso') };
    const app = (await s.graph('POST', '/v1.0/applications', graph, { displayName: 'Identity certificate daemon' })).json<{
      id: string;
      appId: string;
    }>();
    cert = await createClientCertificate('azure-identity-compat');
    expect(
      (
        await s.graph('PATCH', `/v1.0/applications/${app.id}`, graph, {
          keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
        })
      ).status,
    ).toBe(204);
    const sp = (await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).json<{ id: string }>();
    const cas = (await s.graph('GET', `/v1.0/servicePrincipals?$filter=appId eq '${CAS_APP_ID}'`, graph)).json<{
      value: { id: string }[];
    }>().value[0]!;
    for (const appRoleId of ['c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0003', 'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0004']) {
      const r = await s.graph('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`, graph, {
        principalId: sp.id,
        resourceId: cas.id,
        appRoleId,
      });
      expect(r.status).toBe(201);
    }
    certAppId = app.appId;
  });
  afterAll(() => s?.close());

  const run = (job: Omit<ClientJob, 'library' | 'url'>) => runNodeClient({ library: '@azure/identity', url: s.url, ...job }, s.caPath);

  it('ClientSecretCredential: a verified token with the daemon roles, by tenant GUID and by domain', async () => {
    const { clientId, clientSecret } = s.demo.tenants.contoso.daemon!;
    for (const tenant of [tenantId, s.demo.tenants.contoso.domain]) {
      const outcome = await run({ credential: 'secret', tenant, clientId, clientSecret, scopes: [`${CAS_APP_ID}/.default`] });
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
      if (!outcome.ok) return;
      const claims = await verifyWithDiscovery(outcome.accessToken, { url: s.url, ca: s.ca, tenant, audience: CAS_APP_ID });
      expect(claims.tid).toBe(tenantId);
      expect(claims.roles).toHaveLength(6);
      // expiresOnTimestamp comes from expires_in: about an hour ahead.
      expect(outcome.expiresOn! - Date.now()).toBeGreaterThan(3500_000);
    }
  });

  it('ClientCertificateCredential (PEM with certificate and key): a verified token with appidacr "2" and its roles', async () => {
    const outcome = await run({
      credential: 'certificate',
      tenant: tenantId,
      clientId: certAppId,
      certificatePem: `${cert.certPem.trim()}\n${cert.privateKeyPem}`,
      scopes: ['https://api.cloudappsecurity.com/.default'],
    });
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ ok: true });
    if (!outcome.ok) return;
    const claims = await verifyWithDiscovery(outcome.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect(claims.appidacr).toBe('2');
    expect(claims.roles).toEqual(['Discovery.read', 'Discovery.manage']);
  });

  it('a wrong secret fails with the MSAL server error text (invalid_client, AADSTS7000215)', async () => {
    const { clientId } = s.demo.tenants.contoso.daemon!;
    const outcome = await run({
      credential: 'secret',
      tenant: tenantId,
      clientId,
      clientSecret: 'wrong',
      scopes: [`${CAS_APP_ID}/.default`],
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    // @azure/identity 4.12 wraps every MSAL ServerError in AuthenticationRequiredError (handleMsalError).
    expect(outcome.name, outcome.message).toBe('AuthenticationRequiredError');
    expect(outcome.message).toMatch(
      /^invalid_client: Error\(s\): 7000215 - Timestamp: .* - Description: AADSTS7000215: Invalid client secret provided\./,
    );
  });
});
