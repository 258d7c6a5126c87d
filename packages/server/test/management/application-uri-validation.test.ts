import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let token: string;

beforeAll(async () => {
  h = await inProcess({ origin: 'https://localhost:8443' });
  const m = h.demo.tenants.contoso.management;
  const res = await h.app.inject({
    method: 'POST',
    url: `/${h.tenant.id}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: m.clientId,
      client_secret: m.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  token = (res.json() as { access_token: string }).access_token;
});
afterAll(() => h?.close());

const createApp = (body: Record<string, unknown>) =>
  h.app.inject({
    method: 'POST',
    url: '/v1.0/applications',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    payload: { displayName: 'URI test', ...body },
  });

describe('identifier URIs: a verified domain of the tenant, or api://', () => {
  it.each([
    'https://graph.microsoft.com/',
    'https://api.cloudappsecurity.com/',
    'https://contoso.com/api',
    'https://fabrikam.onmicrosoft.com/api',
    'https://contoso.onmicrosoft.com.evil.example/api',
    'http://evilcontoso.onmicrosoft.com',
  ])('refuses %s with 400 HostNameNotOnVerifiedDomain', async (uri) => {
    const res = await createApp({ identifierUris: [uri] });
    expect(res.statusCode).toBe(400);
    const error = (res.json() as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('HostNameNotOnVerifiedDomain');
    expect(error.message).toBe(
      `Values of identifierUris property must use a verified domain of the organization or its subdomain: '${uri}'`,
    );
  });

  it.each(['https://contoso.onmicrosoft.com/widgets', 'https://api.contoso.onmicrosoft.com', 'api://widgets', 'api://graph.microsoft.com'])(
    'accepts %s',
    async (uri) => {
      const res = await createApp({ identifierUris: [uri] });
      expect(res.statusCode, res.body).toBe(201);
    },
  );
});

describe('web.redirectUris: https, or http on loopback; no script schemes, no fragments', () => {
  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://partner.example/callback',
    'https://partner.example/callback#frag',
    'myapp://auth',
  ])('refuses %s with 400 Request_BadRequest', async (uri) => {
    const res = await createApp({ web: { redirectUris: [uri] } });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { code: string } }).error.code).toBe('Request_BadRequest');
  });

  it('refuses script schemes for public clients too, but keeps their own schemes', async () => {
    expect((await createApp({ publicClient: { redirectUris: ['javascript:alert(1)'] } })).statusCode).toBe(400);
    expect((await createApp({ publicClient: { redirectUris: ['msal0000://auth'] } })).statusCode).toBe(201);
  });

  it.each(['https://partner.example/callback', 'http://localhost:3000/callback', 'http://127.0.0.1/cb'])('accepts %s', async (uri) => {
    const res = await createApp({ web: { redirectUris: [uri] } });
    expect(res.statusCode, res.body).toBe(201);
  });
});
