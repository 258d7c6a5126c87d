import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../packages/server/src/main.js';
import type { DemoFile } from '../../packages/server/src/demo/seed-identity.js';
import { testDatabaseUrl } from '../support/test-database.js';
import { httpsRequest, type HttpsResponse } from './https-client.js';

export const CAS_APP_ID = '05a65629-4c1b-48c1-a78b-804c4abdd4af';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export interface CompatServer {
  server: RunningServer;
  url: string;
  ca: string;
  caPath: string;
  dataDir: string;
  demo: DemoFile;
  /** POSTs a form to a path of the server. */
  postForm(pathname: string, form: Record<string, string> | string, headers?: Record<string, string>): Promise<HttpsResponse>;
  get(pathname: string, headers?: Record<string, string>): Promise<HttpsResponse>;
  /** Calls the management API with a bearer token (or the operator key plus a tenant). */
  graph(method: string, pathname: string, auth: GraphAuth, body?: unknown): Promise<HttpsResponse>;
  /** A management-client Graph token for a demo tenant. */
  graphToken(tenant: 'contoso' | 'fabrikam'): Promise<string>;
  close(): Promise<void>;
}

export type GraphAuth = { token: string } | { operatorTenant: string };

/**
 * Appwarden as a user runs it (`appwarden serve --demo`): a real HTTPS listener on a free port, a
 * fresh data directory with its CA, and the demo tenants of demo.json.
 */
export async function startCompatServer(): Promise<CompatServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-compat-'));
  const server = await startServer({
    options: { dataDir, port: 0, demo: true, logLevel: 'warn', databaseUrl: testDatabaseUrl() },
    env: {},
  });
  const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8')) as DemoFile;
  const ca = fs.readFileSync(server.caPath, 'utf8');
  const url = server.url;
  const postForm: CompatServer['postForm'] = (pathname, form, headers = {}) =>
    httpsRequest(url + pathname, {
      ca,
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE, ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
  const graphTokens = new Map<string, string>();
  const self: CompatServer = {
    server,
    url,
    ca,
    caPath: server.caPath,
    dataDir,
    demo,
    postForm,
    get: (pathname, headers = {}) => httpsRequest(url + pathname, { ca, headers }),
    graph(method, pathname, auth, body) {
      const headers: Record<string, string> =
        'token' in auth
          ? { authorization: `Bearer ${auth.token}` }
          : { authorization: `Bearer ${server.operatorKey}`, 'x-appwarden-tenant': auth.operatorTenant };
      if (body !== undefined) headers['content-type'] = 'application/json';
      return httpsRequest(url + pathname, { ca, method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    },
    async graphToken(tenant) {
      const cached = graphTokens.get(tenant);
      if (cached) return cached;
      const t = demo.tenants[tenant];
      const res = await postForm(`/${t.tenantId}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: t.management.clientId,
        client_secret: t.management.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      });
      if (res.status !== 200) throw new Error(`management token for ${tenant}: ${res.status} ${res.text}`);
      const token = res.json<{ access_token: string }>().access_token;
      graphTokens.set(tenant, token);
      return token;
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}
