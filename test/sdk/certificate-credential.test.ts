import crypto from 'node:crypto';
import { inProcess, type InProcessHarness } from '../support/harness.js';
import { ClientCertificateCredential, decodeJwt, type FetchLike } from '@appwarden/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSelfSignedKey, type GeneratedKeyCert } from '../../packages/server/src/tls/certificates.js';
import { IDENTITY, ORIGIN, registerClient, T0, type RegisteredClient } from '../../packages/server/test/identity/identity-fixture.js';

// The SDK's certificate credential signs its client assertion with jose; Appwarden's token
// endpoint (jose's jwtVerify behind it) is the judge. Requests go through `inject`, no listener.

let fx: InProcessHarness;
let client: RegisteredClient;
let cert: GeneratedKeyCert;

/** fetch over the in-process app, recording the assertions sent. */
function injectFetch(sent: string[]): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const body = String(init?.body ?? '');
    const assertion = new URLSearchParams(body).get('client_assertion');
    if (assertion) sent.push(assertion);
    const res = await fx.app.inject({
      method: 'POST',
      url: url.pathname,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      payload: body,
    });
    return new Response(res.body, { status: res.statusCode, headers: { 'content-type': 'application/json' } });
  };
}

beforeAll(async () => {
  fx = await inProcess({ ...IDENTITY });
  cert = await generateSelfSignedKey('sdk-certificate-credential', 1, new Date(T0 - 86400_000));
  client = await registerClient(fx, { displayName: 'SDK certificate daemon', casRoles: ['Investigation.read'] });
  const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
  await fx.services.applications.update(app, {
    keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDer.toString('base64') }],
  });
});
afterAll(() => fx.close());

const pem = (key: string) => `${cert.certPem}\n${key}`;

describe('ClientCertificateCredential', () => {
  it.each([
    ['RS256 with x5t, PKCS#8 key', false, () => cert.privateKeyPem],
    [
      'PS256 with x5t#S256, PKCS#1 key',
      true,
      () => crypto.createPrivateKey(cert.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString(),
    ],
  ])('%s: the token endpoint accepts the assertion (appidacr 2)', async (_name, useSha256Thumbprint, key) => {
    const sent: string[] = [];
    const credential = new ClientCertificateCredential(fx.tenant.id, client.appId, pem(key()), {
      authorityHost: ORIGIN,
      fetch: injectFetch(sent),
      now: () => fx.clock.now(),
      useSha256Thumbprint,
    });
    const token = await credential.getToken('https://api.cloudappsecurity.com/.default');
    expect(decodeJwt(token.token).payload.appidacr).toBe('2');

    const assertion = decodeJwt(sent[0]!);
    const thumbprint = crypto
      .createHash(useSha256Thumbprint ? 'sha256' : 'sha1')
      .update(cert.certDer)
      .digest('base64url');
    expect(assertion.header).toEqual(
      useSha256Thumbprint ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': thumbprint } : { alg: 'RS256', typ: 'JWT', x5t: thumbprint },
    );
    // The credential's clock, not the machine's, dates the assertion.
    expect(assertion.payload).toMatchObject({
      aud: `${ORIGIN}/${fx.tenant.id}/oauth2/v2.0/token`,
      iss: client.appId,
      sub: client.appId,
      nbf: T0 / 1000,
      iat: T0 / 1000,
      exp: T0 / 1000 + 600,
    });
    expect(assertion.payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('decodeJwt', () => {
  it('decodes header and payload, with or without a signature, and names what is wrong otherwise', () => {
    const h = Buffer.from('{"alg":"RS256","kid":"k"}').toString('base64url');
    const p = Buffer.from('{"sub":"x","exp":1}').toString('base64url');
    expect(decodeJwt(`${h}.${p}.c2ln`)).toEqual({ header: { alg: 'RS256', kid: 'k' }, payload: { sub: 'x', exp: 1 } });
    expect(decodeJwt(` ${h}.${p}\n`).payload).toEqual({ sub: 'x', exp: 1 });
    expect(() => decodeJwt('abc')).toThrow(/^not a JWT/);
    expect(() => decodeJwt(`${h}.bm90IGpzb24.c2ln`)).toThrow(/^not a JWT/);
  });
});
