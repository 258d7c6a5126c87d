import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAccessToken } from '../src/session/token-source.js';
import { saveSession, setActiveTenant, readSessions, type Session } from '../src/session/session-store.js';

/** sessionStorage as the browser keeps it, for this node test. */
class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem = (k: string) => this.items.get(k) ?? null;
  setItem = (k: string, v: string) => void this.items.set(k, String(v));
  removeItem = (k: string) => void this.items.delete(k);
}

describe('the console token source', () => {
  let redeemed: { refreshToken: string; scope: string }[];
  let n: number;

  beforeEach(() => {
    redeemed = [];
    n = 0;
    vi.stubGlobal('sessionStorage', new MemoryStorage());
    vi.stubGlobal('location', { origin: 'https://localhost:8443', pathname: '/' });
    // The token endpoint: rotates the refresh token on each redemption, answers after a little while.
    vi.stubGlobal('fetch', async (_url: string, init: { body: URLSearchParams }) => {
      const form = new URLSearchParams(init.body);
      redeemed.push({ refreshToken: form.get('refresh_token')!, scope: form.get('scope')! });
      const i = ++n;
      await new Promise((r) => setTimeout(r, 20));
      return new Response(JSON.stringify({ access_token: `access-${i}`, expires_in: 3600, refresh_token: `refresh-${i}` }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    const expired = { accessToken: 'old', expiresOn: 0 };
    const session: Session = {
      tenantId: 'tenant-1',
      tenantName: 'Contoso',
      user: { name: 'Admin', username: 'admin@contoso.com' },
      tokens: { graph: expired, cloudApps: expired },
      refreshToken: 'refresh-0',
    };
    saveSession(session);
    setActiveTenant('tenant-1');
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('renews once per resource however many calls ask at once, each refresh with the latest refresh token', async () => {
    const answers = await Promise.all([
      ...Array.from({ length: 5 }, () => getAccessToken('cloudApps')),
      ...Array.from({ length: 3 }, () => getAccessToken('graph')),
    ]);
    expect(redeemed).toHaveLength(2);
    // The second refresh waited for the first and used the refresh token it returned.
    expect(redeemed.map((r) => r.refreshToken)).toEqual(['refresh-0', 'refresh-1']);
    expect(new Set(answers.slice(0, 5)).size).toBe(1);
    expect(new Set(answers.slice(5)).size).toBe(1);
    expect(readSessions()['tenant-1']!.refreshToken).toBe('refresh-2');
    // Renewed tokens are served from the session afterwards.
    await getAccessToken('cloudApps');
    await getAccessToken('graph');
    expect(redeemed).toHaveLength(2);
  });

  it('a failed refresh fails its callers and does not block the next one', async () => {
    vi.stubGlobal(
      'fetch',
      async () => new Response(JSON.stringify({ error: 'invalid_grant', error_description: 'AADSTS70008: expired' }), { status: 400 }),
    );
    await expect(Promise.all([getAccessToken('graph'), getAccessToken('graph')])).rejects.toThrow('AADSTS70008');
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ access_token: 'fresh', expires_in: 3600 }), { status: 200 }));
    await expect(getAccessToken('graph')).resolves.toBe('fresh');
  });
});
