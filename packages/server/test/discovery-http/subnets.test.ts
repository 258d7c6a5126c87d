import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_IP_TAGS } from '@appwarden/protocol';
import { bearer, inProcess, OPERATOR_KEY, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let token: string;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 50, alerts: 2 } });
  token = await h.tokenFor();
});
afterAll(() => h.close());

const mapped = (hex: string) => `0000:0000:0000:0000:0000:ffff:${hex}`;

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, t = token) {
  return h.app.inject({ method, url, headers: bearer(t), ...(payload ? { payload } : {}) });
}

async function create(body: object, url = '/api/v1/subnet/create_rule/'): Promise<string> {
  const res = await call('POST', url, body);
  expect(res.statusCode, res.body).toBe(200);
  // The id as a JSON string literal.
  expect(res.body).toMatch(/^"[0-9a-f]{24}"$/);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  return JSON.parse(res.body) as string;
}

describe('IP address ranges (reference §6.5)', () => {
  it('normalises IPv4 to IPv4-mapped IPv6 with mask + 96, keeps originalString, clears host bits', async () => {
    const id = await create({
      name: 'Contoso Internal IPs',
      category: 1,
      subnets: ['10.0.0.0/8', '1.1.1.1', '197.198.192.20/16', '192.168.1.0/24', '2001:db8:abcd::/48', '2001:db8::1'],
    });
    const res = await call('GET', `/api/v1/subnet/${id}/`);
    expect(res.statusCode).toBe(200);
    const r = res.json();
    expect(r).toMatchObject({ _id: id, name: 'Contoso Internal IPs', category: 1, organization: null, location: null, tags: [] });
    expect(r.subnets).toEqual([
      { mask: 104, address: mapped('0a00:0000'), originalString: '10.0.0.0/8' },
      { mask: 128, address: mapped('0101:0101'), originalString: '1.1.1.1' },
      { mask: 112, address: mapped('c5c6:0000'), originalString: '197.198.192.20/16' },
      { mask: 120, address: mapped('c0a8:0100'), originalString: '192.168.1.0/24' },
      { mask: 48, address: '2001:0db8:abcd:0000:0000:0000:0000:0000', originalString: '2001:db8:abcd::/48' },
      { mask: 128, address: '2001:0db8:0000:0000:0000:0000:0000:0001', originalString: '2001:db8::1' },
    ]);
    expect(typeof r.lastModified).toBe('number');
    expect(typeof r._tid).toBe('number');
  });

  it('resolves tags by name, by id (built-in) and creates custom tags; organization and overrideOrganization', async () => {
    const id = await create({
      name: 'Branch VPN',
      category: '4',
      subnets: ['203.0.113.0/24'],
      tags: ['Tor', BUILT_IN_IP_TAGS.Amazon_Web_Services, 'Branch offices', { text: 'branch OFFICES' }],
      organization: 'Contoso ISP',
      overrideOrganization: true,
    });
    const r = (await call('GET', `/api/subnet/${id}`)).json();
    expect(r.organization).toBe('Contoso ISP');
    expect(r.tags.map((t: { id: string; name: string }) => [t.id, t.name])).toEqual([
      [BUILT_IN_IP_TAGS.Tor, 'Tor'],
      [BUILT_IN_IP_TAGS.Amazon_Web_Services, 'Amazon Web Services'],
      [expect.stringMatching(/^[0-9a-f]{24}$/), 'Branch offices'],
    ]);
    expect(r.tags[0]).toMatchObject({
      _id: BUILT_IN_IP_TAGS.Tor,
      target: 1,
      builtIn: true,
      nameTemplate: { template: 'SAGE_BUILTIN_TAG_TOR_NAME' },
    });
    expect(r.tags[2]).toMatchObject({ builtIn: false, type: 0 });
    // A custom tag is reused by name and by id afterwards.
    const again = await create({ name: 'Branch VPN 2', category: 4, subnets: ['198.51.100.7'], tags: [r.tags[2].id, 'Branch Offices'] });
    expect((await call('GET', `/api/v1/subnet/${again}/`)).json().tags.map((t: { id: string }) => t.id)).toEqual([r.tags[2].id]);
  });

  it('400 naming the value: duplicate name, invalid address, category, unknown tag id', async () => {
    await create({ name: 'Dup', category: 2, subnets: ['192.0.2.0/24'] });
    const dup = await call('POST', '/api/v1/subnet/create_rule/', { name: 'Dup', category: 2, subnets: ['192.0.2.0/25'] });
    expect(dup.statusCode).toBe(400);
    expect(dup.json().detail).toContain("'Dup'");
    expect(dup.json().name[0].errorMessageParams.value).toBe('Dup');
    for (const bad of ['10.0.0.300/8', '10.0.0.0/33', 'not-an-ip', '10.1', '2001:db8::/129', '']) {
      const res = await call('POST', '/api/v1/subnet/create_rule/', { name: `bad ${bad}`, category: 1, subnets: ['192.0.2.1', bad] });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().detail).toContain(bad);
      expect(res.json().subnets[0].errorMessageParams.value).toBe(bad);
    }
    const cat = await call('POST', '/api/v1/subnet/create_rule/', { name: 'c', category: 9, subnets: ['192.0.2.1'] });
    expect(cat.statusCode).toBe(400);
    expect(cat.json().detail).toContain('9');
    const tag = await call('POST', '/api/v1/subnet/create_rule/', {
      name: 't',
      category: 1,
      subnets: ['192.0.2.1'],
      tags: ['ffffffffffffffffffffffff'],
    });
    expect(tag.statusCode).toBe(400);
    expect(tag.json().detail).toContain('ffffffffffffffffffffffff');
  });

  it('update_rule replaces the whole range; the fetched object can be sent back', async () => {
    const id = await create({ name: 'Old', category: 3, subnets: ['198.51.100.0/24'], tags: ['Tor'], organization: 'ISP A' });
    const fetched = (await call('GET', `/api/v1/subnet/${id}/`)).json();
    const res = await call('POST', `/cas/api/v1/subnet/${id}/update_rule/`, {
      ...fetched,
      name: 'New',
      subnets: ['198.51.100.0/25'],
      organization: undefined,
      tags: undefined,
    });
    expect(res.statusCode, res.body).toBe(200);
    const r = (await call('GET', `/api/v1/subnet/${id}/`)).json();
    expect(r).toMatchObject({ name: 'New', category: 3, organization: null, tags: [] });
    expect(r.subnets).toEqual([{ mask: 121, address: mapped('c633:6400'), originalString: '198.51.100.0/25' }]);
    expect(r.lastModified).toBeGreaterThan(fetched.lastModified);
    // Renaming onto another range's name is a duplicate.
    const clash = await call('POST', `/api/subnet/${id}/update_rule`, { name: 'Dup', category: 3, subnets: ['198.51.100.0/25'] });
    expect(clash.statusCode).toBe(400);
    expect(
      (await call('POST', '/api/v1/subnet/ffffffffffffffffffffffff/update_rule/', { name: 'x', category: 1, subnets: ['192.0.2.1'] }))
        .statusCode,
    ).toBe(404);
  });

  it('list under every path family, with filters, sort and paging; delete', async () => {
    for (const url of ['/api/v1/subnet/', '/api/v1/subnet', '/api/subnet/', '/cas/api/v1/subnet/', '/cas/api/subnet']) {
      for (const method of ['GET', 'POST'] as const) {
        const res = await call(method, url);
        expect(res.statusCode, `${method} ${url}`).toBe(200);
        expect(res.json().total).toBeGreaterThanOrEqual(4);
      }
    }
    const vpn = (
      await call('POST', '/api/v1/subnet/', { filters: { category: { eq: [4] } }, sortField: 'name', sortDirection: 'desc' })
    ).json();
    expect(vpn.data.map((r: { name: string }) => r.name)).toEqual(['Branch VPN 2', 'Branch VPN']);
    const tor = await call(
      'GET',
      `/api/v1/subnet/?filters=${encodeURIComponent(JSON.stringify({ tags: { eq: [BUILT_IN_IP_TAGS.Tor] } }))}`,
    );
    expect(tor.json().data.map((r: { name: string }) => r.name)).toEqual(['Branch VPN']);
    const page = (await call('POST', '/api/v1/subnet/', { sortField: 'name', limit: 2, skip: 1 })).json();
    expect(page.data).toHaveLength(2);
    expect(page.hasNext).toBe(true);
    const id = await create({ name: 'To delete', category: 6, subnets: ['192.0.2.128/25'] });
    expect((await call('DELETE', `/api/subnet/${id}/`)).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/subnet/${id}/`)).statusCode).toBe(404);
    expect((await call('DELETE', `/api/v1/subnet/${id}`)).statusCode).toBe(404);
  });

  it('filters through the registry (subnets): neq, tags by id or name, builtIn; bad filters are a 400 naming the field', async () => {
    type Range = { name: string; category: number; tags: { id: string; name: string }[] };
    const list = async (filters: unknown) => {
      const res = await call('POST', '/api/v1/subnet/', { filters, sortField: 'name' });
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().data as Range[]).map((r) => r.name);
    };
    const all = (await call('POST', '/api/v1/subnet/', { sortField: 'name' })).json().data as Range[];
    const tagged = all.find((r) => r.tags.length > 0)!;
    const tag = tagged.tags[0]!;
    const withTag = all.filter((r) => r.tags.some((t) => t.id === tag.id)).map((r) => r.name);
    expect(await list({ tags: { eq: [tag.id] } })).toEqual(withTag);
    expect(await list({ tags: { eq: tag.name } })).toEqual(withTag);
    expect(await list({ tags: { neq: [tag.id] } })).toEqual(all.filter((r) => !withTag.includes(r.name)).map((r) => r.name));
    expect(await list({ category: { neq: ['4'] } })).toEqual(all.filter((r) => r.category !== 4).map((r) => r.name));
    expect(await list({ builtIn: { eq: false } })).toEqual(all.map((r) => r.name));
    expect(await list({ builtIn: { eq: true } })).toEqual([]);
    const bad: [unknown, string][] = [
      [{ category: { eq: ['vpn'] } }, "category: 'vpn' is not a valid integer"],
      [{ builtIn: { neq: true } }, "builtIn: operator 'neq' is not supported (use eq)"],
      [{ name: { eq: 'x' } }, 'name is not a valid filter field for subnets'],
    ];
    for (const [filters, message] of bad) {
      const res = await call('POST', '/api/v1/subnet/', { filters });
      expect(res.statusCode, JSON.stringify(filters)).toBe(400);
      expect(res.json()).toMatchObject({ detail: message, filters: [{ error: message }] });
    }
  });

  it('permissions: Settings.* and Investigation.* per the matrix', async () => {
    const body = { name: 'perm', category: 1, subnets: ['192.0.2.9'] };
    const expectations: [string, number, number][] = [
      ['Settings.read', 200, 403],
      ['Investigation.read', 200, 403],
      ['Settings.manage', 200, 200],
      ['Investigation.manage', 200, 200],
      ['Discovery.manage', 403, 403],
      ['Discovery.read', 403, 403],
    ];
    let n = 0;
    for (const [perm, listStatus, createStatus] of expectations) {
      const t = await h.tokenFor([perm as 'Settings.read']);
      expect((await call('GET', '/api/v1/subnet/', undefined, t)).statusCode, perm).toBe(listStatus);
      const c = await call('POST', '/api/v1/subnet/create_rule/', { ...body, name: `perm ${n++}` }, t);
      expect(c.statusCode, perm).toBe(createStatus);
      if (c.statusCode === 200) {
        const id = JSON.parse(c.body) as string;
        expect((await call('DELETE', `/api/v1/subnet/${id}/`, undefined, t)).statusCode).toBe(200);
      } else expect(c.json().detail).toContain('Settings.manage');
    }
  });

  it('enriches imported activities whose IP falls in a range (category, tags, organization)', async () => {
    await create({
      name: 'Enrich corp',
      category: 1,
      subnets: ['192.0.2.64/26'],
      tags: ['Branch offices'],
      organization: 'Contoso HQ',
      overrideOrganization: true,
    });
    const doc = (id: string, ip: string) =>
      JSON.stringify({
        _id: id,
        timestamp: 1_740_000_000_000,
        appId: 11161,
        device: { clientIP: ip },
        location: { organizationSearchable: 'Some ISP', category: 0 },
      });
    const res = await h.app.inject({
      method: 'POST',
      url: `/admin/tenants/${h.tenantId}/cloud-apps/import/activities`,
      headers: { authorization: `Bearer ${OPERATOR_KEY}`, 'content-type': 'application/x-ndjson' },
      payload: [doc('enrich-in', '192.0.2.70'), doc('enrich-out', '100.64.0.1')].join('\n'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const inRange = (await call('GET', '/api/v1/activities/enrich-in/')).json();
    expect(inRange.location).toMatchObject({ category: 1, categoryValue: 'CORPORATE', organizationSearchable: 'Contoso HQ' });
    expect(inRange.ipTags).toHaveLength(1);
    const outside = (await call('GET', '/api/v1/activities/enrich-out/')).json();
    expect(outside.location).toMatchObject({ category: 0, organizationSearchable: 'Some ISP' });
    const filtered = (
      await call('POST', '/api/v1/activities/', { filters: { 'ip.category': { eq: [1] }, 'ip.address': { eq: ['192.0.2.70'] } } })
    ).json();
    expect(filtered.data.map((a: { _id: string }) => a._id)).toEqual(['enrich-in']);
  });
});
