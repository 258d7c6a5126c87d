import crypto from 'node:crypto';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { generateSelfSignedKey } from '../../src/tls/certificates.js';
import { IDENTITY, ORIGIN, postToken, registerClient, T0, type RegisteredClient } from './identity-fixture.js';

const NOW_S = T0 / 1000;
const CAS = 'https://api.cloudappsecurity.com';

describe('client assertions: replay and lifetime', () => {
  let fx: InProcessHarness;
  let client: RegisteredClient;
  let sign: (claims: { jti?: string; exp?: number }) => Promise<string>;

  beforeAll(async () => {
    fx = await inProcess(IDENTITY);
    const cert = await generateSelfSignedKey('assertion-replay', 1, new Date(T0 - 86400_000));
    client = await registerClient(fx, { displayName: 'Certificate daemon', casRoles: ['Investigation.read'] });
    const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
    await fx.services.applications.update(app, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDer.toString('base64') }],
    });
    const key = await importPKCS8(cert.privateKeyPem, 'RS256');
    sign = (claims) =>
      new SignJWT({ jti: claims.jti ?? crypto.randomUUID() })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: crypto.createHash('sha1').update(cert.certDer).digest('base64url') })
        .setIssuer(client.appId)
        .setSubject(client.appId)
        .setAudience(`${ORIGIN}/${fx.tenant.id}/oauth2/token`)
        .setIssuedAt(NOW_S)
        .setExpirationTime(claims.exp ?? NOW_S + 600)
        .sign(key);
  });
  afterAll(() => fx?.close());

  const redeem = (assertion: string, resource: string) =>
    postToken(fx, `/${fx.tenant.id}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      resource,
    });

  it('one assertion is redeemed once per resource, whatever the spelling of the resource', async () => {
    const assertion = await sign({});
    expect((await redeem(assertion, CAS)).status).toBe(200);
    for (const spelling of [`${CAS}/`, `${CAS}//`, CAS.toUpperCase(), CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_APP_ID.toUpperCase()]) {
      const again = await redeem(assertion, spelling);
      expect(again.status, spelling).toBe(401);
      expect(again.json.error_codes, spelling).toEqual([700025]);
    }
  });

  it('refuses an assertion that stays valid for more than an hour (AADSTS700024)', async () => {
    const tenYears = await redeem(await sign({ exp: NOW_S + 10 * 365 * 86400 }), CAS);
    expect(tenYears.status).toBe(401);
    expect(tenYears.json.error_codes).toEqual([700024]);
    expect(tenYears.json.error_description).toMatch(/more than 3600 seconds from now/);
    // An hour (MSAL uses ten minutes), with the clock skew allowance on top, is accepted.
    expect((await redeem(await sign({ exp: NOW_S + 3600 + 300 }), CAS)).status).toBe(200);
  });
});
