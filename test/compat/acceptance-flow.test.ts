import crypto from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, GRAPH_APP_ID, listening, type ListeningHarness, type GraphAuth } from '../support/harness.js';
import type { HttpsResponse } from './https-client.js';
import { networkClientTrusting } from './msal-network-client.js';
import { verifyWithDiscovery } from './token-verification.js';

interface AppRoleJson {
  id: string;
  value: string;
}
interface GraphList<T> {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  value: T[];
}

const curlAvailable = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * curl, as the guide runs it (form fields with -d), trusting the CA with --cacert instead of -k.
 * Asynchronous: the server runs in this process, so a synchronous spawn would starve it.
 */
function curlToken(url: string, caPath: string, fields: Record<string, string>): Promise<Record<string, unknown>> {
  const args = ['-sS', '--max-time', '30', '-X', 'POST', '-H', 'Content-Type:application/x-www-form-urlencoded', '--cacert', caPath];
  for (const [k, v] of Object.entries(fields)) args.push('--data-urlencode', `${k}=${v}`);
  return new Promise((resolve, reject) => {
    const child = spawn('curl', [...args, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Record<string, unknown>) : reject(new Error(`curl failed: ${err}`)),
    );
  });
}

function expectGraphError(res: HttpsResponse, status: number, code: string, message?: string | RegExp) {
  expect({ status: res.status, body: res.text }).toMatchObject({ status });
  const body = res.json<{ error: { code: string; message: string; innerError: Record<string, string> } }>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.innerError).toMatchObject({
    date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/),
    'request-id': expect.any(String),
  });
  if (message instanceof RegExp) expect(body.error.message).toMatch(message);
  else if (message) expect(body.error.message).toBe(message);
  return body.error;
}

/**
 * The issue's acceptance flow, run as a new user would with only the management API as a Graph
 * client uses it: a Graph token from the demo management client, then the Microsoft guide's steps.
 */
describe('acceptance: the application-context flow through the management API', () => {
  let s: ListeningHarness;
  let contoso: GraphAuth;
  let fabrikam: GraphAuth;
  let casRoles: AppRoleJson[];

  beforeAll(async () => {
    s = await listening();
    contoso = { token: await s.graphToken('contoso') };
    fabrikam = { token: await s.graphToken('fabrikam') };
    const cas = await s.graph('GET', `/v1.0/servicePrincipals(appId='${CAS_APP_ID}')`, contoso);
    expect(cas.status).toBe(200);
    casRoles = cas.json<{ appRoles: AppRoleJson[] }>().appRoles;
    expect(casRoles.map((r) => r.value).sort()).toEqual(
      ['Discovery.manage', 'Discovery.read', 'Investigation.manage', 'Investigation.read', 'Settings.manage', 'Settings.read'].sort(),
    );
  });
  afterAll(() => s?.close());

  const roleId = (value: string) => casRoles.find((r) => r.value === value)!.id;

  /** Grants every Role of an application's requiredResourceAccess on Cloud App Security in one tenant. */
  async function grantCasRoles(auth: GraphAuth, clientSpId: string, values: string[]) {
    const cas = (await s.graph('GET', `/v1.0/servicePrincipals?$filter=appId eq '${CAS_APP_ID}'`, auth)).json<GraphList<{ id: string }>>()
      .value[0]!;
    const created = [];
    for (const value of values) {
      const res = await s.graph('POST', `/v1.0/servicePrincipals/${cas.id}/appRoleAssignedTo`, auth, {
        principalId: clientSpId,
        resourceId: cas.id,
        appRoleId: roleId(value),
      });
      expect(res.status, res.text).toBe(201);
      const a = res.json<{ id: string; principalId: string; resourceId: string; appRoleId: string; principalType: string }>();
      expect(a).toMatchObject({ principalId: clientSpId, resourceId: cas.id, appRoleId: roleId(value), principalType: 'ServicePrincipal' });
      created.push(a);
    }
    return created;
  }

  it('register, add a password, create the service principal, assign roles, get v1 and v2 tokens with those roles', async () => {
    const { tenantId } = s.demo.tenants.contoso;
    const wanted = ['Investigation.read', 'Discovery.manage', 'Settings.read'];
    // 1. Register the application with its application permissions.
    const created = await s.graph('POST', '/v1.0/applications', contoso, {
      displayName: 'Acceptance SIEM connector',
      requiredResourceAccess: [{ resourceAppId: CAS_APP_ID, resourceAccess: wanted.map((v) => ({ id: roleId(v), type: 'Role' })) }],
    });
    expect(created.status).toBe(201);
    const app = created.json<{ '@odata.context': string; id: string; appId: string; passwordCredentials: unknown[] }>();
    expect(app['@odata.context']).toBe(`${s.url}/v1.0/$metadata#applications/$entity`);
    expect(created.headers.location).toBe(`${s.url}/v1.0/applications/${app.id}`);
    expect(app.passwordCredentials).toEqual([]);

    // 2. Add a client secret: its text is returned once.
    const pw = await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, contoso, {
      passwordCredential: { displayName: 'acceptance' },
    });
    expect(pw.status).toBe(200);
    const secret = pw.json<{
      secretText: string;
      hint: string;
      keyId: string;
      startDateTime: string;
      endDateTime: string;
      displayName: string;
    }>();
    expect(secret.secretText.length).toBeGreaterThanOrEqual(16);
    expect(secret.hint).toBe(secret.secretText.slice(0, 3));
    expect(secret.displayName).toBe('acceptance');
    const listed = (await s.graph('GET', `/v1.0/applications/${app.id}`, contoso)).json<{
      passwordCredentials: Record<string, unknown>[];
    }>();
    expect(listed.passwordCredentials).toHaveLength(1);
    expect(listed.passwordCredentials[0]!.keyId).toBe(secret.keyId);
    expect(listed.passwordCredentials[0]!.secretText ?? null).toBeNull();
    expect(JSON.stringify(listed)).not.toContain(secret.secretText);

    // Without a service principal the tenant does not know the client yet.
    const early = await s.postForm(`/${tenantId}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: secret.secretText,
      scope: `${CAS_APP_ID}/.default`,
    });
    expect(early.json().error_codes).toEqual([700016]);

    // 3. Create its service principal; 4. assign the roles (admin consent, done through Graph).
    const spRes = await s.graph('POST', '/v1.0/servicePrincipals', contoso, { appId: app.appId });
    expect(spRes.status).toBe(201);
    const sp = spRes.json<{ id: string; appId: string; servicePrincipalType: string }>();
    expect(sp).toMatchObject({ appId: app.appId, servicePrincipalType: 'Application' });

    // Before any assignment: a token without roles.
    const bare = await s.postForm(`/${tenantId}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: secret.secretText,
      resource: CAS_APP_ID,
    });
    expect(bare.status).toBe(200);
    expect(
      (await verifyWithDiscovery(bare.json().access_token as string, { url: s.url, ca: s.ca, tenant: tenantId, audience: CAS_APP_ID }))
        .roles,
    ).toBeUndefined();

    const assignments = await grantCasRoles(contoso, sp.id, wanted);
    const listedAssignments = (await s.graph('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`, contoso)).json<
      GraphList<{ id: string }>
    >();
    expect(listedAssignments.value.map((a) => a.id).sort()).toEqual(assignments.map((a) => a.id).sort());

    // 5. Tokens: v1 as PowerShell posts it, v2 as curl posts it, and with msal-node.
    const v1 = await s.postForm(`/${tenantId}/oauth2/token`, {
      resource: CAS_APP_ID,
      client_id: app.appId,
      client_secret: secret.secretText,
      grant_type: 'client_credentials',
    });
    expect(v1.status).toBe(200);
    const v1Claims = await verifyWithDiscovery(v1.json().access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: CAS_APP_ID,
    });
    expect([...(v1Claims.roles as string[])].sort()).toEqual([...wanted].sort());
    expect(v1Claims).toMatchObject({ tid: tenantId, oid: sp.id, sub: sp.id, appid: app.appId, ver: '1.0' });

    const v2Fields = {
      grant_type: 'client_credentials',
      client_id: app.appId,
      scope: `${CAS_APP_ID}/.default`,
      client_secret: secret.secretText,
    };
    const v2Body = curlAvailable
      ? await curlToken(`${s.url}/${tenantId}/oauth2/v2.0/token`, s.caPath, v2Fields)
      : (await s.postForm(`/${tenantId}/oauth2/v2.0/token`, v2Fields)).json();
    expect(v2Body.expires_in, JSON.stringify(v2Body)).toBe(3599);
    const v2Claims = await verifyWithDiscovery(v2Body.access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: CAS_APP_ID,
    });
    expect([...(v2Claims.roles as string[])].sort()).toEqual([...wanted].sort());

    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: app.appId,
        clientSecret: secret.secretText,
        authority: `${s.url}/${tenantId}`,
        knownAuthorities: [new URL(s.url).host],
      },
      system: { networkClient: networkClientTrusting(s.ca) },
    });
    const msal = await cca.acquireTokenByClientCredential({ scopes: ['https://api.cloudappsecurity.com/.default'] });
    const msalClaims = await verifyWithDiscovery(msal!.accessToken, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: 'https://api.cloudappsecurity.com',
    });
    expect([...(msalClaims.roles as string[])].sort()).toEqual([...wanted].sort());

    // Revoking one assignment removes its role from the next token.
    const revoked = assignments.find((a) => a.appRoleId === roleId('Discovery.manage'))!;
    expect((await s.graph('DELETE', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${revoked.id}`, contoso)).status).toBe(204);
    const after = await s.postForm(`/${tenantId}/oauth2/v2.0/token`, v2Fields);
    const afterClaims = await verifyWithDiscovery(after.json().access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: tenantId,
      audience: CAS_APP_ID,
    });
    expect([...(afterClaims.roles as string[])].sort()).toEqual(['Investigation.read', 'Settings.read']);

    // removePassword: the secret stops working.
    expect((await s.graph('POST', `/v1.0/applications/${app.id}/removePassword`, contoso, { keyId: secret.keyId })).status).toBe(204);
    const gone = await s.postForm(`/${tenantId}/oauth2/v2.0/token`, v2Fields);
    expect(gone.status).toBe(401);
    expect(gone.json().error_codes).toEqual([7000215]);
  });

  it('multi-tenant: AADSTS700016 in Fabrikam until a service principal and assignments exist there, then Fabrikam tid and roles', async () => {
    const home = s.demo.tenants.contoso;
    const customer = s.demo.tenants.fabrikam;
    const created = await s.graph('POST', '/v1.0/applications', contoso, {
      displayName: 'Contoso multi-tenant connector',
      signInAudience: 'AzureADMultipleOrgs',
      requiredResourceAccess: [{ resourceAppId: CAS_APP_ID, resourceAccess: [{ id: roleId('Investigation.read'), type: 'Role' }] }],
    });
    expect(created.status).toBe(201);
    const app = created.json<{ id: string; appId: string }>();
    const secret = (await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, contoso, {})).json<{ secretText: string }>()
      .secretText;
    expect((await s.graph('POST', '/v1.0/servicePrincipals', contoso, { appId: app.appId })).status).toBe(201);
    const tokenIn = (tenant: string) =>
      s.postForm(`/${tenant}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: app.appId,
        client_secret: secret,
        scope: `${CAS_APP_ID}/.default`,
      });

    // Works at home; unknown in Fabrikam.
    expect((await tokenIn(home.tenantId)).status).toBe(200);
    const before = await tokenIn(customer.tenantId);
    expect(before.status).toBe(400);
    expect(before.json()).toMatchObject({ error: 'unauthorized_client', error_codes: [700016] });
    expect(before.json().error_description).toContain(
      `Application with identifier '${app.appId}' was not found in the directory 'Fabrikam'.`,
    );

    // Fabrikam's administrator adds the enterprise app (service principal) with Fabrikam's own management token.
    expect((await s.graph('GET', `/v1.0/applications(appId='${app.appId}')`, fabrikam)).status).toBe(404);
    const spRes = await s.graph('POST', '/v1.0/servicePrincipals', fabrikam, { appId: app.appId });
    expect(spRes.status, spRes.text).toBe(201);
    const sp = spRes.json<{ id: string; appOwnerOrganizationId: string }>();
    expect(sp.appOwnerOrganizationId).toBe(home.tenantId);

    // A service principal without assignments: a token, without roles.
    const noRoles = await tokenIn(customer.domain);
    expect(noRoles.status).toBe(200);
    const noRolesClaims = await verifyWithDiscovery(noRoles.json().access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: customer.tenantId,
      audience: CAS_APP_ID,
    });
    expect(noRolesClaims.tid).toBe(customer.tenantId);
    expect(noRolesClaims.roles).toBeUndefined();

    await grantCasRoles(fabrikam, sp.id, ['Investigation.read']);
    const after = await tokenIn(customer.tenantId);
    expect(after.status).toBe(200);
    const claims = await verifyWithDiscovery(after.json().access_token as string, {
      url: s.url,
      ca: s.ca,
      tenant: customer.tenantId,
      audience: CAS_APP_ID,
    });
    expect(claims).toMatchObject({
      tid: customer.tenantId,
      oid: sp.id,
      sub: sp.id,
      roles: ['Investigation.read'],
      iss: `${s.url}/${customer.tenantId}/`,
    });
    // Fabrikam's token does not verify as a Contoso token.
    await expect(
      verifyWithDiscovery(after.json().access_token as string, { url: s.url, ca: s.ca, tenant: home.tenantId, audience: CAS_APP_ID }),
    ).rejects.toThrow();

    // Revocation: deleting the service principal in Fabrikam brings AADSTS700016 back.
    expect((await s.graph('DELETE', `/v1.0/servicePrincipals/${sp.id}`, fabrikam)).status).toBe(204);
    expect((await tokenIn(customer.tenantId)).json().error_codes).toEqual([700016]);
  });

  it('a single-tenant application cannot get a service principal in another tenant', async () => {
    const app = (await s.graph('POST', '/v1.0/applications', contoso, { displayName: 'Contoso only' })).json<{ appId: string }>();
    expectGraphError(
      await s.graph('POST', '/v1.0/servicePrincipals', fabrikam, { appId: app.appId }),
      400,
      'Request_BadRequest',
      /single-tenant application/,
    );
  });

  describe('Graph error shapes and queries', () => {
    it('401 InvalidAuthenticationToken: no token, a garbage token, a token for another resource', async () => {
      const none = await s.get('/v1.0/applications');
      expectGraphError(none, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      expect(none.headers['www-authenticate']).toBe(
        `Bearer realm="", authorization_uri="${s.url}/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`,
      );
      expectGraphError(await s.graph('GET', '/v1.0/applications', { token: 'not.a.token' }), 401, 'InvalidAuthenticationToken');
      const { clientId, clientSecret } = s.demo.tenants.contoso.daemon!;
      const casToken = (
        await s.postForm(`/${s.demo.tenants.contoso.tenantId}/oauth2/v2.0/token`, {
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          scope: `${CAS_APP_ID}/.default`,
        })
      ).json<{ access_token: string }>().access_token;
      expectGraphError(await s.graph('GET', '/v1.0/applications', { token: casToken }), 401, 'InvalidAuthenticationToken');
    });

    it('403 Authorization_RequestDenied without the Graph role; Application.Read.All reads but cannot write', async () => {
      const { tenantId } = s.demo.tenants.contoso;
      const app = (await s.graph('POST', '/v1.0/applications', contoso, { displayName: 'Graph reader' })).json<{
        id: string;
        appId: string;
      }>();
      const secret = (await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, contoso, {})).json<{ secretText: string }>()
        .secretText;
      const sp = (await s.graph('POST', '/v1.0/servicePrincipals', contoso, { appId: app.appId })).json<{ id: string }>();
      const graphToken = async () =>
        (
          await s.postForm(`/${tenantId}/oauth2/v2.0/token`, {
            grant_type: 'client_credentials',
            client_id: app.appId,
            client_secret: secret,
            scope: 'https://graph.microsoft.com/.default',
          })
        ).json<{ access_token: string }>().access_token;
      const noRole = { token: await graphToken() };
      const denied = expectGraphError(await s.graph('GET', '/v1.0/applications', noRole), 403, 'Authorization_RequestDenied');
      expect(denied.message).toMatch(/^Insufficient privileges to complete the operation\./);

      const graphSp = (await s.graph('GET', `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')`, contoso)).json<{
        id: string;
        appRoles: AppRoleJson[];
      }>();
      const readAll = graphSp.appRoles.find((r) => r.value === 'Application.Read.All')!;
      expect(
        (
          await s.graph('POST', `/v1.0/servicePrincipals/${graphSp.id}/appRoleAssignedTo`, contoso, {
            principalId: sp.id,
            resourceId: graphSp.id,
            appRoleId: readAll.id,
          })
        ).status,
      ).toBe(201);
      const reader = { token: await graphToken() };
      expect((await s.graph('GET', '/v1.0/applications', reader)).status).toBe(200);
      expectGraphError(await s.graph('POST', '/v1.0/applications', reader, { displayName: 'nope' }), 403, 'Authorization_RequestDenied');
      expectGraphError(
        await s.graph('POST', `/v1.0/servicePrincipals/${graphSp.id}/appRoleAssignedTo`, reader, {}),
        403,
        'Authorization_RequestDenied',
      );
    });

    it('404 Request_ResourceNotFound for unknown ids and appIds, and across tenants', async () => {
      const missing = crypto.randomUUID();
      expectGraphError(await s.graph('GET', `/v1.0/applications/${missing}`, contoso), 404, 'Request_ResourceNotFound');
      expectGraphError(await s.graph('GET', `/v1.0/applications(appId='${missing}')`, contoso), 404, 'Request_ResourceNotFound');
      expectGraphError(await s.graph('GET', `/v1.0/servicePrincipals/${missing}`, contoso), 404, 'Request_ResourceNotFound');
      expectGraphError(
        await s.graph('PATCH', `/v1.0/applications/${missing}`, contoso, { displayName: 'x' }),
        404,
        'Request_ResourceNotFound',
      );
      const contosoApp = (await s.graph('POST', '/v1.0/applications', contoso, { displayName: 'Contoso private' })).json<{ id: string }>();
      expectGraphError(await s.graph('GET', `/v1.0/applications/${contosoApp.id}`, fabrikam), 404, 'Request_ResourceNotFound');
    });

    it('innerError echoes client-request-id', async () => {
      const id = crypto.randomUUID();
      const res = await s.graph('GET', `/v1.0/applications/${crypto.randomUUID()}`, contoso);
      expect(res.json<{ error: { innerError: Record<string, string> } }>().error.innerError['client-request-id']).toBe(
        res.json<{ error: { innerError: Record<string, string> } }>().error.innerError['request-id'],
      );
      const echoed = await (async () => {
        const { httpsRequest } = await import('./https-client.js');
        return httpsRequest(`${s.url}/v1.0/applications/${crypto.randomUUID()}`, {
          ca: s.ca,
          headers: { authorization: `Bearer ${(contoso as { token: string }).token}`, 'client-request-id': id },
        });
      })();
      expect(echoed.json<{ error: { innerError: Record<string, string> } }>().error.innerError['client-request-id']).toBe(id);
    });

    it('$filter: appId eq, displayName eq, startswith(displayName), and combined; unsupported clauses are 400 Request_UnsupportedQuery', async () => {
      const prefix = `Filter-${crypto.randomBytes(3).toString('hex')}`;
      const apps = [];
      for (const suffix of ['alpha', 'beta', "o'brien"]) {
        apps.push(
          (await s.graph('POST', '/v1.0/applications', contoso, { displayName: `${prefix} ${suffix}` })).json<{
            id: string;
            appId: string;
            displayName: string;
          }>(),
        );
      }
      const q = (filter: string) => s.graph('GET', `/v1.0/applications?$filter=${encodeURIComponent(filter)}`, contoso);
      const names = async (filter: string) => {
        const res = await q(filter);
        expect(res.status, res.text).toBe(200);
        const body = res.json<GraphList<{ displayName: string }>>();
        expect(body['@odata.context']).toBe(`${s.url}/v1.0/$metadata#applications`);
        return body.value.map((a) => a.displayName).sort();
      };
      expect(await names(`appId eq '${apps[1]!.appId}'`)).toEqual([`${prefix} beta`]);
      expect(await names(`appId eq '${apps[1]!.appId.toUpperCase()}'`)).toEqual([`${prefix} beta`]);
      expect(await names(`displayName eq '${prefix} alpha'`)).toEqual([`${prefix} alpha`]);
      expect(await names(`displayName eq '${prefix} o''brien'`)).toEqual([`${prefix} o'brien`]);
      expect(await names(`startswith(displayName,'${prefix}')`)).toEqual([`${prefix} alpha`, `${prefix} beta`, `${prefix} o'brien`]);
      expect(await names(`startswith(displayName, '${prefix}') and displayName eq '${prefix} beta'`)).toEqual([`${prefix} beta`]);
      expect(await names(`appId eq '${crypto.randomUUID()}'`)).toEqual([]);
      expectGraphError(await q(`createdDateTime ge 2020-01-01T00:00:00Z`), 400, 'Request_UnsupportedQuery');
      expectGraphError(await q(`displayName eq unquoted`), 400, 'Request_UnsupportedQuery');

      // Service principals: appId eq and displayName eq.
      const sps = await s.graph(
        'GET',
        `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`displayName eq 'Microsoft Cloud App Security'`)}`,
        contoso,
      );
      expect(sps.json<GraphList<{ appId: string }>>().value.map((x) => x.appId)).toEqual([CAS_APP_ID]);
      // startsWith works on service principals' displayName as on Graph; endsWith is an advanced query.
      const microsoft = await s.graph(
        'GET',
        `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`startswith(displayName,'Microsoft')`)}`,
        contoso,
      );
      expect(microsoft.json<GraphList<{ appId: string }>>().value.map((x) => x.appId)).toContain(CAS_APP_ID);
      expectGraphError(
        await s.graph('GET', `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`endswith(displayName,'Security')`)}`, contoso),
        400,
        'Request_UnsupportedQuery',
      );

      // $top pages with @odata.nextLink.
      const first = (
        await s.graph('GET', `/v1.0/applications?$top=2&$filter=${encodeURIComponent(`startswith(displayName,'${prefix}')`)}`, contoso)
      ).json<GraphList<{ displayName: string }>>();
      expect(first.value).toHaveLength(2);
      expect(first['@odata.nextLink']).toBeDefined();
      const next = (await s.graph('GET', first['@odata.nextLink']!.slice(s.url.length), contoso)).json<
        GraphList<{ displayName: string }>
      >();
      expect(next.value).toHaveLength(1);
      expect(next['@odata.nextLink']).toBeUndefined();
    });

    it("applications(appId='…') and servicePrincipals(appId='…') address the same objects as their ids", async () => {
      const created = (await s.graph('POST', '/v1.0/applications', contoso, { displayName: 'By appId' })).json<{
        id: string;
        appId: string;
      }>();
      const byId = (await s.graph('GET', `/v1.0/applications/${created.id}`, contoso)).json<Record<string, unknown>>();
      const byAppId = (await s.graph('GET', `/v1.0/applications(appId='${created.appId}')`, contoso)).json<Record<string, unknown>>();
      expect(byAppId).toEqual(byId);
      expect(
        (await s.graph('PATCH', `/v1.0/applications(appId='${created.appId}')`, contoso, { displayName: 'By appId, renamed' })).status,
      ).toBe(204);
      expect((await s.graph('GET', `/v1.0/applications/${created.id}`, contoso)).json<{ displayName: string }>().displayName).toBe(
        'By appId, renamed',
      );
      const pw = await s.graph('POST', `/v1.0/applications(appId='${created.appId}')/addPassword`, contoso, {});
      expect(pw.status).toBe(200);
      const sp = (await s.graph('POST', '/v1.0/servicePrincipals', contoso, { appId: created.appId })).json<{ id: string }>();
      const spByAppId = (await s.graph('GET', `/v1.0/servicePrincipals(appId='${created.appId}')`, contoso)).json<{ id: string }>();
      expect(spByAppId.id).toBe(sp.id);
      expect((await s.graph('DELETE', `/v1.0/applications(appId='${created.appId}')`, contoso)).status).toBe(204);
      expectGraphError(await s.graph('GET', `/v1.0/servicePrincipals/${sp.id}`, contoso), 404, 'Request_ResourceNotFound');
    });

    it('organization: GET returns the caller tenant', async () => {
      const res = await s.graph('GET', '/v1.0/organization', fabrikam);
      expect(res.status).toBe(200);
      const org = res.json<GraphList<{ id: string; displayName: string; verifiedDomains: { name: string }[] }>>();
      expect(org.value).toHaveLength(1);
      expect(org.value[0]).toMatchObject({ id: s.demo.tenants.fabrikam.tenantId, displayName: 'Fabrikam' });
      expect(org.value[0]!.verifiedDomains[0]!.name).toBe(s.demo.tenants.fabrikam.domain);
    });
  });
});
