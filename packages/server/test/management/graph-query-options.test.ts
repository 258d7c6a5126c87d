import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
const NAMES = ['Query alpha', 'Query beta', 'Query gamma', "Query o'delta", 'Other epsilon'];

beforeAll(async () => {
  h = await inProcess({ seed: 'tenant' });
  for (const displayName of NAMES) {
    const res = await graph('POST', '/v1.0/applications', {}, { displayName });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterAll(() => h?.close());

function graph(method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: unknown) {
  return h.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'x-appwarden-tenant': h.tenantId, ...headers },
    ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
  });
}
const EVENTUAL = { consistencylevel: 'eventual' };
const list = async (query: string, headers: Record<string, string> = {}) => {
  const res = await graph('GET', `/v1.0/applications?${query}`, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { value: Array<Record<string, unknown>>; '@odata.count'?: number; '@odata.nextLink'?: string };
};
const names = async (filter: string) => (await list(`$filter=${encodeURIComponent(filter)}`)).value.map((a) => a.displayName).sort();
const graphError = async (query: string, headers: Record<string, string> = {}) => {
  const res = await graph('GET', `/v1.0/applications?${query}`, headers);
  return { status: res.statusCode, ...(res.json() as { error: { code: string; message: string } }).error };
};

describe('Graph query options on collections', () => {
  it('$select returns only the named properties', async () => {
    const { value } = await list('$select=displayName,appId&$filter=' + encodeURIComponent("displayName eq 'Query alpha'"));
    expect(value).toHaveLength(1);
    expect(Object.keys(value[0]!).sort()).toEqual(['appId', 'displayName']);
  });

  it('$top pages with an @odata.nextLink that carries the other options', async () => {
    const seen: unknown[] = [];
    let next: string | undefined =
      `/v1.0/applications?$top=2&$select=displayName&$filter=${encodeURIComponent("startswith(displayName,'Query')")}`;
    while (next) {
      const res = await graph('GET', next.replace(/^https?:\/\/[^/]+/, ''));
      const body = res.json() as { value: Array<{ displayName: string }>; '@odata.nextLink'?: string };
      expect(body.value.length).toBeLessThanOrEqual(2);
      seen.push(...body.value.map((a) => a.displayName));
      next = body['@odata.nextLink'];
      if (next) expect(new URL(next).searchParams.get('$select')).toBe('displayName');
    }
    expect(seen.sort()).toEqual(NAMES.filter((n) => n.startsWith('Query')).sort());
  });

  it('$filter: eq (case-insensitive), startswith, in, and; quotes escaped by doubling', async () => {
    expect(await names("displayName eq 'QUERY ALPHA'")).toEqual(['Query alpha']);
    expect(await names("displayName eq 'Query o''delta'")).toEqual(["Query o'delta"]);
    expect(await names("displayName in ('Query beta', 'Other epsilon')")).toEqual(['Other epsilon', 'Query beta']);
    expect(await names("startswith(displayName,'query') and displayName in ('Query gamma','Other epsilon')")).toEqual(['Query gamma']);
  });

  it('$count=true adds @odata.count only with ConsistencyLevel: eventual, as Graph', async () => {
    const filter = '$filter=' + encodeURIComponent("startswith(displayName,'Query')");
    expect((await list(`${filter}&$count=true&$top=1`, EVENTUAL))['@odata.count']).toBe(4);
    expect((await list(`${filter}&$count=true`))['@odata.count']).toBeUndefined();
  });

  it('/$count answers text/plain with the header and Graph 400 without it', async () => {
    const res = await graph('GET', `/v1.0/applications/$count?$filter=${encodeURIComponent("startswith(displayName,'Query')")}`, EVENTUAL);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('4');
    const bad = await graph('GET', '/v1.0/applications/$count');
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'Request_BadRequest',
      message: '$count is not currently supported.',
    });
    expect((await graph('GET', '/v1.0/servicePrincipals/$count', EVENTUAL)).statusCode).toBe(200);
  });

  it('$orderby on displayName is an advanced query, as on Graph', async () => {
    const { value } = await list(
      `$orderby=displayName desc&$count=true&$filter=${encodeURIComponent("startswith(displayName,'Query')")}`,
      EVENTUAL,
    );
    expect(value.map((a) => a.displayName)).toEqual(["Query o'delta", 'Query gamma', 'Query beta', 'Query alpha']);
    expect(await graphError('$orderby=displayName')).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message: 'Sorting not supported for current query.',
    });
    expect(await graphError('$orderby=createdDateTime', EVENTUAL)).toMatchObject({ status: 400, code: 'Request_UnsupportedQuery' });
  });

  it('unsupported options and clauses answer Graph 400', async () => {
    expect(await graphError('$filter=' + encodeURIComponent("endswith(displayName,'alpha')"))).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message: expect.stringMatching(/^Operator 'endsWith' is not supported because the required parameters might be missing/),
    });
    expect(await graphError('$filter=' + encodeURIComponent("publisherDomain eq 'x'"))).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
      message: "Unsupported or invalid query filter clause specified for property 'publisherDomain' of resource 'Application'.",
    });
    expect(await graphError('$search=' + encodeURIComponent('"displayName:alpha"'))).toMatchObject({
      status: 400,
      code: 'Request_UnsupportedQuery',
    });
    expect(await graphError('$top=1000')).toMatchObject({ status: 400, code: 'Request_BadRequest' });
    expect(await graphError('$skip=1')).toMatchObject({ status: 400, code: 'Request_BadRequest' });
    expect(await graphError('$frobnicate=1')).toMatchObject({ status: 400, code: 'Request_BadRequest' });
  });
});
