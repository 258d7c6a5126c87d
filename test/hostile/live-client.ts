// A small client for the hostile suites that run against a child `appwarden serve`: token requests,
// Cloud Apps calls, the upload flow (upload_url -> PUT -> done_upload -> job), the child's RSS.
// Each client has its own connection pool, so an attacker's sockets never queue a victim's request.
import fs from 'node:fs';
import { Agent, fetch } from 'undici';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';

export interface Answer {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export class LiveClient {
  readonly agent: Agent;
  constructor(
    readonly base: string,
    ca: string,
    connections = 16,
  ) {
    this.agent = new Agent({ connect: { ca }, connections, pipelining: 1 });
  }

  async request(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
  ): Promise<Answer> {
    const res = await fetch(this.base + path, {
      method,
      headers: init.headers,
      body: init.body,
      dispatcher: this.agent,
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
  }

  token(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    scope = `${CLOUD_APP_SECURITY_APP_ID}/.default`,
    timeoutMs?: number,
  ): Promise<Answer> {
    return this.request('POST', `/${tenantId}/oauth2/v2.0/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString(),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  async accessToken(tenantId: string, clientId: string, clientSecret: string, scope?: string): Promise<string> {
    const res = await this.token(tenantId, clientId, clientSecret, scope);
    if (res.status !== 200) throw new Error(`token for ${tenantId}: ${res.status} ${res.text}`);
    return res.json<{ access_token: string }>().access_token;
  }

  api(method: string, path: string, token: string, body?: unknown, timeoutMs?: number): Promise<Answer> {
    return this.request(method, path, {
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(timeoutMs ? { timeoutMs } : {}),
    });
  }

  /** The whole upload flow; resolves with the job id once done_upload has acknowledged it. */
  async upload(
    token: string,
    content: string | Buffer,
    name: string,
    source = 'SQUID_NATIVE',
  ): Promise<{ jobId: string; streamId: string }> {
    const up = await this.api('GET', `/api/v1/discovery/upload_url/?filename=${encodeURIComponent(name)}.log&source=${source}`, token);
    if (up.status !== 200) throw new Error(`upload_url: ${up.status} ${up.text}`);
    const url = new URL(up.json<{ url: string }>().url);
    const put = await this.request('PUT', url.pathname + url.search, {
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: content,
      timeoutMs: 120_000,
    });
    if (put.status !== 201) throw new Error(`PUT: ${put.status} ${put.text}`);
    const done = await this.api('POST', '/api/v1/discovery/done_upload/', token, { uploadUrl: url.toString(), inputStreamName: name });
    if (done.status !== 200) throw new Error(`done_upload: ${done.status} ${done.text}`);
    return done.json();
  }

  /** Polls the job until it is no longer queued or running. */
  async job(token: string, jobId: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.api('GET', `/api/v1/discovery/upload_jobs/${jobId}/`, token);
      if (res.status === 200) {
        const j = res.json();
        if (j.status !== 'queued' && j.status !== 'running') return j;
      }
      if (Date.now() > end) throw new Error(`job ${jobId} not finished after ${timeoutMs} ms: ${res.status} ${res.text}`);
      // Polling counts against the tenant's API rate limit: back off when throttled.
      await new Promise((r) => setTimeout(r, res.status === 429 ? 1_000 : 250));
    }
  }

  close(): Promise<void> {
    return this.agent.destroy();
  }
}

/** Resident set size of a process in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Squid native lines written for these suites: `n` lines over `ips` source addresses, an hour before now. */
export function squidLog(n: number, opts: { ips?: number; at?: number; salt?: number } = {}): string {
  const at = opts.at ?? Date.now() - 3_600_000;
  const hosts = ['www.dropbox.com:443', 'app.box.com:443', 'outlook.office.com:443', 'github.com:443', 'slack.com:443'];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${(opts.salt ?? 0) % 250}.${Math.floor(i / 250) % 250}.${i % (opts.ips ?? 50)}`;
    lines.push(
      `${((at + i * 10) / 1000).toFixed(3)}    42 ${ip} TCP_TUNNEL/200 ${1000 + (i % 97)} CONNECT ${hosts[i % hosts.length]} user${i % 7} HIER_DIRECT/203.0.113.7 -`,
    );
  }
  return lines.join('\n') + '\n';
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
