import crypto from 'node:crypto';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness, type GraphAuth } from '../support/harness.js';
import { createClientCertificate, type ClientCertificate } from './client-certificate.js';
import { httpsRequest, type HttpsResponse } from './https-client.js';
import { verifyWithDiscovery } from './token-verification.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENTRA_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface ExpectedError {
  status: number;
  error: string;
  code: number;
  /** A fragment of the message after `AADSTSnnn: `. */
  message?: string | RegExp;
}

/**
 * Checks one error response against reference §2.1 completely: status, headers, the exact set
 * of fields, the description's layout, and the correlation id echoing `client-request-id`.
 */
function expectEntraError(res: HttpsResponse, expected: ExpectedError, clientRequestId: string | undefined, origin: string) {
  expect({ status: res.status, body: res.text }).toMatchObject({ status: expected.status });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store, no-cache');
  expect(res.headers.pragma).toBe('no-cache');
  const body = res.json();
  expect(Object.keys(body).sort()).toEqual(
    ['correlation_id', 'error', 'error_codes', 'error_description', 'error_uri', 'timestamp', 'trace_id'].sort(),
  );
  expect(body.error).toBe(expected.error);
  expect(body.error_codes).toEqual([expected.code]);
  expect(body.trace_id).toMatch(GUID);
  expect(body.trace_id).toBe(res.headers['x-ms-request-id']);
  if (clientRequestId) expect(body.correlation_id).toBe(clientRequestId);
  else expect(body.correlation_id).toMatch(GUID);
  expect(body.timestamp).toMatch(ENTRA_TIMESTAMP);
  expect(body.error_uri).toBe(`${origin}/error?code=${expected.code}`);
  const description = body.error_description as string;
  const m = /^AADSTS(\d+): ([\s\S]+)\r\nTrace ID: (.+)\r\nCorrelation ID: (.+)\r\nTimestamp: (.+)$/.exec(description);
  expect(m, description).not.toBeNull();
  expect(Number(m![1])).toBe(expected.code);
  expect(m![3]).toBe(body.trace_id);
  expect(m![4]).toBe(body.correlation_id);
  expect(m![5]).toBe(body.timestamp);
  if (expected.message instanceof RegExp) expect(m![2]).toMatch(expected.message);
  else if (expected.message) expect(m![2]).toContain(expected.message);
}

describe('token endpoint over HTTPS: request shapes and every client-credentials error of reference §2.2', () => {
  let s: ListeningHarness;
  let tenantId: string;
  let domain: string;
  let daemon: { clientId: string; clientSecret: string };
  let op: GraphAuth;
  const made: Record<string, { appId: string; id: string; secret?: string; spId?: string }> = {};
  let cert: ClientCertificate;
  let certClient: { appId: string };

  /** Registers an application through the management API (operator key), with a secret and an SP unless told otherwise. */
  async function register(name: string, body: Record<string, unknown> = {}, opts: { secret?: Record<string, unknown>; sp?: boolean } = {}) {
    const app = (await s.graph('POST', '/v1.0/applications', op, { displayName: name, ...body })).json<{ id: string; appId: string }>();
    const entry: { appId: string; id: string; secret?: string; spId?: string } = { appId: app.appId, id: app.id };
    if (opts.secret !== undefined) {
      const pw = await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, op, { passwordCredential: opts.secret });
      entry.secret = pw.json<{ secretText: string }>().secretText;
    }
    if (opts.sp !== false) {
      const sp = await s.graph('POST', '/v1.0/servicePrincipals', op, { appId: app.appId });
      expect(sp.status).toBe(201);
      entry.spId = sp.json<{ id: string }>().id;
    }
    made[name] = entry;
    return entry;
  }

  beforeAll(async () => {
    s = await listening();
    ({ tenantId, domain } = s.demo.tenants.contoso);
    daemon = s.demo.tenants.contoso.daemon!;
    op = { operatorTenant: tenantId };
    await register('expired', {}, { secret: { startDateTime: '2020-01-01T00:00:00Z', endDateTime: '2021-01-01T00:00:00Z' } });
    const disabledClient = await register('disabled-client', {}, { secret: {} });
    expect((await s.graph('PATCH', `/v1.0/servicePrincipals/${disabledClient.spId}`, op, { accountEnabled: false })).status).toBe(204);
    const disabledApi = await register('disabled-api', { identifierUris: ['api://disabled.contoso.test'] });
    expect((await s.graph('PATCH', `/v1.0/servicePrincipals/${disabledApi.spId}`, op, { accountEnabled: false })).status).toBe(204);
    const guarded = await register('guarded-api', { identifierUris: ['api://guarded.contoso.test'] });
    expect((await s.graph('PATCH', `/v1.0/servicePrincipals/${guarded.spId}`, op, { appRoleAssignmentRequired: true })).status).toBe(204);
    await register('no-sp', {}, { secret: {}, sp: false });
    cert = await createClientCertificate('token-endpoint-http');
    const c = await register('cert-client');
    const patched = await s.graph('PATCH', `/v1.0/applications/${c.id}`, op, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDerBase64 }],
    });
    expect(patched.status).toBe(204);
    certClient = { appId: c.appId };
  });
  afterAll(() => s?.close());

  const v1 = () => `/${tenantId}/oauth2/token`;
  const v2 = () => `/${tenantId}/oauth2/v2.0/token`;
  const good = () => ({ grant_type: 'client_credentials', client_id: daemon.clientId, client_secret: daemon.clientSecret });

  describe('success shapes', () => {
    it('v1, as the guide PowerShell posts it (Invoke-RestMethod, ordered hashtable, resource = appId)', async () => {
      // Invoke-RestMethod -Method Post -Body $authBody: a form body in the hashtable's order.
      const body = new URLSearchParams([
        ['resource', CAS_APP_ID],
        ['client_id', daemon.clientId],
        ['client_secret', daemon.clientSecret],
        ['grant_type', 'client_credentials'],
      ]).toString();
      const res = await s.postForm(`/${tenantId}/oauth2/token`, body, {
        'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) WindowsPowerShell/5.1.19041.3803',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store, no-cache');
      expect(res.headers.pragma).toBe('no-cache');
      const json = res.json<Record<string, string>>();
      expect(json).toMatchObject({ token_type: 'Bearer', expires_in: '3599', ext_expires_in: '3599', resource: CAS_APP_ID });
      for (const k of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) expect(typeof json[k]).toBe('string');
      const claims = await verifyWithDiscovery(json.access_token!, { url: s.url, ca: s.ca, tenant: tenantId, audience: CAS_APP_ID });
      expect(claims.roles).toHaveLength(6);
      expect(String(claims.exp)).toBe(json.expires_on);
      expect(String(claims.nbf)).toBe(json.not_before);
    });

    it('v2, as the guide curl posts it (scope = <appId>/.default), numbers in the body', async () => {
      const body = [
        'grant_type=client_credentials',
        `client_id=${daemon.clientId}`,
        `scope=${CAS_APP_ID}/.default`,
        `client_secret=${encodeURIComponent(daemon.clientSecret)}`,
      ].join('&');
      const res = await s.postForm(v2(), body, {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'curl/8.5.0',
        accept: '*/*',
      });
      expect(res.status).toBe(200);
      const json = res.json();
      expect(json).toEqual({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String) });
      const claims = await verifyWithDiscovery(json.access_token as string, {
        url: s.url,
        ca: s.ca,
        tenant: domain,
        audience: 'https://api.cloudappsecurity.com',
      }).catch(() => undefined);
      // A v1-format token's audience is the resource as named: here the bare appId of the scope.
      expect(claims).toBeUndefined();
      const byAppId = await verifyWithDiscovery(json.access_token as string, {
        url: s.url,
        ca: s.ca,
        tenant: domain,
        audience: CAS_APP_ID,
      });
      expect(byAppId.tid).toBe(tenantId);
    });

    it('client_secret_basic: HTTP Basic with form-urlencoded id and secret', async () => {
      const basic = Buffer.from(`${encodeURIComponent(daemon.clientId)}:${encodeURIComponent(daemon.clientSecret)}`).toString('base64');
      const res = await s.postForm(
        v2(),
        { grant_type: 'client_credentials', scope: `${CAS_APP_ID}/.default` },
        { authorization: `Basic ${basic}` },
      );
      expect(res.status).toBe(200);
      // client_id may repeat the Basic user name.
      const again = await s.postForm(
        v2(),
        { grant_type: 'client_credentials', client_id: daemon.clientId, scope: `${CAS_APP_ID}/.default` },
        { authorization: `Basic ${basic}` },
      );
      expect(again.status).toBe(200);
    });

    it('tenant by domain in any case, query parameters and MSAL telemetry fields ignored, success echoes client-request-id', async () => {
      const res = await s.postForm(
        `/${domain.toUpperCase()}/oauth2/v2.0/token?client-request-id=abc&x-anything=1`,
        {
          ...good(),
          scope: 'https://api.cloudappsecurity.com/.default',
          'x-client-SKU': 'msal.js.node',
          'x-client-VER': '7.0.0',
          'x-ms-lib-capability': 'retry-after, h429',
          'x-client-current-telemetry': '5|771,2,,,|,',
          'x-client-last-telemetry': '5|0|||0,0',
        },
        { 'client-request-id': 'f1d6b2f8-3a0e-4b65-9d3e-2f0b6c1f7a11' },
      );
      expect(res.status).toBe(200);
      expect(res.headers['client-request-id']).toBe('f1d6b2f8-3a0e-4b65-9d3e-2f0b6c1f7a11');
      const claims = await verifyWithDiscovery(res.json().access_token as string, {
        url: s.url,
        ca: s.ca,
        tenant: domain,
        audience: 'https://api.cloudappsecurity.com',
      });
      expect(claims.tid).toBe(tenantId);
    });
  });

  describe('errors', () => {
    const cid = () => crypto.randomUUID();
    async function check(
      path: string,
      form: Record<string, string> | string,
      expected: ExpectedError,
      headers: Record<string, string> = {},
    ) {
      const id = cid();
      const res = await s.postForm(path, form, { 'client-request-id': id, ...headers });
      expectEntraError(res, expected, id, s.url);
      return res;
    }
    const assertion = async (
      overrides: { header?: Record<string, unknown>; claims?: Record<string, unknown>; key?: string; alg?: 'RS256' | 'PS256' } = {},
    ) => {
      const now = Math.floor(Date.now() / 1000);
      const alg = overrides.alg ?? 'RS256';
      return new SignJWT({
        iss: certClient.appId,
        sub: certClient.appId,
        aud: `${s.url}/${tenantId}/oauth2/v2.0/token`,
        jti: crypto.randomUUID(),
        nbf: now,
        iat: now,
        exp: now + 600,
        ...overrides.claims,
      })
        .setProtectedHeader({ alg, typ: 'JWT', x5t: cert.x5t, ...overrides.header })
        .sign(await importPKCS8(overrides.key ?? cert.privateKeyPem, alg));
    };
    const withAssertion = (jwt: string, extra: Record<string, string> = {}) => ({
      grant_type: 'client_credentials',
      client_id: certClient.appId,
      client_assertion_type: JWT_BEARER,
      client_assertion: jwt,
      scope: `${CAS_APP_ID}/.default`,
      ...extra,
    });

    it('unknown tenant (GUID and domain): 400 invalid_request AADSTS90002', async () => {
      const unknown = crypto.randomUUID();
      await check(
        `/${unknown}/oauth2/v2.0/token`,
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'invalid_request',
          code: 90002,
          message: `Tenant '${unknown}' not found.`,
        },
      );
      await check(
        '/nowhere.onmicrosoft.com/oauth2/token',
        { ...good(), resource: CAS_APP_ID },
        { status: 400, error: 'invalid_request', code: 90002 },
      );
    });

    it('all-zero tenant GUID: AADSTS90002 empty GUID', async () => {
      await check(
        '/00000000-0000-0000-0000-000000000000/oauth2/v2.0/token',
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'invalid_request',
          code: 90002,
          message: 'Tenant identifiers may not be an empty GUID.',
        },
      );
    });

    it('malformed tenant: AADSTS900023', async () => {
      await check(
        '/contoso_corp!/oauth2/v2.0/token',
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'invalid_request',
          code: 900023,
          message: "Specified tenant identifier 'contoso_corp!' is neither a valid DNS name, nor a valid external domain.",
        },
      );
    });

    it.each(['common', 'organizations', 'consumers', 'Common'])('/%s: AADSTS50059 on both endpoints', async (alias) => {
      await check(
        `/${alias}/oauth2/v2.0/token`,
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        { status: 400, error: 'invalid_request', code: 50059 },
      );
      await check(`/${alias}/oauth2/token`, { ...good(), resource: CAS_APP_ID }, { status: 400, error: 'invalid_request', code: 50059 });
    });

    it('GET (and other methods) on the token endpoints: AADSTS900561', async () => {
      for (const path of [v1(), v2()]) {
        for (const method of ['GET', 'PUT']) {
          const id = cid();
          const res = await httpsRequest(s.url + path, { ca: s.ca, method, headers: { 'client-request-id': id } });
          expectEntraError(
            res,
            { status: 400, error: 'invalid_request', code: 900561, message: `Received a ${method} request.` },
            id,
            s.url,
          );
        }
      }
    });

    it('grant_type missing, client_id missing, scope missing (v2): AADSTS900144 naming the parameter', async () => {
      const { grant_type: _g, ...noGrant } = good();
      await check(
        v2(),
        { ...noGrant, scope: `${CAS_APP_ID}/.default` },
        { status: 400, error: 'invalid_request', code: 900144, message: "parameter: 'grant_type'." },
      );
      await check(
        v2(),
        { grant_type: 'client_credentials', client_secret: 'x', scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'invalid_request',
          code: 900144,
          message: "parameter: 'client_id'.",
        },
      );
      await check(v2(), good(), { status: 400, error: 'invalid_request', code: 900144, message: "parameter: 'scope'." });
    });

    it('unsupported grant_type: unsupported_grant_type AADSTS70003', async () => {
      await check(
        v2(),
        // `password` is a supported (user) grant since user context; `implicit` never is a grant type.
        { ...good(), grant_type: 'implicit', scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'unsupported_grant_type',
          code: 70003,
          message: "unsupported grant type 'implicit'.",
        },
      );
    });

    it('scope without /.default: invalid_scope AADSTS1002012', async () => {
      for (const scope of ['User.Read.All', 'api://widgets/read', `${CAS_APP_ID}/Investigation.read`]) {
        await check(
          v2(),
          { ...good(), scope },
          { status: 400, error: 'invalid_scope', code: 1002012, message: `The provided value for scope ${scope} is not valid.` },
        );
      }
    });

    it('scope otherwise invalid: invalid_scope AADSTS70011', async () => {
      await check(v2(), { ...good(), scope: '/.default' }, { status: 400, error: 'invalid_scope', code: 70011 });
    });

    it('scopes of two resources: invalid_scope AADSTS700022', async () => {
      await check(
        v2(),
        { ...good(), scope: `${CAS_APP_ID}/.default https://graph.microsoft.com/.default` },
        {
          status: 400,
          error: 'invalid_scope',
          code: 700022,
        },
      );
    });

    it('resource sent to v2: AADSTS901002', async () => {
      await check(
        v2(),
        { ...good(), scope: `${CAS_APP_ID}/.default`, resource: CAS_APP_ID },
        { status: 400, error: 'invalid_request', code: 901002 },
      );
    });

    it('resource missing on v1: invalid_resource AADSTS500013', async () => {
      await check(v1(), good(), { status: 400, error: 'invalid_resource', code: 500013, message: 'Resource identifier is not provided.' });
    });

    it('unknown resource: invalid_resource AADSTS500011 on both endpoints', async () => {
      await check(
        v1(),
        { ...good(), resource: 'https://unknown.example.com/' },
        {
          status: 400,
          error: 'invalid_resource',
          code: 500011,
          message: `The resource principal named https://unknown.example.com/ was not found in the tenant named ${domain}.`,
        },
      );
      await check(v2(), { ...good(), scope: `${crypto.randomUUID()}/.default` }, { status: 400, error: 'invalid_resource', code: 500011 });
    });

    it('resource service principal disabled: AADSTS500014', async () => {
      await check(
        v2(),
        { ...good(), scope: 'api://disabled.contoso.test/.default' },
        { status: 400, error: 'invalid_resource', code: 500014 },
      );
    });

    it('resource requires assignment and the client has none: invalid_grant AADSTS501051', async () => {
      await check(
        v1(),
        { ...good(), resource: 'api://guarded.contoso.test' },
        {
          status: 400,
          error: 'invalid_grant',
          code: 501051,
          message: `Application '${daemon.clientId}'(Contoso SIEM connector) is not assigned to a role for the application '${made['guarded-api']!.appId}'(guarded-api).`,
        },
      );
    });

    it('unknown client_id, app without a service principal here, single-tenant app of another tenant: unauthorized_client AADSTS700016', async () => {
      const unknown = crypto.randomUUID();
      await check(
        v2(),
        { grant_type: 'client_credentials', client_id: unknown, client_secret: 'x', scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'unauthorized_client',
          code: 700016,
          message: `Application with identifier '${unknown}' was not found in the directory 'Contoso'.`,
        },
      );
      const noSp = made['no-sp']!;
      await check(
        v2(),
        { grant_type: 'client_credentials', client_id: noSp.appId, client_secret: noSp.secret!, scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'unauthorized_client',
          code: 700016,
        },
      );
      const fabrikam = s.demo.tenants.fabrikam;
      await check(
        `/${fabrikam.tenantId}/oauth2/v2.0/token`,
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'unauthorized_client',
          code: 700016,
          message: `Application with identifier '${daemon.clientId}' was not found in the directory 'Fabrikam'.`,
        },
      );
    });

    it('all-zero or malformed client_id: unauthorized_client AADSTS700038', async () => {
      for (const clientId of ['00000000-0000-0000-0000-000000000000', 'not-a-guid']) {
        await check(
          v2(),
          { grant_type: 'client_credentials', client_id: clientId, client_secret: 'x', scope: `${CAS_APP_ID}/.default` },
          {
            status: 400,
            error: 'unauthorized_client',
            code: 700038,
            message: `${clientId} is not a valid application identifier.`,
          },
        );
      }
    });

    it('client service principal disabled: unauthorized_client AADSTS7000112', async () => {
      const c = made['disabled-client']!;
      await check(
        v2(),
        { grant_type: 'client_credentials', client_id: c.appId, client_secret: c.secret!, scope: `${CAS_APP_ID}/.default` },
        {
          status: 400,
          error: 'unauthorized_client',
          code: 7000112,
          message: `Application '${c.appId}'(disabled-client) is disabled.`,
        },
      );
    });

    it('wrong secret (and the secret id instead of its value): 401 invalid_client AADSTS7000215', async () => {
      await check(
        v2(),
        { ...good(), client_secret: 'wrong', scope: `${CAS_APP_ID}/.default` },
        {
          status: 401,
          error: 'invalid_client',
          code: 7000215,
          message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${daemon.clientId}'.`,
        },
      );
      const basic = Buffer.from(`${daemon.clientId}:wrong`).toString('base64');
      await check(
        v1(),
        { grant_type: 'client_credentials', resource: CAS_APP_ID },
        { status: 401, error: 'invalid_client', code: 7000215 },
        { authorization: `Basic ${basic}` },
      );
    });

    it('expired secret: 401 invalid_client AADSTS7000222', async () => {
      const c = made.expired!;
      await check(
        v1(),
        { grant_type: 'client_credentials', client_id: c.appId, client_secret: c.secret!, resource: CAS_APP_ID },
        {
          status: 401,
          error: 'invalid_client',
          code: 7000222,
          message: `The provided client secret keys for app '${c.appId}' are expired.`,
        },
      );
    });

    it('neither secret nor assertion: 401 invalid_client AADSTS7000218', async () => {
      await check(
        v2(),
        { grant_type: 'client_credentials', client_id: daemon.clientId, scope: `${CAS_APP_ID}/.default` },
        {
          status: 401,
          error: 'invalid_client',
          code: 7000218,
          message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        },
      );
    });

    it('two client authentication methods (Basic and body secret, secret and assertion): invalid_request', async () => {
      const basic = Buffer.from(`${daemon.clientId}:${daemon.clientSecret}`).toString('base64');
      await check(
        v2(),
        { ...good(), scope: `${CAS_APP_ID}/.default` },
        { status: 400, error: 'invalid_request', code: 9002313 },
        { authorization: `Basic ${basic}` },
      );
      await check(
        v2(),
        { ...withAssertion(await assertion()), client_secret: 'x' },
        { status: 400, error: 'invalid_request', code: 9002313 },
      );
    });

    it('Basic user name different from client_id: invalid_request', async () => {
      const basic = Buffer.from(`${daemon.clientId}:${daemon.clientSecret}`).toString('base64');
      await check(
        v2(),
        { grant_type: 'client_credentials', client_id: crypto.randomUUID(), scope: `${CAS_APP_ID}/.default` },
        { status: 400, error: 'invalid_request', code: 9002313 },
        { authorization: `Basic ${basic}` },
      );
    });

    it('unparsable body (unsupported content type): invalid_request AADSTS9002313', async () => {
      await check(v2(), '<xml/>', { status: 400, error: 'invalid_request', code: 9002313 }, { 'content-type': 'text/xml' });
    });

    describe('certificate assertions', () => {
      it('a valid RS256 (x5t) and PS256 (x5t#S256) assertion is accepted, with appidacr "2"', async () => {
        const rs = await s.postForm(v2(), withAssertion(await assertion()));
        expect(rs.status, rs.text).toBe(200);
        const ps = await s.postForm(v1(), {
          ...withAssertion(await assertion({ alg: 'PS256', header: { x5t: undefined, 'x5t#S256': cert.x5tS256 } }), {
            resource: CAS_APP_ID,
          }),
          scope: '',
        });
        expect(ps.status, ps.text).toBe(200);
        const claims = await verifyWithDiscovery(ps.json().access_token as string, {
          url: s.url,
          ca: s.ca,
          tenant: tenantId,
          audience: CAS_APP_ID,
        });
        expect(claims.appidacr).toBe('2');
      });

      it('unknown key: 401 invalid_client AADSTS700027 naming the thumbprint', async () => {
        const other = await createClientCertificate('not-registered');
        await check(v2(), withAssertion(await assertion({ key: other.privateKeyPem, header: { x5t: other.x5t } })), {
          status: 401,
          error: 'invalid_client',
          code: 700027,
          message: `[Reason - The key was not found., Thumbprint of key used by client: '${other.sha1Hex}'`,
        });
      });

      it('signature by another key under a registered thumbprint: AADSTS700027', async () => {
        const other = await createClientCertificate('impostor');
        await check(v2(), withAssertion(await assertion({ key: other.privateKeyPem })), {
          status: 401,
          error: 'invalid_client',
          code: 700027,
          message: 'The provided signature value did not match the expected signature value.',
        });
      });

      it('no thumbprint in the header: AADSTS50027', async () => {
        await check(v2(), withAssertion(await assertion({ header: { x5t: undefined } })), {
          status: 401,
          error: 'invalid_client',
          code: 50027,
          message: 'No certificate thumbprint specified in token header.',
        });
      });

      it('sub different from iss: AADSTS50048', async () => {
        await check(v2(), withAssertion(await assertion({ claims: { sub: crypto.randomUUID() } })), {
          status: 401,
          error: 'invalid_client',
          code: 50048,
        });
      });

      it('iss different from client_id: AADSTS700021', async () => {
        const other = crypto.randomUUID();
        await check(v2(), withAssertion(await assertion({ claims: { iss: other, sub: other } })), {
          status: 401,
          error: 'invalid_client',
          code: 700021,
        });
      });

      it('aud not this tenant token endpoint: AADSTS700212', async () => {
        await check(v2(), withAssertion(await assertion({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } })), {
          status: 401,
          error: 'invalid_client',
          code: 700212,
        });
      });

      it('aud may name the v1 endpoint, by domain, with a trailing slash', async () => {
        const res = await s.postForm(v2(), withAssertion(await assertion({ claims: { aud: `${s.url}/${domain}/oauth2/token/` } })));
        expect(res.status, res.text).toBe(200);
      });

      it('expired assertion: AADSTS700024', async () => {
        const past = Math.floor(Date.now() / 1000) - 7200;
        await check(v2(), withAssertion(await assertion({ claims: { nbf: past - 600, iat: past - 600, exp: past } })), {
          status: 401,
          error: 'invalid_client',
          code: 700024,
        });
      });

      it('replayed jti for the same resource: AADSTS700025', async () => {
        const jwt = await assertion();
        expect((await s.postForm(v2(), withAssertion(jwt))).status).toBe(200);
        await check(v2(), withAssertion(jwt), { status: 401, error: 'invalid_client', code: 700025 });
      });

      it('wrong client_assertion_type: AADSTS7000219', async () => {
        await check(
          v2(),
          withAssertion(await assertion(), { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }),
          {
            status: 401,
            error: 'invalid_client',
            code: 7000219,
          },
        );
      });
    });
  });
});
