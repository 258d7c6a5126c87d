import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLOUD_APPLICATION_ADMINISTRATOR,
  CLOUD_APP_SECURITY_APP_ID,
  CLOUD_APP_SECURITY_ROLES,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_ROLES,
} from '@appwarden/protocol';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import type { DemoFile } from '../../src/demo/seed-identity.js';
import type { Services } from '../../src/wiring.js';

let services: Services;
let app: FastifyInstance;
let demo: DemoFile;
let h: InProcessHarness;

beforeAll(async () => {
  h = await inProcess({ origin: 'https://localhost:1', operatorKey: null });
  ({ services, app, demo } = h);
});
afterAll(() => h?.close());

function hiddenFields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    out[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  return out;
}

async function multiTenantApp(redirectUris: string[]) {
  const contoso = demo.tenants.contoso.tenantId;
  const created = await services.applications.create(contoso, {
    displayName: 'Partner connector',
    signInAudience: 'AzureADMultipleOrgs',
    web: { redirectUris },
    requiredResourceAccess: [
      { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: [{ id: CLOUD_APP_SECURITY_ROLES[0]!.id, type: 'Role' }] },
    ],
  });
  return created;
}

describe('admin consent through the consent link', () => {
  it('signs in a Fabrikam admin, creates the service principal and assignments, and redirects with admin_consent=True', async () => {
    const client = await multiTenantApp(['https://partner.example/permissions']);
    const fabrikam = demo.tenants.fabrikam;
    const page = await app.inject({
      method: 'GET',
      url: `/common/oauth2/authorize?prompt=consent&client_id=${client.appId}&response_type=code&sso_reload=true&redirect_uri=${encodeURIComponent('https://partner.example/permissions/done')}&state=xyz`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('Investigation.read');
    expect(await services.servicePrincipals.getByAppId(fabrikam.tenantId, client.appId)).toBeUndefined();

    const fields = hiddenFields(page.body);
    const wrong = await app.inject({
      method: 'POST',
      url: '/appwarden/consent',
      payload: new URLSearchParams({ ...fields, username: fabrikam.admin.username, password: 'nope', decision: 'accept' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('incorrect');

    const ok = await app.inject({
      method: 'POST',
      url: '/appwarden/consent',
      payload: new URLSearchParams({
        ...fields,
        username: fabrikam.admin.username,
        password: fabrikam.admin.password,
        decision: 'accept',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(ok.statusCode).toBe(302);
    const location = new URL(ok.headers.location as string);
    expect(location.origin + location.pathname).toBe('https://partner.example/permissions/done');
    expect(location.searchParams.get('admin_consent')).toBe('True');
    expect(location.searchParams.get('tenant')).toBe(fabrikam.tenantId);
    expect(location.searchParams.get('state')).toBe('xyz');
    const sp = await services.servicePrincipals.getByAppId(fabrikam.tenantId, client.appId);
    expect(sp).toBeDefined();
    const assignments = await services.servicePrincipals.assignmentsOfPrincipal(fabrikam.tenantId, sp!.id);
    expect(assignments.map((a) => a.appRoleId)).toEqual([CLOUD_APP_SECURITY_ROLES[0]!.id]);
  });

  it('refuses an unregistered redirect URI and a tampered form', async () => {
    const client = await multiTenantApp(['https://partner.example/ok']);
    const bad = await app.inject({
      method: 'GET',
      url: `/common/adminconsent?client_id=${client.appId}&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('AADSTS50011');
    const page = await app.inject({
      method: 'GET',
      url: `/organizations/adminconsent?client_id=${client.appId}&redirect_uri=${encodeURIComponent('https://partner.example/ok')}`,
    });
    const fields = hiddenFields(page.body);
    const tampered = await app.inject({
      method: 'POST',
      url: '/appwarden/consent',
      payload: new URLSearchParams({ ...fields, redirect_uri: 'https://evil.example/', decision: 'accept' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(tampered.statusCode).toBe(400);
  });

  it('redirects with an error when the admin cancels', async () => {
    const client = await multiTenantApp(['https://partner.example/c']);
    const page = await app.inject({
      method: 'GET',
      url: `/${demo.tenants.fabrikam.domain}/adminconsent?client_id=${client.appId}&redirect_uri=${encodeURIComponent('https://partner.example/c')}&state=s1`,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/appwarden/consent',
      payload: new URLSearchParams({ ...hiddenFields(page.body), decision: 'cancel' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(302);
    const u = new URL(res.headers.location as string);
    expect(u.searchParams.get('error')).toBe('access_denied');
    expect(u.searchParams.get('state')).toBe('s1');
  });

  it('does not let a Contoso admin consent on behalf of Fabrikam', async () => {
    const client = await multiTenantApp([]);
    const page = await app.inject({ method: 'GET', url: `/${demo.tenants.fabrikam.tenantId}/adminconsent?client_id=${client.appId}` });
    const res = await app.inject({
      method: 'POST',
      url: '/appwarden/consent',
      payload: new URLSearchParams({
        ...hiddenFields(page.body),
        username: demo.tenants.contoso.admin.username,
        password: demo.tenants.contoso.admin.password,
        decision: 'accept',
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.statusCode).toBe(403);
    expect(await services.servicePrincipals.getByAppId(demo.tenants.fabrikam.tenantId, client.appId)).toBeUndefined();
  });

  it('a Cloud Application Administrator grants Cloud App Security app roles but not Microsoft Graph ones (AADSTS90094)', async () => {
    const fabrikam = demo.tenants.fabrikam;
    const tenant = (await services.tenants.getById(fabrikam.tenantId))!;
    const password = 'Cloud-App-Admin-1';
    const user = await services.users.create(tenant, {
      accountEnabled: true,
      displayName: 'Cloud app admin',
      mailNickname: 'cloudappadmin',
      userPrincipalName: `cloudappadmin@${tenant.domain}`,
      passwordProfile: { password, forceChangePasswordNextSignIn: false },
    });
    await services.directoryRoles.assign(tenant.id, user.id, CLOUD_APPLICATION_ADMINISTRATOR);
    const consent = async (appId: string) => {
      const page = await app.inject({ method: 'GET', url: `/${fabrikam.tenantId}/adminconsent?client_id=${appId}` });
      return app.inject({
        method: 'POST',
        url: '/appwarden/consent',
        payload: new URLSearchParams({
          ...hiddenFields(page.body),
          username: user.userPrincipalName,
          password,
          decision: 'accept',
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    };
    const graphApp = await services.applications.create(demo.tenants.contoso.tenantId, {
      displayName: 'Partner directory sync',
      signInAudience: 'AzureADMultipleOrgs',
      requiredResourceAccess: [
        { resourceAppId: MICROSOFT_GRAPH_APP_ID, resourceAccess: [{ id: MICROSOFT_GRAPH_ROLES[0]!.id, type: 'Role' }] },
      ],
    });
    const refused = await consent(graphApp.appId);
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('AADSTS90094');
    expect(await services.servicePrincipals.getByAppId(fabrikam.tenantId, graphApp.appId)).toBeUndefined();

    const casApp = await multiTenantApp([]);
    const granted = await consent(casApp.appId);
    expect(granted.statusCode).toBe(200);
    expect(granted.body).toContain('Consent granted');
    // Signing in on the consent page started a single sign-on session.
    expect(String(granted.headers['set-cookie'])).toMatch(/^aw_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(await services.servicePrincipals.getByAppId(fabrikam.tenantId, casApp.appId)).toBeDefined();
  });
});
