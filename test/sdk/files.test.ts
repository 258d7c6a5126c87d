import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type CloudAppsFile, type FileFilters } from '@appwarden/sdk';
import { listening, type ListeningHarness } from '../support/harness.js';

let live: ListeningHarness;
beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
}, 120_000);
afterAll(() => live.close());

describe('client.files', () => {
  it('iterates every file page by page without duplicates, and gets one by _id', async () => {
    const client = live.client();
    const ids: string[] = [];
    let pages = 0;
    for await (const page of client.files.list({ maxPageSize: 7 }).byPage()) {
      pages++;
      ids.push(...page.data.map((f) => f._id));
    }
    expect(ids.length).toBeGreaterThan(7);
    expect(pages).toBe(Math.ceil(ids.length / 7));
    expect(new Set(ids).size).toBe(ids.length);
    const one = await client.files.get(ids[0]!);
    expect(one._id).toBe(ids[0]);
    expect(one.fileType[1]).toMatch(/^[A-Z_]+$/);
  });

  it('sends typed filters and sort as the API takes them', async () => {
    const client = live.client();
    const filters: FileFilters = { sharing: { eq: [2, 3, 4] }, modifiedDate: { lte: new Date('2100-01-01') } };
    const shared: CloudAppsFile[] = [];
    for await (const f of client.files.list({ filters, sortField: 'name', sortDirection: 'asc' })) shared.push(f);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.every((f) => f.fileAccessLevel[0] >= 2)).toBe(true);
    const names = shared.map((f) => f.name);
    expect(names).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it('types file filters from the registry (compile-time checks)', () => {
    const ok: FileFilters = {
      'owner.entity': { eq: [{ id: 'guid', saas: 11161, inst: 0 }] },
      policy: { cabinetmatchedrulesequals: ['p'] },
    };
    // @ts-expect-error: sharing is a number
    const badValue: FileFilters = { sharing: { eq: 'public' } };
    // @ts-expect-error: modifiedDate has no eq
    const badOp: FileFilters = { modifiedDate: { eq: 1 } };
    // @ts-expect-error: an alert field is not a file field
    const badField: FileFilters = { severity: { eq: 2 } };
    expect([ok, badValue, badOp, badField]).toHaveLength(4);
  });

  it('throws an ApiError with status 404 for an unknown _id', async () => {
    const err = await live
      .client()
      .files.get('ffffffffffffffffffffffff')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(404);
  });
});
