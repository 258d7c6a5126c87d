import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES, type CloudAppsPermission } from '@appwarden/protocol';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { loadDemoData, type LoadedCounts } from '../../src/demo/load-cloudapps-data.js';
import { seedDemoIdentity, type DemoFile } from '../../src/demo/seed-identity.js';
import { FrozenClock } from '../../src/clock.js';
import { createServices, type Services } from '../../src/wiring.js';
import { testDatabaseUrl } from '../../../../test/support/test-database.js';

export const OPERATOR_KEY = 'awop_test-operator-key-0123456789';
/** Fixed test time: 2025-03-01T12:00:00Z. */
export const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);

export interface Harness {
  app: FastifyInstance;
  services: Services;
  clock: FrozenClock;
  demo: DemoFile;
  tenantId: string;
  counts: LoadedCounts;
  dataDir: string;
  /** A bearer token of the demo daemon (all six Cloud App Security roles). */
  token(): Promise<string>;
  /** A bearer token of an app granted exactly these permissions. */
  tokenWith(permissions: CloudAppsPermission[]): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(opts: { rateLimitPerMinute?: number; activities?: number; alerts?: number } = {}): Promise<Harness> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-ca-'));
  const clock = new FrozenClock(T0);
  const config = loadConfig(
    { dataDir, rateLimitPerMinute: opts.rateLimitPerMinute ?? 0, logLevel: 'silent', databaseUrl: testDatabaseUrl() },
    {},
  );
  const services = await createServices(config, { clock, env: {}, origin: 'https://localhost:8443' });
  const demo = await seedDemoIdentity(services, dataDir);
  const tenantId = demo.tenants.contoso.tenantId;
  const counts = await loadDemoData(services.stores, tenantId, {
    activities: opts.activities ?? 600,
    alerts: opts.alerts ?? 40,
    seed: 7,
    endTime: T0 - 3_600_000,
    domain: demo.tenants.contoso.domain,
  });
  const app = await buildApp({ services, operatorKey: OPERATOR_KEY, logger: false });
  const tokens = new Map<string, string>();
  const getToken = async (clientId: string, clientSecret: string) => {
    const res = await app.inject({
      method: 'POST',
      url: `/${tenantId}/oauth2/v2.0/token`,
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    if (res.statusCode !== 200) throw new Error(`token request failed: ${res.body}`);
    return (res.json() as { access_token: string }).access_token;
  };
  return {
    app,
    services,
    clock,
    demo,
    tenantId,
    counts,
    dataDir,
    token: async () => {
      const d = demo.tenants.contoso.daemon!;
      return (tokens.get('*') ?? tokens.set('*', await getToken(d.clientId, d.clientSecret)).get('*'))!;
    },
    tokenWith: async (permissions) => {
      const key = [...permissions].sort().join(',');
      const hit = tokens.get(key);
      if (hit) return hit;
      const roleIds = CLOUD_APP_SECURITY_ROLES.filter((r) => permissions.includes(r.value as CloudAppsPermission)).map((r) => r.id);
      const created = await services.applications.create(tenantId, {
        displayName: `test app ${key || 'none'}`,
        requiredResourceAccess: roleIds.length
          ? [{ resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: roleIds.map((id) => ({ id, type: 'Role' })) }]
          : [],
      });
      const secret = await services.applications.addPassword(created, { displayName: 'test' });
      await services.servicePrincipals.grantAdminConsent(tenantId, created.appId);
      const t = await getToken(created.appId, secret.secretText);
      tokens.set(key, t);
      return t;
    },
    close: async () => {
      await app.close();
      await services.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
