import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

// IP-range tags land on every Cloud Discovery usage row of a matching source IP: a range with
// 2000 tags blew the database up ~1000x the upload (issue 12). Ranges are bounded.
let h: InProcessHarness;
let auth: Record<string, string>;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 10, alerts: 2 } });
  auth = bearer(await h.tokenFor());
});
afterAll(() => h?.close());

const createRule = (payload: object) => h.app.inject({ method: 'POST', url: '/api/v1/subnet/create_rule/', headers: auth, payload });
const tags = (n: number, prefix = 't') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('IP address range bounds', () => {
  it('refuses more than 50 tags on a range and accepts 50', async () => {
    const res = await createRule({ name: 'many tags', category: 1, subnets: ['10.0.0.0/8'], tags: tags(2000) });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ detail: expect.stringMatching(/at most 50 tags/), tags: expect.any(Array) });
    const ok = await createRule({ name: 'fifty tags', category: 1, subnets: ['10.0.0.0/8'], tags: tags(50) });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a tag name longer than 128 characters and more than 1000 subnets', async () => {
    const long = await createRule({ name: 'long tag', category: 1, subnets: ['10.1.0.0/16'], tags: ['x'.repeat(129)] });
    expect(long.statusCode, long.body).toBe(400);
    const subnets = Array.from({ length: 1001 }, (_, i) => `10.2.${i >> 8}.${i & 255}`);
    const wide = await createRule({ name: 'many subnets', category: 1, subnets });
    expect(wide.statusCode, wide.body).toBe(400);
    expect(wide.json().detail).toMatch(/at most 1000 subnets/);
  });

  it('refuses new custom tags past 1000 per tenant', async () => {
    // 50 already exist from the first test; 19 ranges of 50 new tags reach 1000.
    for (let r = 0; r < 19; r++) {
      const res = await createRule({ name: `batch ${r}`, category: 1, subnets: [`10.3.${r}.0/24`], tags: tags(50, `b${r}-`) });
      expect(res.statusCode, res.body).toBe(200);
    }
    const over = await createRule({ name: 'one more', category: 1, subnets: ['10.4.0.0/24'], tags: ['brand new'] });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().detail).toMatch(/at most 1000 custom tags/);
    // Existing tags may still be used.
    const reuse = await createRule({ name: 'reuse', category: 1, subnets: ['10.4.0.0/24'], tags: ['t1', 'b3-7'] });
    expect(reuse.statusCode, reuse.body).toBe(200);
  });
});
