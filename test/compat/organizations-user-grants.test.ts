import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAS_APP_ID, listening, type ListeningHarness } from '../support/harness.js';

// User grants on /organizations (and /common) redeem in the tenant the grant names, as Entra's
// do: MSAL's default authority for work accounts. ROPC picks the user's tenant; a refresh token
// (and a code or device code) the tenant it was issued in.

const AZURE_CLI = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
let live: ListeningHarness;

beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
}, 120_000);
afterAll(() => live.close());

describe('user grants on /organizations', () => {
  it('ROPC finds the user’s tenant; the refresh token is redeemed at /organizations too', async () => {
    const reader = live.demo.tenants.contoso!.users!.find((u) => u.username.startsWith('reader@'))!;
    const scope = `${CAS_APP_ID}/.default offline_access openid`;
    const ropc = await live.postForm('/organizations/oauth2/v2.0/token', {
      grant_type: 'password',
      client_id: AZURE_CLI,
      username: reader.username,
      password: reader.password,
      scope,
    });
    expect(ropc.status, ropc.text).toBe(200);
    const tokens = ropc.json<{ access_token: string; refresh_token: string }>();
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as { tid: string };
    expect(claims.tid).toBe(live.tenantId);
    const refreshed = await live.postForm('/organizations/oauth2/v2.0/token', {
      grant_type: 'refresh_token',
      client_id: AZURE_CLI,
      refresh_token: tokens.refresh_token,
      scope,
    });
    expect(refreshed.status, refreshed.text).toBe(200);
    // The token works on the Cloud Apps API like one issued at the tenant's own endpoint.
    const alerts = await live.get('/api/v1/alerts/?limit=1', { authorization: `Bearer ${tokens.access_token}` });
    expect(alerts.status, alerts.text).toBe(200);
  });

  it('an unknown user or a grant without a tenant is still refused on /organizations', async () => {
    const unknown = await live.postForm('/organizations/oauth2/v2.0/token', {
      grant_type: 'password',
      client_id: AZURE_CLI,
      username: 'nobody@nowhere.example',
      password: 'x',
      scope: `${CAS_APP_ID}/.default`,
    });
    expect(unknown.status).toBe(400);
    const cc = await live.postForm('/organizations/oauth2/v2.0/token', {
      grant_type: 'client_credentials',
      client_id: live.daemon.clientId,
      client_secret: live.daemon.clientSecret,
      scope: `${CAS_APP_ID}/.default`,
    });
    expect(cc.status).toBe(400);
  });
});
