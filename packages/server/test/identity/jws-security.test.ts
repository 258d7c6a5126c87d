import crypto from 'node:crypto';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { CLOUD_APP_SECURITY_APP_ID } from '@appwarden/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRejected } from '../../src/identity/access-token-verifier.js';
import type { SigningKey } from '../../src/identity/signing-keys.js';
import { generateSelfSignedKey, type GeneratedKeyCert } from '../../src/tls/certificates.js';
import { IDENTITY, ORIGIN, postToken, registerClient, T0, type RegisteredClient } from './identity-fixture.js';

// The security properties of every JWS Appwarden accepts (DESIGN.md, security baseline): RS256
// only, kid required, issuer and audience exact, nbf/exp numeric and within a small skew, strict
// base64url. Tokens here are signed by hand with the tenant's own key, so that only the property
// under test is wrong.

const NOW_S = T0 / 1000;
const CAS = 'https://api.cloudappsecurity.com';
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

interface Parts {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Rewrites the encoded header and payload before signing (padding, alphabet). */
  encode?: (part: string) => string;
  /** Rewrites the encoded signature. */
  signature?: (sig: string) => string;
  sign?: (input: Buffer, key: crypto.KeyObject) => Buffer;
}

function compact(
  key: { privateKey: crypto.KeyObject },
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  p: Parts,
): string {
  const enc = p.encode ?? ((s: string) => s);
  const input = `${enc(b64(header))}.${enc(b64(claims))}`;
  const sig = (p.sign ?? ((i, k) => crypto.sign('sha256', i, k)))(Buffer.from(input), key.privateKey).toString('base64url');
  return `${input}.${(p.signature ?? ((s: string) => s))(sig)}`;
}

/** A base64url string with the `=` padding RFC 7515 forbids. */
const padded = (s: string) => s + '='.repeat((4 - (s.length % 4)) % 4);
/** A filler claim whose length makes the encoded payload need padding (a length not a multiple of 4). */
function needsPadding(claims: (filler: string) => Record<string, unknown>): Record<string, unknown> {
  for (let filler = ''; ; filler += 'x') if (b64(claims(filler)).length % 4 !== 0) return claims(filler);
}
/** The same bytes in the `+/` alphabet, or undefined when the string has no `-`/`_` to swap. */
const plusSlash = (s: string) => s.replace(/-/g, '+').replace(/_/g, '/');

describe('access tokens presented to the resource servers', () => {
  let fx: InProcessHarness;
  let key: SigningKey;
  beforeAll(async () => {
    fx = await inProcess({ ...IDENTITY });
    key = await fx.services.signingKeys.signingKey(fx.tenant.id);
  });
  afterAll(() => fx.close());

  const claims = (over: Record<string, unknown> = {}) => ({
    aud: CAS,
    iss: `${ORIGIN}/${fx.tenant.id}/`,
    iat: NOW_S,
    nbf: NOW_S,
    exp: NOW_S + 3600,
    appid: '11111111-2222-3333-4444-555555555555',
    roles: ['Investigation.read'],
    tid: fx.tenant.id,
    ...over,
  });
  const token = (p: Parts = {}) => compact(key, p.header ?? { typ: 'JWT', alg: 'RS256', kid: key.kid }, p.claims ?? claims(), p);
  const verify = (t: string, audiences: readonly string[] = [CAS]) => fx.services.verifier.verify(t, audiences);
  const rejected = async (t: string, audiences?: readonly string[]) => {
    await expect(verify(t, audiences)).rejects.toBeInstanceOf(TokenRejected);
  };

  it('accepts a well-formed token of the tenant (v1 and v2 issuer), and its audience as the client spelt it', async () => {
    expect((await verify(token())).roles).toEqual(['Investigation.read']);
    await verify(token({ claims: claims({ iss: `${ORIGIN}/${fx.tenant.id}/v2.0`, aud: CLOUD_APP_SECURITY_APP_ID }) }), [
      CLOUD_APP_SECURITY_APP_ID,
    ]);
    // v1 tokens carry `resource` as sent: Entra accepts a trailing slash and any case there.
    await verify(token({ claims: claims({ aud: 'https://API.cloudappsecurity.com/' }) }));
  });

  it('RS256 only: PS256 with the same key, HS256 with the public key as secret, and alg none are refused', async () => {
    const pss = (i: Buffer, k: crypto.KeyObject) =>
      crypto.sign('sha256', i, { key: k, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    await rejected(token({ header: { typ: 'JWT', alg: 'PS256', kid: key.kid }, sign: pss }));
    const secret = key.publicKey.export({ type: 'spki', format: 'pem' });
    const hs = (i: Buffer) => crypto.createHmac('sha256', secret).update(i).digest();
    await rejected(token({ header: { typ: 'JWT', alg: 'HS256', kid: key.kid }, sign: hs }));
    const unsigned = `${b64({ alg: 'none', kid: key.kid })}.${b64(claims())}.`;
    await rejected(unsigned);
  });

  it('kid is required and must be a key of the tenant named by tid', async () => {
    await rejected(token({ header: { typ: 'JWT', alg: 'RS256' } }));
    await rejected(token({ header: { typ: 'JWT', alg: 'RS256', kid: 'no-such-key' } }));
    const other = await fx.services.tenants.create({ name: 'fabrikam', displayName: 'Fabrikam' });
    // Signed by Contoso's key but naming Fabrikam: the kid is not among Fabrikam's keys.
    await rejected(token({ claims: claims({ tid: other.id, iss: `${ORIGIN}/${other.id}/` }) }));
  });

  it('issuer exact: another tenant, another origin, another case or a missing iss are refused', async () => {
    await rejected(token({ claims: claims({ iss: `${ORIGIN}/72f988bf-86f1-41af-91ab-2d7cd011db47/` }) }));
    await rejected(token({ claims: claims({ iss: `https://evil.test/${fx.tenant.id}/` }) }));
    await rejected(token({ claims: claims({ iss: `${ORIGIN.toUpperCase()}/${fx.tenant.id}/` }) }));
    await rejected(token({ claims: claims({ iss: undefined }) }));
  });

  it('audience: another resource, a prefix of one, or an array are refused', async () => {
    await rejected(token({ claims: claims({ aud: 'https://graph.microsoft.com' }) }));
    await rejected(token({ claims: claims({ aud: 'https://api.cloudappsecurity' }) }));
    await rejected(token({ claims: claims({ aud: [CAS] }) }));
  });

  it('exp is required; nbf and exp hold within five minutes of skew, on the clock the verifier is given', async () => {
    await rejected(token({ claims: claims({ exp: undefined }) }));
    await verify(token({ claims: claims({ exp: NOW_S - 299 }) }));
    await rejected(token({ claims: claims({ exp: NOW_S - 300 }) }));
    await verify(token({ claims: claims({ nbf: NOW_S + 300 }) }));
    await rejected(token({ claims: claims({ nbf: NOW_S + 301 }) }));
    // The frozen clock decides, not the machine's: a token valid on the wall clock is refused.
    const wall = Math.floor(Date.now() / 1000);
    await rejected(token({ claims: claims({ iat: wall, nbf: wall, exp: wall + 3600 }) }));
  });

  it('non-numeric nbf, exp or iat is refused, not ignored', async () => {
    await rejected(token({ claims: claims({ nbf: String(NOW_S + 86400) }) }));
    await rejected(token({ claims: claims({ nbf: null }) }));
    await rejected(token({ claims: claims({ exp: String(NOW_S + 3600) }) }));
    await rejected(token({ claims: claims({ iat: 'yesterday' }) }));
  });

  it('strict base64url: padding, the +/ alphabet, whitespace and extra parts are refused', async () => {
    const good = token();
    const [h, p, s] = good.split('.') as [string, string, string];
    // Signed over the padded form, so only the encoding is wrong.
    await rejected(token({ claims: needsPadding((filler) => claims({ filler })), encode: padded }));
    // The same signature bytes in the other alphabet: one token must have one spelling.
    const swapped = plusSlash(s);
    expect(swapped).not.toBe(s);
    await rejected(`${h}.${p}.${swapped}`);
    await rejected(`${h}.${p}.${s}=`);
    await rejected(`${h}.${p}.${s.slice(0, 20)} ${s.slice(20)}`);
    await rejected(`${h}.${p}.${s}.${s}`);
    await rejected(`${h}.${p}`);
    await verify(good);
  });

  it('a signature over other bytes is refused', async () => {
    const [h, , s] = token().split('.') as [string, string, string];
    const forged = b64(claims({ roles: ['Investigation.manage'] }));
    await rejected(`${h}.${forged}.${s}`);
  });
});

describe('client assertions (certificate credentials)', () => {
  let fx: InProcessHarness;
  let client: RegisteredClient;
  let cert: GeneratedKeyCert;
  let signer: { privateKey: crypto.KeyObject };
  beforeAll(async () => {
    fx = await inProcess({ ...IDENTITY });
    cert = await generateSelfSignedKey('assertion-tests', 1, new Date(T0 - 86400_000));
    signer = { privateKey: crypto.createPrivateKey(cert.privateKeyPem) };
    client = await registerClient(fx, { displayName: 'Certificate daemon' });
    const app = (await fx.services.applications.getByAppId(fx.tenant.id, client.appId))!;
    await fx.services.applications.update(app, {
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.certDer.toString('base64') }],
    });
  });
  afterAll(() => fx.close());

  const x5t = () => crypto.createHash('sha1').update(cert.certDer).digest('base64url');
  const assertionClaims = (over: Record<string, unknown> = {}) => ({
    aud: `${ORIGIN}/${fx.tenant.id}/oauth2/v2.0/token`,
    iss: client.appId,
    sub: client.appId,
    jti: crypto.randomUUID(),
    nbf: NOW_S,
    iat: NOW_S,
    exp: NOW_S + 600,
    ...over,
  });
  const assertion = (over: Record<string, unknown> = {}, p: Parts = {}) =>
    compact(signer, p.header ?? { alg: 'RS256', typ: 'JWT', x5t: x5t() }, p.claims ?? assertionClaims(over), p);
  const post = (clientAssertion: string) =>
    postToken(fx, `/${fx.tenant.id}/oauth2/v2.0/token`, {
      grant_type: 'client_credentials',
      client_id: client.appId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion,
      scope: `${CAS}/.default`,
    });
  const refused = async (clientAssertion: string, code: number) => {
    const res = await post(clientAssertion);
    expect(res.status, JSON.stringify(res.json)).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.json.error_codes).toEqual([code]);
    return res;
  };

  it('a well-formed assertion is accepted', async () => {
    expect((await post(assertion())).status).toBe(200);
  });

  it('non-numeric nbf or exp is refused (AADSTS50027 invalid JWT), not ignored', async () => {
    const res = await refused(assertion({ nbf: 'soon' }), 50027);
    expect(res.json.error_description).toMatch(/'nbf' claim is not a number/);
    await refused(assertion({ exp: String(NOW_S + 600) }), 50027);
    await refused(assertion({ exp: undefined }), 50027);
  });

  it('nbf and exp hold within five minutes of skew (AADSTS700024)', async () => {
    expect((await post(assertion({ nbf: NOW_S + 300 }))).status).toBe(200);
    await refused(assertion({ nbf: NOW_S + 301 }), 700024);
    expect((await post(assertion({ exp: NOW_S - 299 }))).status).toBe(200);
    await refused(assertion({ exp: NOW_S - 300 }), 700024);
  });

  it('strict base64url: a padded or +/ spelling of a valid assertion is refused', async () => {
    const jti = crypto.randomUUID();
    await refused(assertion({}, { claims: needsPadding((filler) => assertionClaims({ jti: jti + filler })), encode: padded }), 50027);
    let a = assertion();
    // Draw until the signature has a character the two alphabets spell differently.
    while (!/[-_]/.test(a.split('.')[2]!)) a = assertion();
    const [h, p, s] = a.split('.') as [string, string, string];
    await refused(`${h}.${p}.${plusSlash(s)}`, 50027);
  });

  it('HS256 and none are refused; PS256 is accepted with x5t#S256', async () => {
    const res = await refused(assertion({}, { header: { alg: 'HS256', typ: 'JWT', x5t: x5t() } }), 50027);
    expect(res.json.error_description).toMatch(/Unsupported signing algorithm 'HS256'/);
    await refused(assertion({}, { header: { alg: 'none', typ: 'JWT', x5t: x5t() } }), 50027);
    const pss = (i: Buffer, k: crypto.KeyObject) =>
      crypto.sign('sha256', i, { key: k, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const s256 = crypto.createHash('sha256').update(cert.certDer).digest('base64url');
    expect((await post(assertion({}, { header: { alg: 'PS256', typ: 'JWT', 'x5t#S256': s256 }, sign: pss }))).status).toBe(200);
  });
});
