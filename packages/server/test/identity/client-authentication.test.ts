import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import type { EntraError } from '../../src/http/errors.js';
import {
  checkUserCredentials,
  PASSWORD_CHECK_QUEUE_PER_SOURCE,
  PASSWORD_CHECKS_PER_SOURCE,
} from '../../src/identity/sign-in/credential-check.js';
import { IDENTITY, postToken, registerClient, T0 } from './identity-fixture.js';

const CAS_SCOPE = 'https://api.cloudappsecurity.com/.default';

/** A client-credentials token request from a given peer address. */
async function postTokenFrom(fx: InProcessHarness, remoteAddress: string, form: Record<string, string>) {
  const res = await fx.app.inject({
    method: 'POST',
    url: `/${fx.tenant.id}/oauth2/v2.0/token`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
    remoteAddress,
  });
  return { status: res.statusCode, headers: res.headers, json: res.json() as Record<string, unknown> };
}

describe('client secrets: validity period', () => {
  let fx: InProcessHarness | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('accepts a secret until its endDateTime, then answers 401 invalid_client AADSTS7000222', async () => {
    fx = await inProcess(IDENTITY);
    const end = new Date(T0 + 3 * 86400_000);
    const client = await registerClient(fx, { secretEnd: end.toISOString() });
    const request = () =>
      postToken(fx!, `/${fx!.tenant.id}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: client.appId,
        client_secret: client.secret,
        scope: CAS_SCOPE,
      });
    fx.clock.set(end.getTime() - 1);
    expect((await request()).status).toBe(200);
    fx.clock.set(end.getTime());
    const expired = await request();
    expect(expired.status).toBe(401);
    expect(expired.json.error).toBe('invalid_client');
    expect(expired.json.error_codes).toEqual([7000222]);
    expect(expired.json.error_description).toMatch(
      new RegExp(`^AADSTS7000222: The provided client secret keys for app '${client.appId}' are expired\\.`),
    );
  });

  it('a secret whose startDateTime is in the future is not accepted yet (AADSTS7000215)', async () => {
    fx = await inProcess(IDENTITY);
    const client = await registerClient(fx);
    const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
    const future = await fx.services.applications.addPassword(app, { startDateTime: new Date(T0 + 86400_000).toISOString() });
    const form = { grant_type: 'client_credentials', client_id: client.appId, client_secret: future.secretText, scope: CAS_SCOPE };
    const early = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form);
    expect(early.status).toBe(401);
    expect(early.json.error_codes).toEqual([7000215]);
    fx.clock.advance(86400_000);
    expect((await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form)).status).toBe(200);
  });

  it('a removed secret stops working at once', async () => {
    fx = await inProcess(IDENTITY);
    const client = await registerClient(fx);
    const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
    const [pc] = await fx.services.applications.passwordCredentials(app);
    await fx.services.applications.removePassword(app, pc!.keyId);
    const res = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_secret: client.secret,
      scope: CAS_SCOPE,
    });
    expect(res.status).toBe(401);
    expect(res.json.error_codes).toEqual([7000215]);
  });
});

describe('brute-force protection on client authentication', () => {
  let fx: InProcessHarness | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('locks a source out for a client with 429, Retry-After and AADSTS50196 after too many failures, until the minute is over', async () => {
    fx = await inProcess({ ...IDENTITY, config: { clientAuthFailuresPerMinute: 5 } });
    const victim = await registerClient(fx, { displayName: 'Victim' });
    const bystander = await registerClient(fx, { displayName: 'Bystander' });
    const attacker = '203.0.113.7';
    const attempt = (client: { appId: string }, secret: string, from = attacker) =>
      postTokenFrom(fx!, from, {
        grant_type: 'client_credentials',
        client_id: client.appId,
        client_secret: secret,
        scope: CAS_SCOPE,
      });
    for (let i = 0; i < 5; i++) {
      fx.clock.advance(1000);
      expect((await attempt(victim, `wrong-${i}`)).status).toBe(401);
    }
    fx.clock.advance(10_000);
    // Windows are clock minutes (shared across processes): T0 is on a minute, now is T0 + 15 s.
    const locked = await attempt(victim, 'wrong-again');
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('45');
    expect(locked.headers['cache-control']).toBe('no-store, no-cache');
    expect(locked.json.error).toBe('temporarily_unavailable');
    expect(locked.json.error_codes).toEqual([50196]);
    expect(locked.json.error_description).toMatch(/^AADSTS50196: .*Retry after 45 seconds\./);
    // The right secret is refused too from the locked source: guessing stays bounded.
    expect((await attempt(victim, victim.secret)).status).toBe(429);
    // Other clients are unaffected.
    expect((await attempt(bystander, bystander.secret)).status).toBe(200);

    fx.clock.advance(44_000);
    expect((await attempt(victim, victim.secret)).status).toBe(429);
    fx.clock.advance(1_000);
    expect((await attempt(victim, victim.secret)).status).toBe(200);
  });

  it('an attacker who knows only the client id cannot lock the real daemon out', async () => {
    fx = await inProcess({ ...IDENTITY, config: { clientAuthFailuresPerMinute: 20 } });
    const daemon = await registerClient(fx, { displayName: 'Daemon' });
    const form = (secret: string) => ({
      grant_type: 'client_credentials',
      client_id: daemon.appId,
      client_secret: secret,
      scope: CAS_SCOPE,
    });
    for (let i = 0; i < 25; i++) await postTokenFrom(fx, '203.0.113.7', form(`guess-${i}`));
    // A rotating IPv6 attacker inside one /64 counts as one source.
    for (let i = 0; i < 25; i++) await postTokenFrom(fx, `2001:db8:1:2::${(i + 1).toString(16)}`, form(`guess-${i}`));
    expect((await postTokenFrom(fx, '2001:db8:1:2:ffff::1', form(daemon.secret))).status).toBe(429);
    expect((await postTokenFrom(fx, '203.0.113.7', form(daemon.secret))).status).toBe(429);
    // The daemon, from its own address, gets its token.
    const ok = await postTokenFrom(fx, '198.51.100.2', form(daemon.secret));
    expect(ok.status).toBe(200);
    expect(typeof ok.json.access_token).toBe('string');
  });

  it('does not count errors that are not client authentication failures', async () => {
    fx = await inProcess({ ...IDENTITY, config: { clientAuthFailuresPerMinute: 2 } });
    const client = await registerClient(fx);
    for (let i = 0; i < 5; i++) {
      const res = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: client.appId,
        client_secret: client.secret,
        scope: 'https://unknown.example/.default',
      });
      expect(res.json.error_codes).toEqual([500011]);
    }
    const ok = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_secret: client.secret,
      scope: CAS_SCOPE,
    });
    expect(ok.status).toBe(200);
  });
});

describe('per-tenant admission on the token endpoint (issue 12)', () => {
  let fx: InProcessHarness | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  const form = (client: { appId: string; secret: string }) => ({
    grant_type: 'client_credentials',
    client_id: client.appId,
    client_secret: client.secret,
    scope: CAS_SCOPE,
  });

  it('a tenant whose slots and queue are taken gets 429 AADSTS50196 with Retry-After, another tenant is served at once', async () => {
    fx = await inProcess({ ...IDENTITY, config: { tokenConcurrencyPerTenant: 1, tokenQueuePerTenant: 1 } });
    const busy = await registerClient(fx, { displayName: 'Busy tenant daemon' });
    const other = await fx.services.tenants.create({ name: 'fabrikam', displayName: 'Fabrikam' });
    const calm = await registerClient(fx, { displayName: 'Other tenant daemon', tenantId: other.id });
    // One request of the busy tenant runs (holds the slot), one waits in its queue.
    const release = await fx.services.admission.acquire(fx.tenant.id);
    const queued = postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form(busy));
    await vi.waitFor(() => expect(fx!.services.admission.load(fx!.tenant.id).waiting).toBe(1));

    const refused = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form(busy));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json.error).toBe('temporarily_unavailable');
    expect(refused.json.error_codes).toEqual([50196]);
    // The other tenant has its own slots.
    expect((await postToken(fx, `/${other.id}/oauth2/v2.0/token`, form(calm))).status).toBe(200);

    // The slot passes to the queued request, in order, and then the tenant is idle again.
    release();
    expect((await queued).status).toBe(200);
    expect(fx.services.admission.load(fx.tenant.id)).toEqual({ running: 0, waiting: 0 });
    expect((await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form(busy))).status).toBe(200);
  });

  it('gives the slot back when a request fails (wrong secret, unknown client)', async () => {
    fx = await inProcess({ ...IDENTITY, config: { tokenConcurrencyPerTenant: 1, tokenQueuePerTenant: 0 } });
    const daemon = await registerClient(fx);
    for (let i = 0; i < 3; i++) {
      expect((await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form({ ...daemon, secret: `wrong-${i}` }))).status).toBe(401);
      expect((await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form({ ...daemon, appId: crypto.randomUUID() }))).status).toBe(400);
    }
    expect(fx.services.admission.load(fx.tenant.id)).toEqual({ running: 0, waiting: 0 });
    expect((await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, form(daemon))).status).toBe(200);
  });
});

describe('password checks per source (issue 12)', () => {
  let fx: InProcessHarness | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('a source with all its scrypt slots and queue taken is refused with AADSTS50196; another source is checked', async () => {
    fx = await inProcess(IDENTITY);
    const spray = '203.0.113.9';
    const held = [];
    for (let i = 0; i < PASSWORD_CHECKS_PER_SOURCE; i++) held.push(await fx.services.passwordChecks.acquire(spray));
    const queued = Array.from({ length: PASSWORD_CHECK_QUEUE_PER_SOURCE }, () => fx!.services.passwordChecks.acquire(spray));
    expect(fx.services.passwordChecks.load(spray)).toEqual({
      running: PASSWORD_CHECKS_PER_SOURCE,
      waiting: PASSWORD_CHECK_QUEUE_PER_SOURCE,
    });
    const check = (source: string) =>
      checkUserCredentials(fx!.services, fx!.tenant, `nobody-${source}@contoso.onmicrosoft.com`, 'wrong', source).then(
        () => 'accepted',
        (e: EntraError) => e.aadsts,
      );
    expect(await check(spray)).toBe(50196);
    // The same /64 is the same source; another address is not held up.
    expect(await check('198.51.100.1')).toBe(50126);
    for (const r of held) r();
    for (const q of queued) (await q)();
    expect(fx.services.passwordChecks.load(spray)).toEqual({ running: 0, waiting: 0 });
    expect(await check(spray)).toBe(50126);
  });
});
