import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import {
  ClientSecretCredential,
  CloudAppsClient,
  ManagementClient,
  type CloudAppsClientOptions,
  type CredentialOptions,
  type FetchLike,
} from '@appwarden/sdk';
import { startServer, type RunningServer } from '../../packages/server/src/main.js';
import { testDatabaseUrl } from '../support/test-database.js';

export interface LiveServer {
  server: RunningServer;
  dir: string;
  /** fetch that trusts the server's CA. */
  fetch: FetchLike;
  tenantId: string;
  daemon: { clientId: string; clientSecret: string };
  /** A client of the demo daemon (every Cloud Apps permission). */
  client(options?: CloudAppsClientOptions, credentialOptions?: CredentialOptions): CloudAppsClient;
  /** Appwarden's admin endpoints of the tenant's Cloud Apps API (operator key). */
  admin(method: string, subpath: string, body?: unknown): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A live HTTPS Appwarden with --demo data. By default the client is Contoso's demo daemon (every
 * Cloud Apps role, 2,500 demo activities); with `freshTenant` a new tenant without data and its
 * own daemon app, for tests that generate data (a second data set in a tenant may reuse user names).
 */
export async function startLiveServer(options: { freshTenant?: string } = {}): Promise<LiveServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-sdk-'));
  const server = await startServer({
    options: {
      dataDir: dir,
      port: 0,
      demo: true,
      logLevel: (process.env.AW_TEST_LOG_LEVEL ?? 'silent') as 'silent',
      databaseUrl: testDatabaseUrl(),
      rateLimitPerMinute: 0,
    },
    env: {},
  });
  const agent = new Agent({ connect: { ca: server.caPem } });
  const fetchImpl = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as FetchLike;
  let contoso: { tenantId: string } = server.demo!.tenants.contoso;
  let daemon = server.demo!.tenants.contoso.daemon!;
  if (options.freshTenant) {
    const op = new ManagementClient(server.url, { operatorKey: server.operatorKey }, { fetch: fetchImpl });
    const tenant = await op.createTenant(options.freshTenant);
    const m = new ManagementClient(server.url, { operatorKey: server.operatorKey, tenant: tenant.tenantId! }, { fetch: fetchImpl });
    const app = await m.createApplication({
      displayName: 'SDK test daemon',
      requiredResourceAccess: [
        { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: CLOUD_APP_SECURITY_ROLES.map((r) => ({ id: r.id, type: 'Role' })) },
      ],
    });
    await m.createServicePrincipal(String(app.appId));
    const secret = await m.addPassword(app.id);
    await m.grantAdminConsent(String(app.appId));
    contoso = { tenantId: tenant.tenantId! };
    daemon = { clientId: String(app.appId), clientSecret: secret.secretText };
  }
  const live: LiveServer = {
    server,
    dir,
    fetch: fetchImpl,
    tenantId: contoso.tenantId,
    daemon,
    client(options = {}, credentialOptions = {}) {
      const credential = new ClientSecretCredential(contoso.tenantId, daemon.clientId, daemon.clientSecret, {
        authorityHost: server.url,
        fetch: fetchImpl,
        ...credentialOptions,
      });
      return new CloudAppsClient(server.url, credential, { fetch: fetchImpl, ...options });
    },
    async admin(method, subpath, body) {
      const res = await fetchImpl(`${server.url}/admin/tenants/${contoso.tenantId}/cloud-apps${subpath}`, {
        method,
        headers: { authorization: `Bearer ${server.operatorKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`admin ${method} ${subpath} → ${res.status}: ${text}`);
      return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    },
    async close() {
      await agent.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return live;
}
