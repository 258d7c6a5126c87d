import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  ClientSecretCredential,
  CloudAppsClient,
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

/** A live HTTPS Appwarden with --demo data (Contoso holds a daemon app with every Cloud Apps role). */
export async function startLiveServer(): Promise<LiveServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-sdk-'));
  const server = await startServer({
    options: { dataDir: dir, port: 0, demo: true, logLevel: 'silent', databaseUrl: testDatabaseUrl(), rateLimitPerMinute: 0 },
    env: {},
  });
  const agent = new Agent({ connect: { ca: server.caPem } });
  const fetchImpl = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as FetchLike;
  const contoso = server.demo!.tenants.contoso;
  const daemon = contoso.daemon!;
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
