import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryReadCache } from '../../src/identity/directory-read-cache.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';
import type { RunningServer } from '../../src/main.js';

const MCAS = '05a65629-4c1b-48c1-a78b-804c4abdd4af';

describe('DirectoryReadCache', () => {
  it('serves an entry until the change stamp moves', async () => {
    let stamp = 1;
    let loads = 0;
    const cache = new DirectoryReadCache(() => String(stamp));
    const load = async () => ({ n: ++loads });
    expect(await cache.get('k', load)).toEqual({ n: 1 });
    expect(await cache.get('k', load)).toEqual({ n: 1 });
    stamp++;
    expect(await cache.get('k', load)).toEqual({ n: 2 });
  });

  it('does not keep a value when a write happened while it loaded', async () => {
    let stamp = 1;
    let loads = 0;
    const cache = new DirectoryReadCache(() => String(stamp));
    await cache.get('k', async () => {
      stamp++;
      return ++loads;
    });
    expect(await cache.get('k', async () => ++loads)).toBe(2);
  });

  it('freezes shared entries', async () => {
    const cache = new DirectoryReadCache(() => '1');
    const v = await cache.get('k', async () => ({ roles: ['a'] }));
    expect(Object.isFrozen(v) && Object.isFrozen(v.roles)).toBe(true);
  });
});

describe('token endpoint with cached directory reads', () => {
  let live: ListeningHarness;
  let server: RunningServer;
  let tenantId: string;
  let clientId: string;
  let clientSecret: string;

  const token = async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: `/${tenantId}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: `${MCAS}/.default`,
      }).toString(),
    });
    const body = res.json() as Record<string, unknown>;
    const claims =
      typeof body.access_token === 'string'
        ? (JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>)
        : undefined;
    return { status: res.statusCode, body, claims };
  };

  beforeAll(async () => {
    live = await listening();
    server = live.server;
    ({ tenantId } = server.demo!.tenants.contoso);
    ({ clientId, clientSecret } = server.demo!.tenants.contoso.daemon!);
  });
  afterAll(() => live?.close());

  it('sees a revoked role, a disabled client and a removed secret on the next request', async () => {
    const { services } = server;
    const first = await token();
    expect(first.status).toBe(200);
    expect((first.claims!.roles as string[]).length).toBe(6);
    expect((await token()).status).toBe(200);

    const sp = (await services.servicePrincipals.getByAppId(tenantId, clientId))!;
    const [assignment] = await services.servicePrincipals.assignmentsOfPrincipal(tenantId, sp.id);
    await services.servicePrincipals.unassign(tenantId, assignment!.id);
    expect((await token()).claims!.roles as string[]).toHaveLength(5);

    await services.servicePrincipals.update(sp, { accountEnabled: false });
    const disabled = await token();
    expect(disabled.status).toBe(400);
    expect(disabled.body.error_codes).toEqual([7000112]);
    await services.servicePrincipals.update((await services.servicePrincipals.getByAppId(tenantId, clientId))!, { accountEnabled: true });
    expect((await token()).status).toBe(200);

    const app = (await services.applications.findAnyByAppId(clientId))!;
    for (const p of await services.applications.passwordCredentials(app)) await services.applications.removePassword(app, p.keyId);
    const removed = await token();
    expect(removed.status).toBe(401);
    expect(removed.body.error).toBe('invalid_client');
  });
});
