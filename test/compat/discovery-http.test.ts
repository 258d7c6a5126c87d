import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

interface Jwk {
  kid: string;
  x5t: string;
  n: string;
  e: string;
  kty: string;
  use: string;
  x5c: string[];
  issuer?: string;
}

/** OpenID metadata, JWKS and instance discovery over HTTPS, as MSAL and token validators read them (reference §4). */
describe('discovery and JWKS over HTTPS', () => {
  let s: ListeningHarness;
  let tenantId: string;
  let domain: string;

  beforeAll(async () => {
    s = await listening();
    ({ tenantId, domain } = s.demo.tenants.contoso);
  });
  afterAll(() => s?.close());

  it('v2 openid-configuration by GUID and by domain (any case) names the GUID everywhere', async () => {
    for (const segment of [tenantId, domain, domain.toUpperCase()]) {
      const res = await s.get(`/${segment}/v2.0/.well-known/openid-configuration`);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('max-age=86400, private');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.json()).toMatchObject({
        issuer: `${s.url}/${tenantId}/v2.0`,
        token_endpoint: `${s.url}/${tenantId}/oauth2/v2.0/token`,
        authorization_endpoint: `${s.url}/${tenantId}/oauth2/v2.0/authorize`,
        jwks_uri: `${s.url}/${tenantId}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        id_token_signing_alg_values_supported: ['RS256'],
        tenant_region_scope: 'WW',
      });
    }
  });

  it('v1 openid-configuration: v1 issuer and endpoints', async () => {
    const res = await s.get(`/${domain}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: `${s.url}/${tenantId}/`,
      token_endpoint: `${s.url}/${tenantId}/oauth2/token`,
      jwks_uri: `${s.url}/${tenantId}/discovery/keys`,
    });
  });

  it('common and organizations: {tenantid} issuer templates, no region', async () => {
    for (const alias of ['common', 'organizations']) {
      const v2 = (await s.get(`/${alias}/v2.0/.well-known/openid-configuration`)).json();
      expect(v2).toMatchObject({
        issuer: `${s.url}/{tenantid}/v2.0`,
        token_endpoint: `${s.url}/${alias}/oauth2/v2.0/token`,
        tenant_region_scope: null,
      });
      const v1 = (await s.get(`/${alias}/.well-known/openid-configuration`)).json();
      expect(v1.issuer).toBe(`${s.url}/{tenantid}/`);
    }
  });

  it('JWKS: v2 keys carry the tenant issuer, v1 keys none; kid = x5t = base64url(SHA-1(x5c[0]))', async () => {
    const v2 = (await s.get(`/${tenantId}/discovery/v2.0/keys`)).json<{ keys: Jwk[] }>().keys;
    const v1 = (await s.get(`/${domain}/discovery/keys`)).json<{ keys: Jwk[] }>().keys;
    expect(v2.length).toBeGreaterThanOrEqual(1);
    expect(v1.map((k) => k.kid)).toEqual(v2.map((k) => k.kid));
    for (const k of v2) {
      expect(k).toMatchObject({ kty: 'RSA', use: 'sig', e: 'AQAB', issuer: `${s.url}/${tenantId}/v2.0` });
      expect(k.x5t).toBe(k.kid);
      const der = Buffer.from(k.x5c[0]!, 'base64');
      expect(crypto.createHash('sha1').update(der).digest('base64url')).toBe(k.kid);
      // The certificate holds the same public key as n/e.
      const fromCert = new crypto.X509Certificate(der).publicKey.export({ format: 'jwk' });
      expect(fromCert.n).toBe(k.n);
    }
    for (const k of v1) expect(k.issuer).toBeUndefined();
  });

  it('common JWKS publishes every tenant key with the issuer template', async () => {
    const common = (await s.get('/common/discovery/v2.0/keys')).json<{ keys: Jwk[] }>().keys;
    const fabrikam = (await s.get(`/${s.demo.tenants.fabrikam.tenantId}/discovery/v2.0/keys`)).json<{ keys: Jwk[] }>().keys;
    const contoso = (await s.get(`/${tenantId}/discovery/v2.0/keys`)).json<{ keys: Jwk[] }>().keys;
    expect(common.map((k) => k.kid).sort()).toEqual([...contoso, ...fabrikam].map((k) => k.kid).sort());
    for (const k of common) expect(k.issuer).toBe(`${s.url}/{tenantid}/v2.0`);
  });

  it('instance discovery names this host', async () => {
    const res = await s.get(`/common/discovery/instance?api-version=1.1&authorization_endpoint=${s.url}/${tenantId}/oauth2/v2.0/authorize`);
    expect(res.status).toBe(200);
    const host = new URL(s.url).host;
    expect(res.json()).toMatchObject({
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    });
  });

  it('unknown, empty and malformed tenants on discovery: 400 with Entra errors', async () => {
    const unknown = await s.get(`/${crypto.randomUUID()}/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_tenant', error_codes: [90002] });
    const empty = await s.get('/00000000-0000-0000-0000-000000000000/discovery/v2.0/keys');
    expect(empty.json()).toMatchObject({ error: 'invalid_request', error_codes: [90002] });
    const malformed = await s.get('/bad_tenant!/v2.0/.well-known/openid-configuration');
    expect(malformed.json()).toMatchObject({ error: 'invalid_request', error_codes: [900023] });
  });
});
