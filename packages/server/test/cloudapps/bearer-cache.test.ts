import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

// Verified bearer tokens are remembered (auth.ts): expiry and key removal must still apply at once.
let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 50, alerts: 5 } });
});
afterAll(() => h.close());

const list = (token: string) => h.app.inject({ method: 'GET', url: '/api/v1/alerts/?limit=1', headers: bearer(token) });

describe('remembered bearer tokens', () => {
  it('are rejected once expired (after the allowed skew), as without the cache', async () => {
    const token = await h.tokenFor();
    expect((await list(token)).statusCode).toBe(200);
    expect((await list(token)).statusCode).toBe(200);
    const exp = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    const start = h.clock.now();
    // RFC 7519 §4.1.4 as jose applies it: valid while now (whole seconds) < exp + skew.
    h.clock.set((exp + 300) * 1000 - 1);
    expect((await list(token)).statusCode).toBe(200);
    h.clock.set((exp + 300) * 1000);
    const res = await list(token);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ detail: 'Invalid token' });
    h.clock.set(start);
  });

  it('are rejected on the next request once the signing key is gone', async () => {
    const token = await h.tokenFor();
    expect((await list(token)).statusCode).toBe(200);
    const kid = (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const now = h.clock.now();
    await h.services.stores.signingKeys.retire(kid, now - 2, now - 1);
    await h.services.stores.signingKeys.deleteUnpublished(h.tenantId, now);
    expect((await list(token)).statusCode).toBe(401);
  });
});
