import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID, MICROSOFT_GRAPH_APP_ID, SECURITY_READER } from '@appwarden/protocol';
import { inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';
import { IDENTITY } from '../identity/identity-fixture.js';

/**
 * `$filter` on the collections the store filters itself (users, oauth2PermissionGrants,
 * roleManagement/directory/roleAssignments): read by the shared OData parser, each with its own
 * subset. Pins what is accepted, what it selects, and the Graph 400 for what is not.
 */
let fx: InProcessHarness;
const OP = { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': 'contoso' };

async function graph(method: 'GET' | 'POST', url: string, body?: unknown) {
  const res = await fx.app.inject({ method, url, headers: OP, ...(body !== undefined ? { payload: body as object } : {}) });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Graph bodies are read field by field
  const json: Record<string, any> = res.body ? res.json() : {};
  return { status: res.statusCode, json };
}
const list = (path: string, filter: string) => graph('GET', `/v1.0/${path}?$filter=${encodeURIComponent(filter)}`);
const refusal = (clause: string) => ({
  error: expect.objectContaining({
    code: 'Request_UnsupportedQuery',
    message: `Unsupported or invalid query filter clause specified for property: '${clause}'.`,
  }),
});
async function expectRefused(path: string, filter: string, clause: string) {
  const r = await list(path, filter);
  expect(r.status, filter).toBe(400);
  expect(r.json, filter).toMatchObject(refusal(clause));
}

const password = { forceChangePasswordNextSignIn: false, password: 'xWwvJ]6NMw+bWH-d' };
const user = (displayName: string, nick: string) => ({
  accountEnabled: true,
  displayName,
  mailNickname: nick,
  userPrincipalName: `${nick}@contoso.onmicrosoft.com`,
  passwordProfile: password,
});
const ids: Record<string, string> = {};

beforeAll(async () => {
  fx = await inProcess(IDENTITY);
  for (const [name, nick] of [
    ['Adele Vance', 'AdeleV'],
    ['Alex Wilber', 'AlexW'],
    ["Conor O'Brien", 'ConorO'],
    ['Ada and Bea', 'AdaB'],
  ]) {
    const r = await graph('POST', '/v1.0/users', user(name!, nick!));
    expect(r.status).toBe(201);
    ids[nick!] = r.json.id;
  }
});
afterAll(async () => fx.close());

describe('$filter on /v1.0/users', () => {
  const names = async (filter: string) => {
    const r = await list('users', filter);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json.value.map((u: { displayName: string }) => u.displayName).sort();
  };

  it('takes eq and startswith on userPrincipalName and displayName, joined with and, case-insensitively', async () => {
    expect(await names("displayName eq 'Adele Vance'")).toEqual(['Adele Vance']);
    expect(await names("DisplayName EQ 'Adele Vance'")).toEqual(['Adele Vance']);
    expect(await names("userPrincipalName eq 'alexw@contoso.onmicrosoft.com'")).toEqual(['Alex Wilber']);
    expect(await names("startswith(displayName,'Ad')")).toEqual(['Ada and Bea', 'Adele Vance']);
    expect(await names("StartsWith( userPrincipalName , 'al' )")).toEqual(['Alex Wilber']);
    expect(await names("startswith(displayName,'A') and startswith(userPrincipalName,'adele')")).toEqual(['Adele Vance']);
    expect(await names("startswith(displayName,'A') AND userPrincipalName eq 'nobody@contoso.onmicrosoft.com'")).toEqual([]);
    expect(await names('   ')).toHaveLength(4);
  });

  it("reads quotes ('' escapes one) and the word and inside a string", async () => {
    expect(await names("displayName eq 'Conor O''Brien'")).toEqual(["Conor O'Brien"]);
    expect(await names("startswith(displayName, 'Conor O''')")).toEqual(["Conor O'Brien"]);
    // The hand-written parser this replaced split on ` and ` inside the string and refused this.
    expect(await names("displayName eq 'Ada and Bea'")).toEqual(['Ada and Bea']);
  });

  it('refuses other properties, operators, functions, value forms and syntax with Graph’s 400 naming the clause', async () => {
    await expectRefused('users', "jobTitle eq 'x'", "jobTitle eq 'x'");
    await expectRefused('users', "displayName eq 'A' and mail eq 'x'", "mail eq 'x'");
    await expectRefused('users', "displayName ne 'A'", "displayName ne 'A'");
    await expectRefused('users', "displayName in ('A', 'B')", "displayName in ('A', 'B')");
    await expectRefused('users', "endswith(displayName,'e')", "endswith(displayName,'e')");
    await expectRefused('users', 'displayName eq null', 'displayName eq null');
    await expectRefused('users', "(displayName eq 'A')", "(displayName eq 'A')");
    await expectRefused('users', "not displayName eq 'A'", "not displayName eq 'A'");
    await expectRefused('users', "displayName eq 'A' or displayName eq 'B'", "displayName eq 'A' or displayName eq 'B'");
    // Unreadable: the whole filter is named.
    await expectRefused('users', "displayName eq 'A", "displayName eq 'A");
    await expectRefused('users', "displayName eq 'A' and", "displayName eq 'A' and");
    await expectRefused('users', 'displayName eq ;', 'displayName eq ;');
  });

  it('does not echo a long filter back whole', async () => {
    const r = await list('users', `jobTitle eq '${'x'.repeat(5000)}'`);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('Request_UnsupportedQuery');
    expect(r.json.error.message.length).toBeLessThan(400);
  });
});

describe('$filter on /v1.0/oauth2PermissionGrants', () => {
  let cas: string;
  let msGraph: string;
  beforeAll(async () => {
    cas = (await graph('GET', `/v1.0/servicePrincipals(appId='${CLOUD_APP_SECURITY_APP_ID}')`)).json.id;
    msGraph = (await graph('GET', `/v1.0/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')`)).json.id;
    const a = await graph('POST', '/v1.0/oauth2PermissionGrants', {
      clientId: cas,
      consentType: 'AllPrincipals',
      resourceId: msGraph,
      scope: 'User.Read',
    });
    expect(a.status, JSON.stringify(a.json)).toBe(201);
    const b = await graph('POST', '/v1.0/oauth2PermissionGrants', {
      clientId: msGraph,
      consentType: 'Principal',
      principalId: ids.AdeleV,
      resourceId: cas,
      scope: 'Investigation.read',
    });
    expect(b.status, JSON.stringify(b.json)).toBe(201);
  });
  const scopes = async (filter: string) => {
    const r = await list('oauth2PermissionGrants', filter);
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    return r.json.value.map((g: { scope: string }) => g.scope).sort();
  };

  it('takes eq on clientId, resourceId (any case) and consentType, joined with and', async () => {
    expect(await scopes(`clientId eq '${cas.toUpperCase()}'`)).toEqual(['User.Read']);
    const onCas = await list('oauth2PermissionGrants', `resourceId eq '${cas.toUpperCase()}'`);
    expect(onCas.json.value.length).toBeGreaterThan(1); // the fixture's own consents and ours
    expect(onCas.json.value.every((g: { resourceId: string }) => g.resourceId === cas)).toBe(true);
    expect(onCas.json.value.map((g: { scope: string }) => g.scope)).toContain('Investigation.read');
    expect(await scopes("consentType eq 'Principal'")).toEqual(['Investigation.read']);
    expect(await scopes(`ClientId Eq '${msGraph}' and consentType eq 'AllPrincipals'`)).toEqual([]);
    expect(await scopes(`clientId eq '${msGraph}' and resourceId eq '${cas}' and consentType eq 'Principal'`)).toEqual([
      'Investigation.read',
    ]);
  });

  it('refuses the rest with Graph’s 400 naming the clause', async () => {
    await expectRefused('oauth2PermissionGrants', "scope eq 'User.Read'", "scope eq 'User.Read'");
    await expectRefused('oauth2PermissionGrants', `clientId eq ${cas}`, `clientId eq ${cas}`);
    await expectRefused('oauth2PermissionGrants', "startswith(consentType,'A')", "startswith(consentType,'A')");
    await expectRefused('oauth2PermissionGrants', "consentType eq 'Principal' and  clientId ne 'x' ", "clientId ne 'x'");
    await expectRefused('oauth2PermissionGrants', "consentType eq 'Principal' or", "consentType eq 'Principal' or");
  });
});

describe('$filter on /v1.0/roleManagement/directory/roleAssignments', () => {
  const path = 'roleManagement/directory/roleAssignments';
  beforeAll(async () => {
    const a = await graph('POST', `/v1.0/${path}`, { roleDefinitionId: SECURITY_READER, principalId: ids.AlexW, directoryScopeId: '/' });
    expect(a.status).toBe(201);
  });

  it('takes one eq clause on principalId or roleDefinitionId (ids in any case)', async () => {
    const byPrincipal = await list(path, `principalId eq '${ids.AlexW!.toUpperCase()}'`);
    expect(byPrincipal.status).toBe(200);
    expect(byPrincipal.json.value).toEqual([expect.objectContaining({ principalId: ids.AlexW, roleDefinitionId: SECURITY_READER })]);
    const byRole = await list(path, ` RoleDefinitionId eq '${SECURITY_READER}' `);
    expect(byRole.json.value.map((a: { principalId: string }) => a.principalId)).toContain(ids.AlexW);
    expect((await list(path, `principalId eq '${ids.ConorO}'`)).json.value).toEqual([]);
  });

  it('refuses two clauses, other properties and other forms with Graph’s 400', async () => {
    const two = `principalId eq '${ids.AlexW}' and roleDefinitionId eq '${SECURITY_READER}'`;
    await expectRefused(path, two, two);
    await expectRefused(path, "directoryScopeId eq '/'", "directoryScopeId eq '/'");
    await expectRefused(path, `principalId in ('${ids.AlexW}')`, `principalId in ('${ids.AlexW}')`);
    await expectRefused(path, 'principalId eq', 'principalId eq');
  });
});
