import { describe, expect, it } from 'vitest';
import { ApiError, ManagementClient, PermissionError, type FetchLike } from '@appwarden/sdk';

// The management client sends through RequestPipeline: the same retries, time limits and typed
// errors as the Cloud Apps client. A scripted fetch plays the server.

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
}

function scripted(answers: ((call: Call) => Response | Promise<Response>)[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call = { method: init?.method ?? 'GET', url, headers: Object.fromEntries(new Headers(init?.headers).entries()) };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected call ${call.method} ${url}`);
    return answer(call);
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const noSleep = async () => {};

describe('ManagementClient on RequestPipeline', () => {
  it('follows @odata.nextLink by its path on the endpoint, even when the server spells its origin differently', async () => {
    const { fetch, calls } = scripted([
      () => json({ value: [{ id: 'a' }], '@odata.nextLink': 'https://localhost:8443/v1.0/applications?$skiptoken=X1' }),
      () => json({ value: [{ id: 'b' }], '@odata.nextLink': 'https://evil.test/v1.0/applications?$skiptoken=X2' }),
      () => json({ value: [{ id: 'c' }] }),
    ]);
    const client = new ManagementClient('https://127.0.0.1:8443/', { operatorKey: 'awop_k', tenant: 'contoso' }, { fetch });
    const apps = await client.listApplications();
    expect(apps.map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(calls.map((c) => c.url)).toEqual([
      'https://127.0.0.1:8443/v1.0/applications',
      'https://127.0.0.1:8443/v1.0/applications?$skiptoken=X1',
      'https://127.0.0.1:8443/v1.0/applications?$skiptoken=X2',
    ]);
    for (const c of calls) {
      expect(c.headers.authorization).toBe('Bearer awop_k');
      expect(c.headers['x-appwarden-tenant']).toBe('contoso');
    }
  });

  it('retries a GET after 503 and a POST after 429 (Retry-After), but not a POST after 503', async () => {
    const delays: number[] = [];
    const { fetch, calls } = scripted([
      () => json({ error: { code: 'ServiceUnavailable', message: 'busy' } }, 503),
      () => json({ id: 'app', appId: 'x' }),
      () => json({ error: { code: 'TooManyRequests', message: 'slow down' } }, 429, { 'retry-after': '2' }),
      () => json({ id: 'sp' }, 201),
      () => json({ error: { code: 'ServiceUnavailable', message: 'busy' } }, 503),
    ]);
    const client = new ManagementClient(
      'https://localhost:8443',
      { operatorKey: 'awop_k' },
      { fetch, sleep: noSleep, onRetry: (e) => delays.push(e.delayMs), retry: { baseDelayMs: 1 } },
    );
    expect((await client.getApplication('app')).id).toBe('app');
    expect((await client.createServicePrincipal('x')).id).toBe('sp');
    await expect(client.createApplication({ displayName: 'x' })).rejects.toBeInstanceOf(ApiError);
    expect(calls.map((c) => `${c.method} ${c.url.replace('https://localhost:8443', '')}`)).toEqual([
      'GET /v1.0/applications/app',
      'GET /v1.0/applications/app',
      'POST /v1.0/servicePrincipals',
      'POST /v1.0/servicePrincipals',
      'POST /v1.0/applications',
    ]);
    expect(delays[1]).toBe(2000);
  });

  it('answers with typed errors carrying the Graph message', async () => {
    const { fetch } = scripted([() => json({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } }, 403)]);
    const client = new ManagementClient('https://localhost:8443', { operatorKey: 'awop_k' }, { fetch });
    const denied = await client.organization().catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionError);
    expect((denied as PermissionError).status).toBe(403);
    expect((denied as Error).message).toMatch(/Authorization_RequestDenied: Insufficient privileges/);
  });
});
