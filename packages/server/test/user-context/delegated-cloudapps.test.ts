import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AZURE_CLI_APP_ID, CLOUD_APP_SECURITY_APP_ID, SECURITY_READER } from '@appwarden/protocol';
import { bearer, inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { alerts: 10, activities: 10 } });
});
afterAll(async () => h.close());

/** A user token by ROPC through the pre-consented first-party public client. */
async function userToken(alias: string, scope: string): Promise<string> {
  const u = h.demo.tenants.contoso.users!.find((x) => x.username.startsWith(`${alias}@`))!;
  const res = await h.app.inject({
    method: 'POST',
    url: `/${h.tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'password',
      client_id: AZURE_CLI_APP_ID,
      username: u.username,
      password: u.password,
      scope,
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { access_token: string }).access_token;
}

async function call(token: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: object) {
  return h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });
}

const MANAGE = `${CLOUD_APP_SECURITY_APP_ID}/Investigation.manage`;

describe('Cloud Apps API with user context: scope AND directory role', () => {
  it('a Security Reader lists alerts but gets 403 closing one; a Security Administrator closes it and is recorded', async () => {
    const reader = await userToken('reader', MANAGE);
    const list = await call(reader, 'GET', '/api/v1/alerts/?limit=5');
    expect(list.statusCode).toBe(200);
    const id = (list.json() as { data: { _id: string }[] }).data[0]!._id;
    const denied = await call(reader, 'POST', '/api/v1/alerts/close_benign/', { filters: { id: { eq: [id] } }, reasonId: 2 });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toEqual({ detail: expect.stringContaining('role') });

    const admin = await userToken('secadmin', MANAGE);
    const closed = await call(admin, 'POST', '/api/v1/alerts/close_benign/', {
      filters: { id: { eq: [id] } },
      reasonId: 2,
      comment: 'checked',
    });
    expect(closed.statusCode).toBe(200);
    const alert = (await call(admin, 'GET', `/api/v1/alerts/${id}/`)).json() as Record<string, unknown>;
    expect(alert.handledByUser).toBe(h.demo.tenants.contoso.users!.find((x) => x.username.startsWith('secadmin@'))!.username);
  });

  it('a token without the delegated scope gets 403 whatever the role', async () => {
    const admin = await userToken('secadmin', `${CLOUD_APP_SECURITY_APP_ID}/Investigation.read`);
    const id = ((await call(admin, 'GET', '/api/v1/alerts/?limit=1')).json() as { data: { _id: string }[] }).data[0]!._id;
    const denied = await call(admin, 'POST', '/api/v1/alerts/close_false_positive/', { filters: { id: { eq: [id] } }, reasonId: 1 });
    expect(denied.statusCode).toBe(403);
    expect((denied.json() as { detail: string }).detail).toContain('Investigation.manage');
  });

  it('a Security Operator manages alerts but not IP ranges; the token carries scp, wids and idtyp', async () => {
    const analyst = await userToken('analyst', `${CLOUD_APP_SECURITY_APP_ID}/.default`);
    const claims = JSON.parse(Buffer.from(analyst.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(String(claims.scp).split(' ')).toEqual(
      expect.arrayContaining(['Investigation.read', 'Investigation.manage', 'Settings.manage']),
    );
    expect(claims).toMatchObject({ idtyp: 'user', wids: ['5f2222b1-57c3-48ba-8ad5-d4759f1fde6f'] });
    expect((await call(analyst, 'GET', '/api/v1/subnet/')).statusCode).toBe(403);
  });

  it('the management API takes delegated Graph tokens under the same rule', async () => {
    const reader = await userToken('reader', 'https://graph.microsoft.com/User.ReadWrite.All');
    const me = await call(reader, 'GET', '/v1.0/me');
    expect(me.statusCode).toBe(200);
    expect((me.json() as { userPrincipalName: string }).userPrincipalName).toMatch(/^reader@/);
    const create = await call(reader, 'POST', '/v1.0/users', { accountEnabled: true });
    expect(create.statusCode).toBe(403);
    const admin = await h.app.inject({
      method: 'POST',
      url: `/${h.tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        client_id: AZURE_CLI_APP_ID,
        username: h.demo.tenants.contoso.admin.username,
        password: h.demo.tenants.contoso.admin.password,
        scope: 'https://graph.microsoft.com/User.ReadWrite.All',
      }).toString(),
    });
    const list = await call((admin.json() as { access_token: string }).access_token, 'GET', '/v1.0/users');
    expect(list.statusCode).toBe(200);
  });
});

describe('management API: the signed-in user and me', () => {
  const operator = { ...bearer(OPERATOR_KEY), 'x-appwarden-tenant': 'contoso.onmicrosoft.com' };
  const asOperator = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    h.app.inject({ method, url, headers: operator, ...(payload ? { payload } : {}) });

  it('a user reads and revokes themself without a Graph permission, but not others, and changes nothing', async () => {
    const reader = await userToken('reader', 'https://graph.microsoft.com/User.ReadWrite.All');
    const me = (await call(reader, 'GET', '/v1.0/me')).json() as { id: string; userPrincipalName: string };
    expect((await call(reader, 'GET', `/v1.0/users/${me.id}`)).statusCode).toBe(200);
    expect((await call(reader, 'GET', `/v1.0/users/${me.userPrincipalName.toUpperCase()}`)).statusCode).toBe(200);
    const roles = await call(reader, 'GET', '/v1.0/me/microsoft.graph.memberOf');
    expect(roles.statusCode).toBe(200);
    expect((roles.json() as { value: { roleTemplateId: string }[] }).value.map((r) => r.roleTemplateId)).toEqual([SECURITY_READER]);
    const admin = h.demo.tenants.contoso.admin.username;
    const other = await call(reader, 'GET', `/v1.0/users/${admin}`);
    expect(other.statusCode).toBe(403);
    expect((other.json() as { error: { message: string } }).error.message).toContain('Requires one of: User.Read.All');
    expect((await call(reader, 'PATCH', '/v1.0/me', { jobTitle: 'x' })).statusCode).toBe(403);
    expect((await call(reader, 'POST', '/v1.0/me/revokeSignInSessions')).statusCode).toBe(200);
  });

  it('me needs a user token; paths that stop short or run long are 400; members leave by /$ref', async () => {
    const me = await asOperator('GET', '/v1.0/me');
    expect(me.statusCode).toBe(400);
    expect((me.json() as { error: { message: string } }).error.message).toBe(
      '/me request is only valid with delegated authentication flow.',
    );
    for (const url of ['/v1.0/roleManagement/directory', '/v1.0/users/x/memberOf/y']) {
      const res = await asOperator('GET', url);
      expect([url, res.statusCode, (res.json() as { error: { message: string } }).error.message]).toEqual([
        url,
        400,
        'Invalid request path.',
      ]);
    }
    const user = (await asOperator('GET', `/v1.0/users/${h.demo.tenants.contoso.admin.username}`)).json() as { id: string };
    const ref = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` };
    const role = `/v1.0/directoryRoles/roleTemplateId=${SECURITY_READER}`;
    expect((await asOperator('POST', `${role}/members/$ref`, ref)).statusCode).toBe(204);
    expect((await asOperator('DELETE', `${role}/members/$ref`)).statusCode).toBe(405);
    expect((await asOperator('DELETE', `${role}/members/${user.id}/$ref`)).statusCode).toBe(204);
    expect((await asOperator('DELETE', `${role}/members/${user.id}`)).statusCode).toBe(404);
  });
});

describe('Graph security alerts (alerts_v2) with user context: delegated SecurityAlert scopes AND directory role', () => {
  const WRITE = 'https://graph.microsoft.com/SecurityAlert.ReadWrite.All';
  const BOTH = `https://graph.microsoft.com/SecurityAlert.Read.All ${WRITE}`;

  it('a Security Reader reads alerts_v2 but cannot update; a Security Operator updates and is recorded', async () => {
    // Both scopes consented: the role decides (a Security Reader only reads).
    const reader = await userToken('reader', BOTH);
    const list = await call(reader, 'GET', '/v1.0/security/alerts_v2?$top=3');
    expect(list.statusCode, list.body).toBe(200);
    const id = (list.json() as { value: { id: string; providerAlertId: string }[] }).value[0]!;
    const denied = await call(reader, 'PATCH', `/v1.0/security/alerts_v2/${id.id}`, { status: 'inProgress' });
    expect(denied.statusCode).toBe(403);
    expect((denied.json() as { error: { code: string } }).error.code).toBe('Authorization_RequestDenied');

    const analyst = await userToken('analyst', WRITE);
    const upn = h.demo.tenants.contoso.users!.find((x) => x.username.startsWith('analyst@'))!.username;
    const patched = await call(analyst, 'PATCH', `/v1.0/security/alerts_v2/${id.id}`, {
      status: 'resolved',
      classification: 'informationalExpectedActivity',
      determination: 'confirmedUserActivity',
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const cas = (await call(await h.tokenFor(), 'GET', `/api/v1/alerts/${id.providerAlertId}/`)).json() as Record<string, unknown>;
    expect(cas).toMatchObject({ resolutionStatusValue: 4, handledByUser: upn });
    const comments = await call(analyst, 'POST', `/v1.0/security/alerts_v2/${id.id}/comments`, { comment: 'user confirmed' });
    expect((comments.json() as { value: { createdByDisplayName: string }[] }).value.at(-1)!.createdByDisplayName).toBe(upn);
  });

  it('a user token without a SecurityAlert scope gets 403 whatever the role', async () => {
    const admin = await userToken('secadmin', 'https://graph.microsoft.com/User.Read');
    const res = await call(admin, 'GET', '/v1.0/security/alerts_v2');
    expect(res.statusCode).toBe(403);
  });
});
