import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_READER } from '@appwarden/protocol';
import { inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';
import { IDENTITY } from '../identity/identity-fixture.js';

let fx: InProcessHarness;
const OP = { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': 'contoso' };

async function graph(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) {
  const res = await fx.app.inject({ method, url, headers: OP, ...(body !== undefined ? { payload: body as object } : {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph bodies are read field by field
  const json: Record<string, any> = res.body ? res.json() : {};
  return { status: res.statusCode, json };
}

const adele = {
  accountEnabled: true,
  displayName: 'Adele Vance',
  mailNickname: 'AdeleV',
  userPrincipalName: 'AdeleV@contoso.onmicrosoft.com',
  passwordProfile: { forceChangePasswordNextSignIn: false, password: 'xWwvJ]6NMw+bWH-d' },
};

beforeAll(async () => {
  fx = await inProcess(IDENTITY);
});
afterAll(async () => fx.close());

describe('/v1.0/users', () => {
  let id: string;
  it('creates a user (201, Graph shape, no password in the body)', async () => {
    const r = await graph('POST', '/v1.0/users', adele);
    expect(r.status).toBe(201);
    expect(r.json['@odata.context']).toBe('https://login.appwarden.test/v1.0/$metadata#users/$entity');
    expect(r.json.userPrincipalName).toBe('adelev@contoso.onmicrosoft.com');
    expect(r.json.displayName).toBe('Adele Vance');
    expect(JSON.stringify(r.json)).not.toContain('xWwvJ');
    id = r.json.id;
    const row = await fx.services.stores.users.getById(id);
    expect(row!.password_hash).toMatch(/^scrypt\$/);
  });

  it('refuses a duplicate UPN, a foreign domain, a weak password and a missing property', async () => {
    const dup = await graph('POST', '/v1.0/users', adele);
    expect(dup.status).toBe(400);
    expect(dup.json.error.code).toBe('Request_BadRequest');
    expect(dup.json.error.message).toBe('Another object with the same value for property userPrincipalName already exists.');
    const foreign = await graph('POST', '/v1.0/users', { ...adele, userPrincipalName: 'x@fabrikam.onmicrosoft.com' });
    expect(foreign.status).toBe(400);
    const weak = await graph('POST', '/v1.0/users', {
      ...adele,
      userPrincipalName: 'w@contoso.onmicrosoft.com',
      passwordProfile: { password: 'short' },
    });
    expect(weak.status).toBe(400);
    expect(weak.json.error.message).toContain('password complexity');
    const missing = await graph('POST', '/v1.0/users', { displayName: 'No UPN' });
    expect(missing.status).toBe(400);
    const nick = await graph('POST', '/v1.0/users', { ...adele, userPrincipalName: 'n@contoso.onmicrosoft.com', mailNickname: 'bad nick' });
    expect(nick.json.error.message).toBe("Invalid value specified for property 'mailNickname' of resource 'User'.");
  });

  it('gets by id and by UPN, filters, updates and deletes', async () => {
    expect((await graph('GET', `/v1.0/users/${id}`)).json.id).toBe(id);
    expect((await graph('GET', '/v1.0/users/AdeleV@contoso.onmicrosoft.com')).json.id).toBe(id);
    await graph('POST', '/v1.0/users', {
      ...adele,
      displayName: 'Alex Wilber',
      mailNickname: 'AlexW',
      userPrincipalName: 'AlexW@contoso.onmicrosoft.com',
    });
    const byUpn = await graph('GET', `/v1.0/users?$filter=${encodeURIComponent("userPrincipalName eq 'adelev@contoso.onmicrosoft.com'")}`);
    expect(byUpn.json.value.map((u: { id: string }) => u.id)).toEqual([id]);
    const byName = await graph('GET', `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'alex')")}`);
    expect(byName.json.value.map((u: { displayName: string }) => u.displayName)).toEqual(['Alex Wilber']);
    const eqName = await graph('GET', `/v1.0/users?$filter=${encodeURIComponent("displayName eq 'Adele Vance'")}`);
    expect(eqName.json.value).toHaveLength(1);
    const bad = await graph('GET', `/v1.0/users?$filter=${encodeURIComponent("jobTitle eq 'x'")}`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('Request_UnsupportedQuery');

    expect((await graph('PATCH', `/v1.0/users/${id}`, { jobTitle: 'Analyst', displayName: 'Adele V.' })).status).toBe(204);
    const got = await graph('GET', `/v1.0/users/${id}`);
    expect(got.json.jobTitle).toBe('Analyst');
    expect(got.json.displayName).toBe('Adele V.');
    expect((await graph('POST', `/v1.0/users/${id}/revokeSignInSessions`)).json.value).toBe(true);
    expect((await graph('DELETE', `/v1.0/users/${id}`)).status).toBe(204);
    expect((await graph('GET', `/v1.0/users/${id}`)).status).toBe(404);
  });
});

describe('directory roles', () => {
  it('lists roles with Entra template ids and assigns through roleAssignments and members/$ref', async () => {
    const u = (await graph('POST', '/v1.0/users', { ...adele, userPrincipalName: 'role@contoso.onmicrosoft.com', mailNickname: 'role' }))
      .json;
    const roles = await graph('GET', '/v1.0/directoryRoles');
    const reader = roles.json.value.find((r: { displayName: string }) => r.displayName === 'Security Reader');
    expect(reader.roleTemplateId).toBe(SECURITY_READER);
    expect(roles.json.value.map((r: { displayName: string }) => r.displayName)).toEqual(
      expect.arrayContaining([
        'Global Administrator',
        'Security Administrator',
        'Global Reader',
        'Security Operator',
        'Cloud App Security Administrator',
        'Compliance Administrator',
      ]),
    );

    const a = await graph('POST', '/v1.0/roleManagement/directory/roleAssignments', {
      '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
      roleDefinitionId: SECURITY_READER,
      principalId: u.id,
      directoryScopeId: '/',
    });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ roleDefinitionId: SECURITY_READER, principalId: u.id, directoryScopeId: '/' });
    const dup = await graph('POST', `/v1.0/directoryRoles/roleTemplateId=${SECURITY_READER}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${u.id}`,
    });
    expect(dup.status).toBe(400);
    const ga = roles.json.value.find((r: { displayName: string }) => r.displayName === 'Global Administrator');
    const add = await graph('POST', `/v1.0/directoryRoles/${ga.id}/members/$ref`, {
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${u.id}`,
    });
    expect(add.status).toBe(204);
    const members = await graph('GET', `/v1.0/directoryRoles/${ga.id}/members`);
    expect(members.json.value.map((m: { id: string }) => m.id)).toEqual([u.id]);
    const mine = await graph(
      'GET',
      `/v1.0/roleManagement/directory/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${u.id}'`)}`,
    );
    expect(mine.json.value).toHaveLength(2);
    expect((await graph('DELETE', `/v1.0/roleManagement/directory/roleAssignments/${a.json.id}`)).status).toBe(204);
    expect(await fx.services.directoryRoles.roleTemplateIdsOf(fx.tenant.id, u.id)).toEqual([ga.roleTemplateId]);
  });

  it('needs RoleManagement permission: an app token without it gets 403', async () => {
    const r = await fx.app.inject({ method: 'GET', url: '/v1.0/users', headers: { authorization: 'Bearer nope' } });
    expect(r.statusCode).toBe(401);
  });
});
