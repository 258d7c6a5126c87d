import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let fields: Record<string, string>;

beforeAll(async () => {
  h = await inProcess({ origin: 'https://localhost:1', operatorKey: null });
  const client = await h.services.applications.create(h.demo.tenants.contoso.tenantId, {
    displayName: 'Partner connector',
    signInAudience: 'AzureADMultipleOrgs',
    web: { redirectUris: ['https://partner.example/permissions'] },
    requiredResourceAccess: [
      { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: [{ id: CLOUD_APP_SECURITY_ROLES[0]!.id, type: 'Role' }] },
    ],
  });
  const page = await h.app.inject({ method: 'GET', url: `/common/adminconsent?client_id=${client.appId}` });
  expect(page.statusCode).toBe(200);
  fields = {};
  for (const m of page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  }
});
afterAll(() => h?.close());

const consent = (username: string, password: string) =>
  h.app.inject({
    method: 'POST',
    url: '/appwarden/consent',
    payload: new URLSearchParams({ ...fields, username, password, decision: 'accept' }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

describe('the consent page sign-in', () => {
  it('answers an unknown user name with the same scrypt work as a real one', async () => {
    const admin = h.demo.tenants.fabrikam.admin;
    const time = async (username: string) => {
      const started = process.hrtime.bigint();
      const res = await consent(username, 'not-the-password');
      expect(res.statusCode).toBe(401);
      return Number(process.hrtime.bigint() - started);
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, and fewer than the lockout threshold for the real account.
    for (let i = 0; i < 5; i++) {
      known.push(await time(admin.username));
      unknown.push(await time(`nobody-${i}@fabrikam.example`));
    }
    // Without the dummy scrypt an unknown name answered ~8x faster; equal work keeps the ratio near 1.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
  });

  it('locks the account after 10 wrong passwords in a minute: the right one is refused until the minute is over', async () => {
    const admin = h.demo.tenants.contoso.admin;
    for (let i = 0; i < 10; i++) expect((await consent(admin.username, `guess-${i}`)).statusCode).toBe(401);
    const locked = await consent(admin.username, admin.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('locked');
    h.clock.advance(60_000);
    const granted = await consent(admin.username, admin.password);
    expect(granted.statusCode).toBe(200);
    expect(granted.body).toContain('Consent granted');
  });
});
