import {
  CLOUD_APPS_ENDPOINTS,
  CLOUD_APPS_PERMISSION_MATRIX,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_ROLES,
  type CloudAppsEndpoint,
} from '@appwarden/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APPS_ROUTES, cloudAppsUrls } from '../../src/cloudapps/routes.js';
import { ARM_ROUTES } from '../../src/management/arm-routes.js';
import { OPERATOR_ROUTES } from '../../src/management/operator-routes.js';
import { GRAPH_ROUTES } from '../../src/management/routes.js';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

// Every route of every area declares who may call it, as data, and the area enforces it.

const GRAPH_PERMISSIONS = new Set(MICROSOFT_GRAPH_ROLES.map((r) => r.value));

/** `(method, path)` pairs served by more than one route: the table would be ambiguous. */
function duplicates(routes: readonly { methods: readonly string[]; paths: readonly string[] }[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const r of routes)
    for (const p of r.paths)
      for (const m of r.methods) {
        const key = `${m} ${p.toLowerCase()}`;
        if (seen.has(key)) dup.push(key);
        seen.add(key);
      }
  return dup;
}

describe('route tables', () => {
  it('Cloud Apps: every route names a row of the permission matrix', () => {
    for (const route of CLOUD_APPS_ROUTES) {
      expect(CLOUD_APPS_ENDPOINTS, route.paths.join()).toContain(route.endpoint);
      expect(Array.isArray(CLOUD_APPS_PERMISSION_MATRIX[route.endpoint as CloudAppsEndpoint])).toBe(true);
      expect(route.methods.length).toBeGreaterThan(0);
      expect(cloudAppsUrls(route).length).toBeGreaterThan(0);
    }
    expect(duplicates(CLOUD_APPS_ROUTES)).toEqual([]);
  });

  it('Graph: every route names one or more Microsoft Graph application permissions', () => {
    for (const route of GRAPH_ROUTES) {
      expect(route.permissions.length, route.paths.join()).toBeGreaterThan(0);
      for (const p of route.permissions) expect(GRAPH_PERMISSIONS, route.paths.join()).toContain(p);
    }
    expect(duplicates(GRAPH_ROUTES)).toEqual([]);
  });

  it('operator: every route requires the operator key', () => {
    for (const route of OPERATOR_ROUTES) expect(route.permission).toBe('operator-key');
    expect(duplicates(OPERATOR_ROUTES)).toEqual([]);
  });

  it('Resource Manager: every route requires a Service Management token, but the cloud metadata', () => {
    for (const route of ARM_ROUTES) {
      expect(route.permission, route.paths.join()).toBe(
        route.paths.includes('/metadata/endpoints') ? 'none' : 'azure-service-management-token',
      );
    }
    expect(duplicates(ARM_ROUTES)).toEqual([]);
  });
});

describe('Graph permissions are enforced before the handler', () => {
  let h: InProcessHarness;
  let token: string;
  beforeAll(async () => {
    h = await inProcess({ cloudApps: { activities: 1, alerts: 1 } });
    const app = await h.services.applications.create(h.tenantId, { displayName: 'no graph roles' });
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
    token = (res.json() as { access_token: string }).access_token;
  });
  afterAll(() => h.close());

  it('a caller without Graph roles gets 403 naming the declared permissions on every route (400 on `me`)', async () => {
    const id = '00000000-0000-0000-0000-000000000001';
    for (const route of GRAPH_ROUTES) {
      for (const path of route.paths) {
        const url = '/v1.0/' + path.replace(/=:\w+\)/g, `='${id}')`).replace(/:\w+/g, id);
        for (const method of route.methods) {
          const res = await h.app.inject({
            method,
            url,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(method === 'GET' || method === 'DELETE' ? {} : { payload: '{}' }),
          });
          const body = res.json() as { error: { code: string; message: string } };
          if (route.me) {
            // `me` names the signed-in user: an app-only token has none, whatever its roles (Graph's 400).
            expect({ method, url, status: res.statusCode, message: body.error.message }).toEqual({
              method,
              url,
              status: 400,
              message: '/me request is only valid with delegated authentication flow.',
            });
            continue;
          }
          expect({ method, url, status: res.statusCode, code: body.error.code }).toEqual({
            method,
            url,
            status: 403,
            code: 'Authorization_RequestDenied',
          });
          expect(body.error.message).toContain(`Requires one of: ${route.permissions.join(', ')}.`);
        }
      }
    }
  });
});
