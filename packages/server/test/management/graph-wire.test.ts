import { MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_ROLES } from '@appwarden/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

// The management API's wire behaviour, request by request: status, the headers clients read and
// the body (ids, times, secrets and request ids replaced by stable placeholders). The snapshot
// was recorded before the routes moved onto the declarative route table; a change in it is a
// change of the wire format and needs a reason. The one change the move made: a request on an
// entity that does not exist is now checked for its method (405), path (400) and permission
// (403) before the lookup (404), as Graph does - a caller without permission can no longer probe
// which object ids exist.

let h: InProcessHarness;
let reader: string;
let assigner: string;
let none: string;

async function graphToken(roles: string[], name: string): Promise<string> {
  const ids = MICROSOFT_GRAPH_ROLES.filter((r) => roles.includes(r.value)).map((r) => r.id);
  const app = await h.services.applications.create(h.tenantId, {
    displayName: name,
    requiredResourceAccess: ids.length
      ? [{ resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: ids.map((id) => ({ id, type: 'Role' })) }]
      : [],
  });
  const secret = await h.services.applications.addPassword(app, { displayName: 't' });
  await h.services.servicePrincipals.grantAdminConsent(h.tenantId, app.appId);
  const res = await h.app.inject({
    method: 'POST',
    url: `/${h.tenantId}/oauth2/v2.0/token`,
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: secret.secretText,
      scope: `${MICROSOFT_GRAPH_APP_ID}/.default`,
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  return (res.json() as { access_token: string }).access_token;
}

beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 1, alerts: 1 } });
  reader = await graphToken(['Application.Read.All'], 'reader');
  assigner = await graphToken(['AppRoleAssignment.ReadWrite.All'], 'assigner');
  none = await graphToken([], 'no roles');
});
afterAll(() => h.close());

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** Lists of several items come back in id order, and ids are random: keep their count only. */
function listSummary(body: string): string {
  if (!body.startsWith('{')) return body;
  const json = JSON.parse(body) as { value?: unknown[] };
  if (!Array.isArray(json.value) || json.value.length < 2) return body;
  return JSON.stringify({ ...json, value: `${json.value.length} items` });
}

/** Replaces values that change between runs, keeping equal values equal. */
function stable(text: string, names: Map<string, string>): string {
  const name = (v: string, kind: string) => {
    const key = `${kind}:${v.toLowerCase()}`;
    if (!names.has(key)) names.set(key, `<${kind}${names.size}>`);
    return names.get(key)!;
  };
  return text
    .replace(/"secretText":"[^"]*"/g, '"secretText":"<secret>"')
    .replace(/"hint":"[^"]*"/g, '"hint":"<hint>"')
    .replace(/"request-id":"[^"]*"/g, '"request-id":"<rid>"')
    .replace(/"client-request-id":"[^"]*"/g, '"client-request-id":"<rid>"')
    .replace(/"requestId":"[^"]*"/g, '"requestId":"<rid>"')
    .replace(/"(kid|newKid)":"([\w-]+)"/g, (_m, k: string, v: string) => `"${k}":"${name(v, 'kid')}"`)
    .replace(/(?<![\w-])[\w-]{43}(?![\w-])/g, (v) => name(v, 'assignment'))
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>')
    .replace(/awop_[\w-]+/g, '<operator-key>')
    .replace(GUID, (g) => name(g, 'id'));
}

type Auth = 'operator' | 'none-header' | 'reader' | 'assigner' | 'no-roles' | 'bad' | 'operator-no-tenant' | 'operator-unknown-tenant';

function headersOf(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'operator':
      return { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': h.tenantId };
    case 'operator-no-tenant':
      return { authorization: `Bearer ${OPERATOR_KEY}` };
    case 'operator-unknown-tenant':
      return { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': 'nowhere.example' };
    case 'reader':
      return { authorization: `Bearer ${reader}` };
    case 'assigner':
      return { authorization: `Bearer ${assigner}` };
    case 'no-roles':
      return { authorization: `Bearer ${none}` };
    case 'bad':
      return { authorization: 'Bearer not.a.token' };
    case 'none-header':
      return {};
  }
}

describe('management API wire behaviour', () => {
  it('answers every path, method and caller as recorded', async () => {
    const names = new Map<string, string>();
    const lines: string[] = [];
    const call = async (method: string, url: string, auth: Auth = 'operator', body?: unknown) => {
      const res = await h.app.inject({
        method: method as 'GET',
        url,
        headers: { ...headersOf(auth), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const shown = ['location', 'www-authenticate', 'content-type']
        .filter((k) => res.headers[k] !== undefined)
        .map((k) => `${k}: ${String(res.headers[k])}`);
      lines.push(stable(`${method} ${url} [${auth}] -> ${res.statusCode} ${shown.join('; ')}\n  ${listSummary(res.body)}`, names));
      return res;
    };

    // Authentication.
    await call('GET', '/v1.0/applications', 'none-header');
    await call('GET', '/v1.0/applications', 'bad');
    await call('GET', '/v1.0/applications', 'operator-no-tenant');
    await call('GET', '/v1.0/applications', 'operator-unknown-tenant');
    await call('GET', '/v1.0/nowhere', 'none-header');
    // Resource segments.
    await call('GET', '/v1.0/');
    await call('GET', '/v1.0/nowhere');
    await call('GET', '/v1.0/organization');
    await call('GET', '/v1.0/Organization');
    await call('POST', '/v1.0/organization', 'operator', {});
    await call('GET', '/v1.0/organization', 'reader');
    await call('GET', '/v1.0/organization', 'no-roles');

    // Applications.
    await call('GET', '/v1.0/applications?$top=2');
    await call('GET', '/v1.0/applications?$top=0');
    await call('GET', '/v1.0/applications?$top=1&$skiptoken=x');
    await call('GET', "/v1.0/applications?$filter=displayName eq 'reader'");
    await call('GET', "/v1.0/applications?$filter=startswith(displayName,'no ')");
    await call('GET', "/v1.0/applications?$filter=owner eq 'x'");
    await call('GET', '/v1.0/applications', 'reader');
    await call('GET', '/v1.0/applications', 'no-roles');
    await call('PUT', '/v1.0/applications', 'operator', {});
    await call('POST', '/v1.0/applications', 'reader', { displayName: 'denied' });
    const created = await call('POST', '/v1.0/applications', 'operator', { displayName: 'Wire app' });
    const app = created.json() as { id: string; appId: string };
    await call('GET', `/v1.0/applications/${app.id}`);
    await call('GET', `/v1.0/APPLICATIONS/${app.id}/`);
    await call('GET', `/v1.0/applications(appId='${app.appId}')`);
    await call('GET', `/v1.0/applications(appId=%27${app.appId.toUpperCase()}%27)`);
    await call('GET', `/v1.0/applications(appId="${app.appId}")`);
    await call('GET', `/v1.0/applications( appId = '${app.appId}' )`);
    await call('GET', `/v1.0/applications(appId='00000000-0000-0000-0000-00000000dead')`);
    await call('GET', '/v1.0/applications/00000000-0000-0000-0000-00000000dead');
    await call('GET', '/v1.0/applications/00000000-0000-0000-0000-00000000dead', 'no-roles');
    await call('DELETE', '/v1.0/applications/00000000-0000-0000-0000-00000000dead', 'reader');
    await call('PUT', '/v1.0/applications/00000000-0000-0000-0000-00000000dead', 'operator', {});
    await call('PUT', `/v1.0/applications/${app.id}`, 'operator', {});
    await call('GET', `/v1.0/applications/${app.id}`, 'reader');
    await call('PATCH', `/v1.0/applications/${app.id}`, 'reader', { displayName: 'x' });
    await call('PATCH', `/v1.0/applications/${app.id}`, 'operator', { displayName: 'Wire app 2' });
    await call('PATCH', `/v1.0/applications/${app.id}`, 'operator', { passwordCredentials: [] });
    const pw = await call('POST', `/v1.0/applications/${app.id}/addPassword`, 'operator', { passwordCredential: { displayName: 'p1' } });
    await call('POST', `/v1.0/applications(appId='${app.appId}')/microsoft.graph.addPassword`, 'operator', {});
    await call('POST', `/v1.0/applications/${app.id}/ADDPASSWORD`, 'reader', {});
    await call('GET', `/v1.0/applications/${app.id}/addPassword`);
    await call('POST', `/v1.0/applications/${app.id}/removePassword`, 'operator', { keyId: (pw.json() as { keyId: string }).keyId });
    await call('POST', `/v1.0/applications/${app.id}/removePassword`, 'operator', { keyId: 'nope' });
    await call('GET', `/v1.0/applications/${app.id}/owners`);
    await call('GET', `/v1.0/applications/${app.id}/owners/x`);
    await call('GET', `/v1.0/applications(appId='${app.appId}')/owners`);
    await call('GET', `/v1.0/applications(appId='${app.appId}')/addPassword/x`);
    await call('GET', '/v1.0/applications/00000000-0000-0000-0000-00000000dead/owners');

    // Service principals and app role assignments.
    await call('GET', '/v1.0/servicePrincipals?$top=3');
    await call('GET', `/v1.0/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`);
    await call('GET', "/v1.0/servicePrincipals?$filter=startswith(displayName,'x')");
    await call('DELETE', '/v1.0/servicePrincipals', 'operator');
    await call('POST', '/v1.0/servicePrincipals', 'reader', { appId: app.appId });
    const spRes = await call('POST', '/v1.0/servicePrincipals', 'operator', { appId: app.appId });
    const sp = spRes.json() as { id: string };
    await call('POST', '/v1.0/servicePrincipals', 'operator', { appId: app.appId });
    await call('GET', `/v1.0/servicePrincipals/${sp.id}`, 'reader');
    await call('GET', `/v1.0/serviceprincipals(appId='${app.appId}')`);
    await call('GET', `/v1.0/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')`, 'assigner');
    await call('PATCH', `/v1.0/servicePrincipals/${sp.id}`, 'operator', { appRoleAssignmentRequired: true });
    await call('PUT', `/v1.0/servicePrincipals/${sp.id}`, 'operator', {});
    await call('GET', '/v1.0/servicePrincipals/00000000-0000-0000-0000-00000000dead');
    await call('GET', `/v1.0/servicePrincipals/${sp.id}/owners`);
    await call('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignedTo/x/y`);
    const graph = (
      await h.app.inject({
        method: 'GET',
        url: `/v1.0/servicePrincipals(appId='${MICROSOFT_GRAPH_APP_ID}')`,
        headers: headersOf('operator'),
      })
    ).json() as { id: string; appRoles: { id: string; value: string }[] };
    const readAll = graph.appRoles.find((r) => r.value === 'Application.Read.All')!.id;
    await call('GET', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo?$top=2`, 'assigner');
    await call('GET', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo`, 'no-roles');
    await call('POST', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo`, 'reader', {});
    await call('POST', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo`, 'assigner', {
      principalId: sp.id,
      resourceId: sp.id,
      appRoleId: readAll,
    });
    const assigned = await call('POST', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo`, 'assigner', {
      principalId: sp.id,
      appRoleId: readAll,
    });
    const assignment = assigned.json() as { id: string };
    await call('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`, 'reader');
    await call('GET', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${assignment.id}`, 'reader');
    await call('GET', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignedTo/${assignment.id}`, 'operator');
    await call('GET', `/v1.0/servicePrincipals/${graph.id}/appRoleAssignments/${assignment.id}`, 'operator');
    await call('PATCH', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${assignment.id}`, 'operator', {});
    await call('PUT', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`, 'operator', {});
    await call('POST', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments`, 'operator', {
      principalId: graph.id,
      resourceId: graph.id,
      appRoleId: readAll,
    });
    await call('DELETE', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${assignment.id}`, 'reader');
    await call('DELETE', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${assignment.id}`, 'assigner');
    await call('DELETE', `/v1.0/servicePrincipals/${sp.id}/appRoleAssignments/${assignment.id}`, 'assigner');

    // Admin consent (Appwarden extension).
    await call('GET', '/v1.0/appwarden.adminConsent');
    await call('POST', '/v1.0/appwarden.adminConsent', 'reader', { clientId: app.appId });
    await call('POST', '/v1.0/appwarden.adminConsent', 'operator', {});
    await call('POST', '/v1.0/appwarden.adminConsent', 'operator', { clientId: app.appId });

    // Deletion.
    await call('DELETE', `/v1.0/servicePrincipals/${sp.id}`, 'reader');
    await call('DELETE', `/v1.0/servicePrincipals/${sp.id}`, 'operator');
    await call('DELETE', `/v1.0/applications(appId='${app.appId}')`, 'operator');
    await call('GET', `/v1.0/applications/${app.id}`);

    expect(lines.join('\n')).toMatchSnapshot();
  });

  it('operator endpoints answer as recorded', async () => {
    const names = new Map<string, string>();
    const lines: string[] = [];
    const call = async (method: string, url: string, key: string | undefined, body?: unknown, label = key ? 'key' : 'none') => {
      const res = await h.app.inject({
        method: method as 'GET',
        url,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      });
      const shown = ['www-authenticate', 'content-type']
        .filter((k) => res.headers[k] !== undefined)
        .map((k) => `${k}: ${String(res.headers[k])}`);
      lines.push(stable(`${method} ${url} [${label}] -> ${res.statusCode} ${shown.join('; ')}\n  ${res.body}`, names));
      return res;
    };
    await call('GET', '/admin/tenants', undefined);
    await call('GET', '/admin/tenants', 'awop_wrong', undefined, 'wrong key');
    await call('GET', '/admin/tenants', reader, undefined, 'graph token');
    await call('POST', '/admin/tenants', OPERATOR_KEY, {});
    await call('POST', '/admin/tenants', OPERATOR_KEY, { name: 'wiretest', displayName: 'Wire test' });
    await call('POST', '/admin/tenants', OPERATOR_KEY, { name: 'wiretest' });
    await call('GET', '/admin/tenants', OPERATOR_KEY);
    await call('POST', '/admin/tenants/nowhere/keys/rotate', OPERATOR_KEY, {});
    await call('POST', '/admin/tenants/wiretest/keys/rotate', undefined, {});
    await call('POST', '/admin/tenants/wiretest/keys/rotate', OPERATOR_KEY, { immediate: true });
    expect(lines.join('\n')).toMatchSnapshot();
  });
});
