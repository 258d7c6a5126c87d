import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(() => h.close());

describe('alerts list', () => {
  it('answers the envelope', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/alerts/', headers: bearer(await h.token()), payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(Object.keys(body)).toEqual(['data', 'hasNext', 'max', 'total', 'moreThanTotal']);
    expect(body.total).toBe(h.counts.alerts);
  });
});
