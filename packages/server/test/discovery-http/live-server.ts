import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/main.js';
import { httpsRequest, type HttpsResponse } from '../../../../test/compat/https-client.js';
import { testDatabaseUrl } from '../../../../test/support/test-database.js';

const CAS_APP_ID = '05a65629-4c1b-48c1-a78b-804c4abdd4af';

export interface LiveServer {
  server: RunningServer;
  url: string;
  ca: string;
  tenantId: string;
  token: string;
  api(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<HttpsResponse>;
  admin(method: string, pathname: string, body?: unknown): Promise<HttpsResponse>;
  /** Polls an upload job until it has finished (the runner works in the background). */
  waitForJob(jobId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A real listener (--demo, no rate limit) and a Cloud App Security token of the demo daemon. */
export async function startLiveServer(options: Record<string, unknown> = {}): Promise<LiveServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-disc-'));
  const server = await startServer({
    options: { dataDir, port: 0, demo: true, logLevel: 'silent', databaseUrl: testDatabaseUrl(), rateLimitPerMinute: 0, ...options },
    env: {},
  });
  const ca = fs.readFileSync(server.caPath, 'utf8');
  const contoso = server.demo!.tenants.contoso;
  const daemon = contoso.daemon!;
  const tokenRes = await httpsRequest(`${server.url}/${contoso.tenantId}/oauth2/v2.0/token`, {
    ca,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: daemon.clientId,
      client_secret: daemon.clientSecret,
      scope: `${CAS_APP_ID}/.default`,
    }).toString(),
  });
  if (tokenRes.status !== 200) throw new Error(`token: ${tokenRes.text}`);
  const token = tokenRes.json<{ access_token: string }>().access_token;
  const send = (method: string, pathname: string, auth: string, body?: unknown, headers: Record<string, string> = {}) =>
    httpsRequest(server.url + pathname, {
      ca,
      method,
      headers: { authorization: auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  const live: LiveServer = {
    server,
    url: server.url,
    ca,
    tenantId: contoso.tenantId,
    token,
    api: (method, pathname, body, headers) => send(method, pathname, `Bearer ${token}`, body, headers),
    admin: (method, pathname, body) => send(method, pathname, `Bearer ${server.operatorKey}`, body),
    async waitForJob(jobId) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const res = await live.api('GET', `/api/v1/discovery/upload_jobs/${jobId}/`);
        if (res.status !== 200) throw new Error(`job status: ${res.status} ${res.text}`);
        const job = res.json();
        if (job.status === 'succeeded' || job.status === 'failed') return job;
        if (Date.now() > deadline) throw new Error(`job ${jobId} still ${String(job.status)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return live;
}
