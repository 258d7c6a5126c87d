import crypto from 'node:crypto';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { createLocalJWKSet, jwtVerify, SignJWT, importPKCS8, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { generateSelfSignedKey } from '../../src/tls/certificates.js';
import { IDENTITY, decodeJwt, ORIGIN, postToken, registerClient, T0, type RegisteredClient } from './identity-fixture.js';

const NOW_S = T0 / 1000;
const CAS = 'https://api.cloudappsecurity.com';
const UTI_RE = /^[A-Za-z0-9_-]{22}$/;
const KID_RE = /^[A-Za-z0-9_-]{27}$/;

// reference/identity-platform.md §3: the claim set of app-only tokens, exactly.
const V1_CLAIMS = ['aio', 'appid', 'appidacr', 'aud', 'exp', 'iat', 'idp', 'iss', 'nbf', 'oid', 'rh', 'sub', 'tid', 'uti', 'ver'];
const V2_CLAIMS = ['aio', 'aud', 'azp', 'azpacr', 'exp', 'iat', 'iss', 'nbf', 'oid', 'rh', 'sub', 'tid', 'uti', 'ver'];

describe('access-token claims (reference §3)', () => {
  let fx: InProcessHarness;
  let daemon: RegisteredClient;
  let bare: RegisteredClient;
  /** A custom API that asks for v2 tokens, with one app role assigned to the daemon. */
  let api: { appId: string; uri: string };
  let jwks: JSONWebKeySet;

  beforeAll(async () => {
    fx = await inProcess(IDENTITY);
    daemon = await registerClient(fx, { displayName: 'SIEM connector', casRoles: ['Investigation.read', 'Discovery.read'] });
    bare = await registerClient(fx, { displayName: 'No permissions' });
    const apiApp = await fx.services.applications.create(fx.tenant.id, {
      displayName: 'Widgets API',
      identifierUris: ['api://widgets.contoso.test'],
      api: { requestedAccessTokenVersion: 2 },
      appRoles: [{ value: 'Widgets.Read.All', displayName: 'Read widgets', allowedMemberTypes: ['Application'] }],
    });
    const apiSp = await fx.services.servicePrincipals.create(fx.tenant.id, apiApp.appId);
    await fx.services.servicePrincipals.assign(fx.tenant.id, {
      principalId: daemon.servicePrincipalId,
      resourceId: apiSp.id,
      appRoleId: apiApp.appRoles[0]!.id,
    });
    api = { appId: apiApp.appId, uri: 'api://widgets.contoso.test' };
    jwks = (await fx.app.inject({ method: 'GET', url: `/${fx.tenant.id}/discovery/v2.0/keys` })).json() as JSONWebKeySet;
  });
  afterAll(() => fx.close());

  const v1 = (client: RegisteredClient, resource: string) =>
    postToken(fx, `/${fx.tenant.id}/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_secret: client.secret,
      resource,
    });
  const v2 = (client: RegisteredClient, scope: string) =>
    postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, {
      client_id: client.appId,
      scope,
      grant_type: 'client_credentials',
      client_secret: client.secret,
    });

  it('v1 endpoint, v1 resource: string fields, resource echoed exactly, v1 header and claims', async () => {
    const res = await v1(daemon, `${CAS}/`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json).sort()).toEqual(
      ['access_token', 'expires_in', 'expires_on', 'ext_expires_in', 'not_before', 'resource', 'token_type'].sort(),
    );
    expect(res.json).toMatchObject({
      token_type: 'Bearer',
      expires_in: '3599',
      ext_expires_in: '3599',
      expires_on: String(NOW_S + 3600),
      not_before: String(NOW_S - 300),
      resource: `${CAS}/`,
    });
    const { header, payload } = decodeJwt(res.json.access_token as string);
    expect(Object.keys(header)).toEqual(['typ', 'alg', 'x5t', 'kid']);
    expect(header).toMatchObject({ typ: 'JWT', alg: 'RS256' });
    expect(header.x5t).toBe(header.kid);
    expect(header.kid).toMatch(KID_RE);
    expect(Object.keys(payload).sort()).toEqual([...V1_CLAIMS, 'roles'].sort());
    const iss = `${ORIGIN}/${fx.tenant.id}/`;
    expect(payload).toMatchObject({
      aud: `${CAS}/`,
      iss,
      idp: iss,
      iat: NOW_S - 300,
      nbf: NOW_S - 300,
      exp: NOW_S + 3600,
      appid: daemon.appId,
      appidacr: '1',
      oid: daemon.servicePrincipalId,
      sub: daemon.servicePrincipalId,
      tid: fx.tenant.id,
      ver: '1.0',
      roles: ['Investigation.read', 'Discovery.read'],
    });
    expect(payload.uti).toMatch(UTI_RE);
    expect(payload.rh).toMatch(/^0\..+\.$/);
    expect(typeof payload.aio).toBe('string');
  });

  it('v1 audience is the resource as requested: appId GUID or identifier URI', async () => {
    const byAppId = decodeJwt((await v1(daemon, CLOUD_APP_SECURITY_APP_ID)).json.access_token as string).payload;
    expect(byAppId.aud).toBe(CLOUD_APP_SECURITY_APP_ID);
    const byUri = decodeJwt((await v1(daemon, CAS)).json.access_token as string).payload;
    expect(byUri.aud).toBe(CAS);
  });

  it('v2 endpoint, v1 resource: v2 response body (numbers) carrying a v1-format token', async () => {
    const res = await v2(daemon, `${CAS}/.default`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: expect.any(String) });
    const { header, payload } = decodeJwt(res.json.access_token as string);
    expect(header.x5t).toBe(header.kid);
    expect(payload).toMatchObject({ ver: '1.0', aud: CAS, appid: daemon.appId, iss: `${ORIGIN}/${fx.tenant.id}/` });
  });

  it('v2 resource: v2 header (no x5t) and claims; aud is the resource appId on both endpoints', async () => {
    for (const res of [await v2(bare, `${api.uri}/.default`), await v1(daemon, api.uri)]) {
      expect(res.status).toBe(200);
      const { header, payload } = decodeJwt(res.json.access_token as string);
      expect(header).toEqual({ typ: 'JWT', alg: 'RS256', kid: expect.stringMatching(KID_RE) });
      expect(payload.aud).toBe(api.appId);
      expect(payload.ver).toBe('2.0');
      expect(payload.iss).toBe(`${ORIGIN}/${fx.tenant.id}/v2.0`);
      expect(payload.iat).toBe(NOW_S - 300);
      expect(payload.nbf).toBe(NOW_S - 300);
      expect(payload.exp).toBe(NOW_S + 3600);
      expect(payload.rh).toMatch(/^1\..+\.$/);
    }
    const viaV1 = await v1(daemon, api.uri);
    // The v1 endpoint keeps its string body and echoes the resource even for a v2-format token.
    expect(viaV1.json).toMatchObject({ expires_in: '3599', resource: api.uri });
    const claims = decodeJwt(viaV1.json.access_token as string).payload;
    expect(Object.keys(claims).sort()).toEqual([...V2_CLAIMS, 'roles'].sort());
    expect(claims).toMatchObject({
      azp: daemon.appId,
      azpacr: '1',
      oid: daemon.servicePrincipalId,
      sub: daemon.servicePrincipalId,
      tid: fx.tenant.id,
      roles: ['Widgets.Read.All'],
    });
  });

  it('roles is omitted, not empty, when the client holds no role on the resource', async () => {
    const v2Token = decodeJwt((await v2(bare, `${api.uri}/.default`)).json.access_token as string).payload;
    expect(Object.keys(v2Token).sort()).toEqual(V2_CLAIMS.sort());
    const v1Token = decodeJwt((await v1(bare, CAS)).json.access_token as string).payload;
    expect(Object.keys(v1Token).sort()).toEqual(V1_CLAIMS.sort());
    expect(v1Token.oid).toBe(bare.servicePrincipalId);
  });

  it('every token has a fresh uti and verifies against the tenant JWKS with its issuer', async () => {
    const a = (await v2(daemon, `${CAS}/.default`)).json.access_token as string;
    const b = (await v2(daemon, `${CAS}/.default`)).json.access_token as string;
    expect(decodeJwt(a).payload.uti).not.toBe(decodeJwt(b).payload.uti);
    const keySet = createLocalJWKSet(jwks);
    const { payload, protectedHeader } = await jwtVerify(a, keySet, {
      issuer: `${ORIGIN}/${fx.tenant.id}/`,
      audience: CAS,
      algorithms: ['RS256'],
      currentDate: new Date(T0),
    });
    expect(payload.tid).toBe(fx.tenant.id);
    // kid = x5t = base64url(SHA-1(DER of x5c[0])).
    const published = jwks.keys.find((k) => k.kid === protectedHeader.kid)!;
    const der = Buffer.from(published.x5c![0]!, 'base64');
    expect(crypto.createHash('sha1').update(der).digest('base64url')).toBe(protectedHeader.kid);
    expect(published.x5t).toBe(protectedHeader.kid);
  });

  it('oid/sub name the client service principal of the tenant the token is for (multi-tenant app)', async () => {
    const multi = await registerClient(fx, { displayName: 'Multi-tenant daemon', signInAudience: 'AzureADMultipleOrgs' });
    const fabrikam = await fx.services.tenants.create({ name: 'fabrikam', displayName: 'Fabrikam' });
    const spThere = await fx.services.servicePrincipals.create(fabrikam.id, multi.appId);
    const res = await postToken(fx, `/${fabrikam.domain}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: multi.appId,
      client_secret: multi.secret,
      scope: `${CAS}/.default`,
    });
    expect(res.status).toBe(200);
    const claims = decodeJwt(res.json.access_token as string).payload;
    expect(claims.tid).toBe(fabrikam.id);
    expect(claims.iss).toBe(`${ORIGIN}/${fabrikam.id}/`);
    expect(claims.oid).toBe(spThere.id);
    expect(claims.sub).toBe(spThere.id);
    expect(claims.oid).not.toBe(multi.servicePrincipalId);
    expect(claims.roles).toBeUndefined();
  });

  it('a certificate assertion gives appidacr/azpacr "2"', async () => {
    const cert = await generateSelfSignedKey('unit-test-client', 1, new Date(T0 - 86400_000));
    const client = await registerClient(fx, { displayName: 'Certificate daemon' });
    const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
    await fx.services.applications.update(app, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDer.toString('base64') }],
    });
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: crypto.createHash('sha1').update(cert.certDer).digest('base64url') })
      .setIssuer(client.appId)
      .setSubject(client.appId)
      .setAudience(`${ORIGIN}/${fx.tenant.id}/oauth2/v2.0/token`)
      .setIssuedAt(NOW_S)
      .setNotBefore(NOW_S)
      .setExpirationTime(NOW_S + 600)
      .sign(await importPKCS8(cert.privateKeyPem, 'RS256'));
    const form = {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    const v1Res = await postToken(fx, `/${fx.tenant.id}/oauth2/token`, { ...form, resource: CAS });
    expect(v1Res.status).toBe(200);
    expect(decodeJwt(v1Res.json.access_token as string).payload.appidacr).toBe('2');
    const v2Res = await postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, { ...form, scope: `${api.uri}/.default` });
    expect(v2Res.status).toBe(200);
    expect(decodeJwt(v2Res.json.access_token as string).payload.azpacr).toBe('2');

    // Python MSAL signs `exp` and `iat` as floats (time.time() + 600).
    const floatAssertion = await new SignJWT({ jti: crypto.randomUUID(), exp: NOW_S + 600.25, iat: NOW_S + 0.25 })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', x5t: crypto.createHash('sha1').update(cert.certDer).digest('base64url') })
      .setIssuer(client.appId)
      .setSubject(client.appId)
      .setAudience(`${ORIGIN}/${fx.tenant.domain}/oauth2/token`)
      .sign(await importPKCS8(cert.privateKeyPem, 'RS256'));
    const floatRes = await postToken(fx, `/${fx.tenant.id}/oauth2/token`, { ...form, client_assertion: floatAssertion, resource: CAS });
    expect(floatRes.status, JSON.stringify(floatRes.json)).toBe(200);
  });
});
