import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { FrozenClock } from '../../src/clock.js';
import { createIdentityFixture, decodeJwt, ORIGIN, postToken, registerClient, T0, type IdentityFixture } from './identity-fixture.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const CAS = 'https://api.cloudappsecurity.com';

async function publishedKids(fx: IdentityFixture, v2 = true): Promise<string[]> {
  const res = await fx.app.inject({ method: 'GET', url: `/${fx.tenant.domain}/discovery/${v2 ? 'v2.0/' : ''}keys` });
  expect(res.statusCode).toBe(200);
  return (res.json() as JSONWebKeySet).keys.map((k) => k.kid!).sort();
}

async function jwks(fx: IdentityFixture): Promise<JSONWebKeySet> {
  return (await fx.app.inject({ method: 'GET', url: `/${fx.tenant.id}/discovery/keys` })).json() as JSONWebKeySet;
}

async function issue(fx: IdentityFixture, client: { appId: string; secret: string }): Promise<string> {
  const res = await postToken(fx, `/${fx.tenant.id}/oauth2/token`, {
    grant_type: 'client_credentials',
    client_id: client.appId,
    client_secret: client.secret,
    resource: CAS,
  });
  expect(res.status).toBe(200);
  return res.json.access_token as string;
}

const kidOf = (token: string) => decodeJwt(token).header.kid as string;

describe('signing keys: rotation on a frozen clock', () => {
  let fx: IdentityFixture | undefined;
  afterEach(async () => {
    await fx?.close();
    fx = undefined;
  });

  it('publishes the next key before it signs and keeps the retired key until its tokens have expired', async () => {
    fx = await createIdentityFixture({ config: { keyPublishLeadHours: 24 } });
    // Secrets must outlive the 2-day walk below; the default two years does.
    const client = await registerClient(fx, { casRoles: ['Settings.read'] });
    const first = await issue(fx, client);
    const oldKid = kidOf(first);
    expect(await publishedKids(fx)).toEqual([oldKid]);

    const newKid = await fx.services.signingKeys.rotate(fx.tenant.id);
    expect(newKid).not.toBe(oldKid);
    // Published at once, in both JWKS documents...
    expect(await publishedKids(fx)).toEqual([oldKid, newKid].sort());
    expect(await publishedKids(fx, false)).toEqual([oldKid, newKid].sort());
    // ...but the old key keeps signing until the lead time has passed.
    fx.clock.advance(24 * HOUR - 1000);
    const lastOld = await issue(fx, client);
    expect(kidOf(lastOld)).toBe(oldKid);

    fx.clock.advance(1000);
    const firstNew = await issue(fx, client);
    expect(kidOf(firstNew)).toBe(newKid);
    await fx.services.signingKeys.maintain(fx.tenant.id);

    // The last token signed by the old key expires an hour later; until then its key stays published.
    const lastOldExp = decodeJwt(lastOld).payload.exp as number;
    fx.clock.set(lastOldExp * 1000);
    await fx.services.signingKeys.maintain(fx.tenant.id);
    expect(await publishedKids(fx)).toEqual([oldKid, newKid].sort());
    const verified = await jwtVerify(lastOld, createLocalJWKSet(await jwks(fx)), {
      issuer: `${ORIGIN}/${fx.tenant.id}/`,
      audience: CAS,
      currentDate: new Date(lastOldExp * 1000 - 1000),
    });
    expect(verified.protectedHeader.kid).toBe(oldKid);

    // Past the successor's activation plus the lifetime plus five minutes of skew it is withdrawn and deleted.
    const activation = (lastOldExp - 3600 + 1) * 1000;
    fx.clock.set(activation + 3900_000);
    expect(await publishedKids(fx)).toEqual([oldKid, newKid].sort());
    fx.clock.advance(1);
    await fx.services.signingKeys.maintain(fx.tenant.id);
    expect(await publishedKids(fx)).toEqual([newKid]);
    expect((await fx.services.signingKeys.keys(fx.tenant.id)).map((k) => k.kid)).toEqual([newKid]);
    expect(kidOf(await issue(fx, client))).toBe(newKid);
  });

  it('schedules a rotation when the signing key is older than keyRotationDays', async () => {
    fx = await createIdentityFixture({ config: { keyRotationDays: 30, keyPublishLeadHours: 24 } });
    const client = await registerClient(fx);
    const oldKid = kidOf(await issue(fx, client));
    fx.clock.advance(29 * DAY);
    await fx.services.signingKeys.maintain(fx.tenant.id);
    expect(await publishedKids(fx)).toEqual([oldKid]);

    fx.clock.advance(2 * DAY);
    await fx.services.signingKeys.maintain(fx.tenant.id);
    const kids = await publishedKids(fx);
    expect(kids).toHaveLength(2);
    const newKid = kids.find((k) => k !== oldKid)!;
    expect(kidOf(await issue(fx, client))).toBe(oldKid);
    // A second maintenance pass does not stack another key.
    await fx.services.signingKeys.maintain(fx.tenant.id);
    expect(await publishedKids(fx)).toHaveLength(2);

    fx.clock.advance(24 * HOUR);
    expect(kidOf(await issue(fx, client))).toBe(newKid);
  });

  it('an emergency rotation signs with the new key at once and still publishes the old one', async () => {
    fx = await createIdentityFixture();
    const client = await registerClient(fx);
    const oldKid = kidOf(await issue(fx, client));
    const res = await fx.app.inject({
      method: 'POST',
      url: `/admin/tenants/${fx.tenant.domain}/keys/rotate`,
      headers: { authorization: 'Bearer awop_unit-test-operator-key' },
      payload: { immediate: true },
    });
    expect(res.statusCode).toBe(200);
    const newKid = (res.json() as { newKid: string }).newKid;
    expect(kidOf(await issue(fx, client))).toBe(newKid);
    expect(await publishedKids(fx)).toEqual([oldKid, newKid].sort());
  });

  it('keeps the same kid (and JWKS) after a restart with the same data directory', async () => {
    fx = await createIdentityFixture();
    const client = await registerClient(fx);
    const before = await issue(fx, client);
    const jwksBefore = await jwks(fx);
    const { dataDir, databaseUrl } = fx;
    await fx.close({ keepDataDir: true });

    fx = await createIdentityFixture({ dataDir, databaseUrl, createTenant: false, clock: new FrozenClock(T0 + 60_000) });
    const after = await issue(fx, client);
    expect(kidOf(after)).toBe(kidOf(before));
    expect(await jwks(fx)).toEqual(jwksBefore);
    // A token issued before the restart still verifies against the keys published after it.
    await jwtVerify(before, createLocalJWKSet(await jwks(fx)), { audience: CAS, currentDate: new Date(T0 + 60_000) });
  });
});
