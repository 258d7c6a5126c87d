import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';
import type { RunningServer } from '../../src/main.js';

let live: ListeningHarness;
let server: RunningServer;
let token: string;

interface Raw {
  status: number;
  statusMessage: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A request written by hand, so that a GET can carry a body and headers are exactly what clients send. */
function raw(method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.httpPort, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode!,
          statusMessage: res.statusMessage!,
          headers: res.headers,
          body: text,
          json: () => JSON.parse(text),
        });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

beforeAll(async () => {
  live = await listening({ config: { httpPort: 0, rateLimitPerMinute: 0 }, logger: false });
  server = live.server;
  const daemon = server.demo!.tenants.contoso.daemon!;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: daemon.clientId,
    client_secret: daemon.clientSecret,
    resource: CLOUD_APP_SECURITY_APP_ID,
  }).toString();
  // v1 endpoint with `resource`, as older clients do.
  const res = await raw(
    'POST',
    `/${server.demo!.tenants.contoso.tenantId}/oauth2/token`,
    { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.length) },
    form,
  );
  token = res.json().access_token;
});
afterAll(() => live?.close());

const auth = () => ({ authorization: `Bearer ${token}` });
const json = (body: unknown) => {
  const text = JSON.stringify(body);
  return { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) };
};

describe('real client request shapes over HTTP', () => {
  it('--demo loaded a few thousand records', async () => {
    const r = await raw('POST', '/api/v1/activities/', { ...auth(), ...json({}) }, '{}');
    expect(r.json().total).toBeGreaterThanOrEqual(2500);
  });

  it('PowerShell MCAS: empty POST with a JSON content type reports max', async () => {
    const r = await raw('POST', '/api/v1/alerts/', { ...auth(), 'content-type': 'application/json', 'content-length': '0' }, '');
    expect(r.status).toBe(200);
    expect(r.json().max).toBe(100);
  });

  it('XSOAR: GET with a JSON body (incident fetch loop with date.gte and asc)', async () => {
    const body = {
      filters: { severity: { eq: [0, 1, 2] }, resolutionStatus: { eq: 0 }, date: { gte: 0 } },
      limit: 50,
      sortDirection: 'asc',
    };
    const r = await raw('GET', '/api/v1/alerts/', { ...auth(), ...json(body) }, JSON.stringify(body));
    expect(r.status).toBe(200);
    const data = r.json().data as { timestamp: number; resolutionStatusValue: number }[];
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((a) => a.resolutionStatusValue === 0)).toBe(true);
    const ts = data.map((a) => a.timestamp);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    const next = { ...body, filters: { ...body.filters, date: { gte: ts[ts.length - 1]! + 1 } } };
    const r2 = await raw('GET', '/api/v1/alerts', { ...auth(), ...json(next) }, JSON.stringify(next));
    expect((r2.json().data as { timestamp: number }[]).every((a) => a.timestamp > ts[ts.length - 1]!)).toBe(true);
  });

  it('XSOAR event collector / TS connector: GET with filters as a JSON string in the query and a form content type', async () => {
    const filters = encodeURIComponent(
      JSON.stringify({ date: { gte: 0 }, 'activity.eventType': { eq: ['EVENT_CATEGORY_LOGIN', 'EVENT_CATEGORY_FAILED_LOGIN'] } }),
    );
    const r = await raw('GET', `/api/v1/activities/?filters=${filters}&sortDirection=asc&sortField=date&skip=0&limit=100`, {
      ...auth(),
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(200);
    const data = r.json().data as { eventTypeName: string }[];
    expect(data).toHaveLength(100);
    expect(data.every((a) => a.eventTypeName === 'EVENT_CATEGORY_LOGIN' || a.eventTypeName === 'EVENT_CATEGORY_FAILED_LOGIN')).toBe(true);
  });

  it('Siemplify: limit as a string; form bodies', async () => {
    const body = { filters: { severity: { eq: 2 } }, sortDirection: 'asc', sortField: 'date', skip: 0, limit: '3' };
    const r = await raw('POST', '/api/v1/alerts/', { ...auth(), ...json(body) }, JSON.stringify(body));
    expect(r.json().data).toHaveLength(3);
    const form = `limit=2&filters=${encodeURIComponent(JSON.stringify({ severity: { eq: [2] } }))}`;
    const f = await raw(
      'POST',
      '/cas/api/v1/alerts/',
      { ...auth(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(form.length) },
      form,
    );
    expect(f.json().data).toHaveLength(2);
    expect(f.json().data.every((a: { severityValue: number }) => a.severityValue === 2)).toBe(true);
  });

  it('Logic App: /cas path, lowercase token scheme, no trailing slash; resolve', async () => {
    const opKey = server.operatorKey;
    const tenant = server.demo!.tenants.contoso.tenantId;
    const created = JSON.stringify({ name: 'logic app' });
    const t = await raw(
      'POST',
      `/admin/tenants/${tenant}/cloud-apps/api-tokens`,
      { authorization: `Bearer ${opKey}`, 'content-type': 'application/json', 'content-length': String(created.length) },
      created,
    );
    const apiToken = t.json().token as string;
    const list = await raw(
      'POST',
      '/cas/api/v1/alerts/',
      { authorization: `token ${apiToken}`, ...json({ limit: 1 }) },
      JSON.stringify({ limit: 1 }),
    );
    const id = list.json().data[0]._id as string;
    const one = await raw('GET', `/cas/api/v1/alerts/${id}`, { authorization: `token ${apiToken}` });
    expect(one.json()._id).toBe(id);
    const body = { filters: { id: { eq: [id] } }, comment: 'auto' };
    const resolved = await raw(
      'POST',
      '/cas/api/v1/alerts/resolve/',
      { authorization: `Token ${apiToken} `, ...json(body) },
      JSON.stringify(body),
    );
    expect(resolved.json()).toEqual({ resolved: 1 });
  });

  it('unknown paths and invalid filters answer in the Cloud Apps error shape', async () => {
    const nf = await raw('GET', '/api/v1/nothing-here/', auth());
    expect(nf.status).toBe(404);
    expect(nf.json()).toEqual({ detail: 'Not found.' });
    const body = { filters: { severity: { eq: ['loud'] } } };
    const bad = await raw('POST', '/api/v1/alerts/', { ...auth(), ...json(body) }, JSON.stringify(body));
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: true, filters: [{ errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE' }] });
    expect(bad.json().detail).toContain('severity');
  });
});
