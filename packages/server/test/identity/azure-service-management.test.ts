import { AZURE_CLI_APP_ID, AZURE_SERVICE_MANAGEMENT_APP_ID, MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_ROLES } from '@appwarden/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { loadConfig } from '../../src/config.js';
import { ensureFirstPartyClients } from '../../src/identity/first-party-clients.js';
import { decodeJwt, ORIGIN, postToken, registerClient, T0, type RegisteredClient } from './identity-fixture.js';

// Issue 13: what `az login` needs of the identity platform and of Azure Resource Manager.
const ASM = 'https://management.core.windows.net/';
const ARM = 'https://management.azure.com/';
const API_VERSION = 'api-version=2022-12-01';

describe('Azure Service Management tokens, the Graph origin alias and the minimal Resource Manager', () => {
  let fx: InProcessHarness;
  let daemon: RegisteredClient;
  let graphClient: RegisteredClient;

  beforeAll(async () => {
    fx = await inProcess({ seed: 'demo', clock: T0, origin: ORIGIN });
    daemon = await registerClient(fx, { displayName: 'az daemon', casRoles: ['Investigation.read'] });
    graphClient = await registerClient(fx, { displayName: 'az graph client' });
    const graph = (await fx.services.servicePrincipals.getByAppId(fx.tenantId, MICROSOFT_GRAPH_APP_ID))!;
    const role = MICROSOFT_GRAPH_ROLES.find((r) => r.value === 'Application.Read.All')!;
    await fx.services.servicePrincipals.assign(fx.tenantId, {
      principalId: graphClient.servicePrincipalId,
      resourceId: graph.id,
      appRoleId: role.id,
    });
  });
  afterAll(() => fx.close());

  const clientCredentials = (client: RegisteredClient, v: 1 | 2, value: string) =>
    postToken(fx, `/${fx.tenantId}/oauth2/${v === 2 ? 'v2.0/' : ''}token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_secret: client.secret,
      ...(v === 2 ? { scope: value } : { resource: value }),
    });
  const get = (url: string, token?: string) =>
    fx.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it.each([
    [1, ASM, ASM],
    [1, 'https://management.core.windows.net', 'https://management.core.windows.net'],
    [1, ARM, ARM],
    [1, 'https://management.azure.com', 'https://management.azure.com'],
    [1, AZURE_SERVICE_MANAGEMENT_APP_ID, AZURE_SERVICE_MANAGEMENT_APP_ID],
    [2, `${ASM}/.default`, ASM],
    [2, `${ARM}.default`, 'https://management.azure.com'],
    [2, `${ARM}/.default`, ARM],
    [2, `${AZURE_SERVICE_MANAGEMENT_APP_ID}/.default`, AZURE_SERVICE_MANAGEMENT_APP_ID],
  ] as const)('v%s %s: an app-only v1 token with aud %s and no roles, accepted by /subscriptions', async (v, asked, aud) => {
    const res = await clientCredentials(daemon, v, asked);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const token = String(res.json.access_token);
    const { payload } = decodeJwt(token);
    expect(payload).toMatchObject({ aud, appid: daemon.appId, ver: '1.0', tid: fx.tenantId });
    expect(payload.roles).toBeUndefined();
    if (v === 1) expect(res.json.resource).toBe(asked);
    const subs = await get(`/subscriptions?${API_VERSION}`, token);
    expect(subs.statusCode, subs.body).toBe(200);
    expect(subs.json()).toEqual({ value: [], count: { type: 'Total', value: 0 } });
  });

  it('a Service Management token is refused by the Cloud Apps API', async () => {
    const token = String((await clientCredentials(daemon, 2, `${ASM}/.default`)).json.access_token);
    expect((await get('/api/v1/alerts/', token)).statusCode).toBe(401);
  });

  it.each([`${ORIGIN}//.default`, `${ORIGIN}/.default`])('scope %s is Microsoft Graph: the token works on /v1.0', async (scope) => {
    const res = await clientCredentials(graphClient, 2, scope);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const token = String(res.json.access_token);
    const { payload } = decodeJwt(token);
    expect(String(payload.aud).replace(/\/$/, '')).toBe(ORIGIN);
    expect(payload.roles).toEqual(['Application.Read.All']);
    const apps = await get('/v1.0/applications', token);
    expect(apps.statusCode, apps.body).toBe(200);
    // Graph tokens are not Resource Manager tokens, nor the other way round.
    const arm = await get(`/subscriptions?${API_VERSION}`, token);
    expect(arm.statusCode).toBe(401);
    expect(arm.json().error.code).toBe('InvalidAuthenticationTokenAudience');
  });

  it('another origin is no alias of Graph', async () => {
    const res = await clientCredentials(graphClient, 2, 'https://elsewhere.test//.default');
    expect(res.status).toBe(400);
    expect(String(res.json.error_description)).toMatch(/^AADSTS500011/);
  });

  it('GET /tenants: the token tenant in the Tenants - List shape', async () => {
    const token = String((await clientCredentials(daemon, 2, `${ASM}/.default`)).json.access_token);
    const res = await get(`/tenants?${API_VERSION}`, token);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      value: [
        {
          id: `/tenants/${fx.tenantId}`,
          tenantId: fx.tenantId,
          countryCode: 'US',
          displayName: fx.tenant.displayName,
          domains: [fx.tenant.domain],
          tenantCategory: 'Home',
          defaultDomain: fx.tenant.domain,
          tenantType: 'AAD',
        },
      ],
    });
  });

  it('answers ARM errors in ARM shape under ARM paths', async () => {
    const token = String((await clientCredentials(daemon, 2, `${ASM}/.default`)).json.access_token);
    const missing = await get(`/subscriptions?${API_VERSION}`);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toEqual({
      error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
    });
    expect(missing.headers['www-authenticate']).toMatch(
      /^Bearer authorization_uri="https:\/\/login\.appwarden\.test\/", error="invalid_token"/,
    );
    expect((await get(`/subscriptions?${API_VERSION}`, 'not-a-jwt')).json().error.code).toBe('InvalidAuthenticationToken');
    const noVersion = await get('/subscriptions', token);
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().error).toEqual({
      code: 'MissingApiVersionParameter',
      message: 'The api-version query parameter (?api-version=) is required for all requests.',
    });
    expect((await get('/tenants?api-version=yesterday', token)).json().error.code).toBe('InvalidApiVersionParameter');
    const sub = '0b1f6471-1bf0-4dda-aec3-111122223333';
    const rg = await get(`/subscriptions/${sub}/resourceGroups?${API_VERSION}`, token);
    expect(rg.statusCode).toBe(404);
    expect(rg.json()).toEqual({ error: { code: 'SubscriptionNotFound', message: `The subscription '${sub}' could not be found.` } });
    const ns = await get(`/providers/Microsoft.Compute/operations?${API_VERSION}`, token);
    expect(ns.statusCode).toBe(404);
    expect(ns.json().error.code).toBe('InvalidResourceNamespace');
    const unknown = await fx.app.inject({ method: 'DELETE', url: `/tenants?${API_VERSION}` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NotFound');
    expect(Object.keys(unknown.json())).toEqual(['error']);
    expect(Object.keys(unknown.json().error)).toEqual(['code', 'message']);
  });

  it('GET /metadata/endpoints describes the cloud without a token', async () => {
    const res = await get('/metadata/endpoints?api-version=2022-09-01');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'Appwarden',
      resourceManager: `${ORIGIN}/`,
      microsoftGraphResourceId: `${ORIGIN}/`,
      authentication: { loginEndpoint: `${ORIGIN}/`, audiences: [ASM, ARM] },
    });
  });

  it('az as a user (the Azure CLI client, ROPC): a delegated Service Management token with scp user_impersonation', async () => {
    const admin = fx.demo.tenants.contoso.admin;
    const res = await postToken(fx, `/${fx.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'password',
      client_id: AZURE_CLI_APP_ID,
      username: admin.username,
      password: admin.password,
      scope: `${ASM}/.default openid profile offline_access`,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    const token = String(res.json.access_token);
    expect(decodeJwt(token).payload).toMatchObject({ aud: ASM, scp: 'user_impersonation', appid: AZURE_CLI_APP_ID });
    expect(res.json.refresh_token).toBeDefined();
    expect((await get(`/tenants?${API_VERSION}`, token)).json().value[0].tenantId).toBe(fx.tenantId);
    // The refresh token then buys a token for the Graph alias, as az ad does for a user.
    const graph = await postToken(fx, `/${fx.tenantId}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: AZURE_CLI_APP_ID,
      refresh_token: String(res.json.refresh_token),
      scope: `${ORIGIN}//.default offline_access`,
    });
    expect(graph.status, JSON.stringify(graph.json)).toBe(200);
    const apps = await get('/v1.0/applications', String(graph.json.access_token));
    expect(apps.statusCode, apps.body).toBe(200);
  });

  it('instance discovery names this origin and the asked tenant (MSAL Python drops the port)', async () => {
    const asked = encodeURIComponent(`https://login.appwarden.test/${fx.tenantId}/oauth2/v2.0/authorize`);
    const res = await get(`/common/discovery/instance?authorization_endpoint=${asked}&api-version=1.0`);
    expect(res.json().tenant_discovery_endpoint).toBe(`${ORIGIN}/${fx.tenantId}/v2.0/.well-known/openid-configuration`);
    const v1 = encodeURIComponent(`https://login.appwarden.test/common/oauth2/authorize`);
    expect((await get(`/common/discovery/instance?authorization_endpoint=${v1}`)).json().tenant_discovery_endpoint).toBe(
      `${ORIGIN}/common/.well-known/openid-configuration`,
    );
  });

  it('tenant names that are Resource Manager paths are refused', async () => {
    await expect(fx.services.tenants.create({ name: 'subscriptions' })).rejects.toThrow(/reserved/);
  });

  it('a tenant made before the resource existed gets its service principal and the first-party grants at start', async () => {
    const stores = fx.services.stores;
    const asm = (await stores.servicePrincipals.getByAppId(fx.tenantId, AZURE_SERVICE_MANAGEMENT_APP_ID))!;
    for (const g of await stores.userContext.permissionGrants.list(fx.tenantId, { resourceId: asm.id })) {
      await stores.userContext.permissionGrants.delete(fx.tenantId, g.id);
    }
    await stores.servicePrincipals.delete(asm.id);
    expect(await stores.servicePrincipals.getByAppId(fx.tenantId, AZURE_SERVICE_MANAGEMENT_APP_ID)).toBeUndefined();

    await ensureFirstPartyClients(stores, fx.tenantId, T0);
    await ensureFirstPartyClients(stores, fx.tenantId, T0);
    const back = (await stores.servicePrincipals.getByAppId(fx.tenantId, AZURE_SERVICE_MANAGEMENT_APP_ID))!;
    expect(back).toBeDefined();
    const cli = (await stores.servicePrincipals.getByAppId(fx.tenantId, AZURE_CLI_APP_ID))!;
    const grants = await stores.userContext.permissionGrants.list(fx.tenantId, { clientId: cli.id, resourceId: back.id });
    expect(grants.map((g) => g.scope)).toEqual(['user_impersonation']);
    const res = await clientCredentials(daemon, 2, `${ASM}/.default`);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  });

  it('tlsHostnames: a comma-separated list of DNS names, validated at start', () => {
    expect(loadConfig({ tlsHostnames: 'Appwarden.b2clogin.com, idp.contoso.test' }, {}).tlsHostnames).toEqual([
      'appwarden.b2clogin.com',
      'idp.contoso.test',
    ]);
    expect(loadConfig({}, { APPWARDEN_TLS_HOSTNAMES: 'appwarden.b2clogin.com' }).tlsHostnames).toEqual(['appwarden.b2clogin.com']);
    expect(loadConfig({}, {}).tlsHostnames).toEqual([]);
    expect(() => loadConfig({}, { APPWARDEN_TLS_HOSTNAMES: 'ok.test,bad_name!' })).toThrow(/APPWARDEN_TLS_HOSTNAMES.*bad_name!/);
  });
});
