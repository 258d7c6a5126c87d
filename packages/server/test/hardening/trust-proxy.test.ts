// Behind a reverse proxy every client shares the proxy's address, so the client-authentication
// lockout (keyed by client + source) would lock everyone out together. With trustProxy the
// forwarded client address keys it; without, X-Forwarded-For is ignored (it is client-controlled).
import { afterEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { IDENTITY, registerClient } from '../identity/identity-fixture.js';

let fx: InProcessHarness | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

async function run(trustProxy: string | undefined) {
  fx = await inProcess({ ...IDENTITY, config: { clientAuthFailuresPerMinute: 5, ...(trustProxy ? { trustProxy } : {}) } });
  const daemon = await registerClient(fx, { displayName: 'Daemon' });
  const attempt = (secret: string, forwardedFor: string) =>
    fx!.app.inject({
      method: 'POST',
      url: `/${fx!.tenant.id}/oauth2/v2.0/token`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: daemon.appId,
        client_secret: secret,
        scope: 'https://api.cloudappsecurity.com/.default',
      }).toString(),
      remoteAddress: '10.0.0.5',
    });
  for (let i = 0; i < 6; i++) await attempt(`wrong-${i}`, '203.0.113.7');
  return {
    attacker: (await attempt(daemon.secret, '203.0.113.7')).statusCode,
    other: (await attempt(daemon.secret, '198.51.100.2')).statusCode,
  };
}

it('keys the lockout by the forwarded address when the proxy is trusted', async () => {
  expect(await run('10.0.0.0/8')).toEqual({ attacker: 429, other: 200 });
});

it('ignores X-Forwarded-For by default', async () => {
  // Everyone behind the untrusted peer is one source: the attacker's failures lock the daemon out there.
  expect(await run(undefined)).toEqual({ attacker: 429, other: 429 });
});

it('validates the setting at start', () => {
  expect(() => loadConfig({ trustProxy: 'everyone' }, {})).toThrow(/trustProxy \(APPWARDEN_TRUST_PROXY\)/);
  expect(loadConfig({ trustProxy: ' 127.0.0.1, 10.0.0.0/8 ,loopback' }, {}).trustProxy).toBe('127.0.0.1,10.0.0.0/8,loopback');
  expect(loadConfig({}, {}).trustProxy).toBeUndefined();
});
