// The JWT attack corpus, against both resource APIs (Cloud Apps `/api/v1/...` and Graph `/v1.0/...`):
// every forged, tampered, misdirected or malformed bearer token is refused with the area's status
// and error body (Cloud Apps: 401 {"detail"}; Graph: 401 InvalidAuthenticationToken). Tokens are
// built from a real token of the API, re-signed with the tenant's own signing key when a case needs
// everything else to be right, so that each case tests one property. Two controls prove the
// corpus can fail: the real token and its faithful re-signing are accepted.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, FORM_CONTENT_TYPE, inProcess, type InProcessHarness } from '../support/harness.js';
import type { SigningKey } from '../../packages/server/src/identity/signing-keys.js';

type Json = Record<string, unknown>;
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const enc = (o: unknown) => b64(JSON.stringify(o));

let h: InProcessHarness;
let own: SigningKey;
let other: SigningKey;
let fabrikamTenant: string;
const attacker = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

interface Api {
  name: 'cloudapps' | 'graph';
  path: string;
  token: string;
  header: Json;
  claims: Json;
  otherToken: string;
}
const apis: Partial<Record<Api['name'], Api>> = {};

function decode(token: string): { header: Json; claims: Json } {
  const [h64, p64] = token.split('.');
  return { header: JSON.parse(Buffer.from(h64!, 'base64url').toString()), claims: JSON.parse(Buffer.from(p64!, 'base64url').toString()) };
}

function rs256(input: string, key: crypto.KeyObject | crypto.KeyLike, alg = 'sha256', padding?: number): string {
  return b64(
    padding
      ? crypto.sign(alg, Buffer.from(input), { key: key as crypto.KeyObject, padding, saltLength: 32 })
      : crypto.sign(alg, Buffer.from(input), key),
  );
}

/** header + claims signed with `key` (default: the tenant's own active key). */
function signed(header: Json, claims: Json, key: crypto.KeyObject = own.privateKey): string {
  const input = `${enc(header)}.${enc(claims)}`;
  return `${input}.${rs256(input, key)}`;
}

async function graphToken(tenant: 'contoso' | 'fabrikam'): Promise<string> {
  const t = h.demo.tenants[tenant];
  const res = await h.app.inject({
    method: 'POST',
    url: `/${t.tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': FORM_CONTENT_TYPE },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.management.clientId,
      client_secret: t.management.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ access_token: string }>().access_token;
}

async function casToken(tenant: 'contoso' | 'fabrikam'): Promise<string> {
  const t = h.demo.tenants[tenant];
  const res = await h.app.inject({
    method: 'POST',
    url: `/${t.tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': FORM_CONTENT_TYPE },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.daemon!.clientId,
      client_secret: t.daemon!.clientSecret,
      scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ access_token: string }>().access_token;
}

beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 5, alerts: 5 } });
  fabrikamTenant = h.demo.tenants.fabrikam.tenantId;
  own = await h.services.signingKeys.signingKey(h.tenantId);
  other = await h.services.signingKeys.signingKey(fabrikamTenant);
  const cas = await casToken('contoso');
  const graph = await graphToken('contoso');
  apis.cloudapps = { name: 'cloudapps', path: '/api/v1/alerts/', token: cas, ...decode(cas), otherToken: graph };
  apis.graph = { name: 'graph', path: '/v1.0/applications?$top=1', token: graph, ...decode(graph), otherToken: cas };
});
afterAll(() => h?.close());

const NOW = () => Math.floor(h.clock.now() / 1000);
const otherIssuer = (iss: unknown) => String(iss).replace(/[0-9a-f-]{36}/, () => fabrikamTenant);

/** One attack: builds the presented Authorization value from the API's real token. */
interface Case {
  name: string;
  token: (api: Api) => string;
  /** Statuses accepted as a refusal (default 401). */
  statuses?: number[];
}

const pubPem = () => own.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const hs256 = (input: string, secret: string | Buffer) => b64(crypto.createHmac('sha256', secret).update(input).digest());
const withClaims = (api: Api, change: Json, drop: string[] = []) => {
  const c: Json = { ...api.claims, ...change };
  for (const d of drop) delete c[d];
  return signed(api.header, c);
};
const attackerJwk = () => ({ ...attacker.publicKey.export({ format: 'jwk' }), kid: 'attacker', use: 'sig' });

const CASES: Case[] = [
  { name: 'alg none, empty signature', token: (a) => `${enc({ ...a.header, alg: 'none' })}.${enc(a.claims)}.` },
  { name: 'alg none, no third segment', token: (a) => `${enc({ ...a.header, alg: 'none' })}.${enc(a.claims)}` },
  {
    name: 'alg "None" with the original signature',
    token: (a) => `${enc({ ...a.header, alg: 'None' })}.${enc(a.claims)}.${a.token.split('.')[2]}`,
  },
  {
    name: 'HS256 keyed with the tenant public key (PEM)',
    token: (a) => {
      const i = `${enc({ ...a.header, alg: 'HS256' })}.${enc(a.claims)}`;
      return `${i}.${hs256(i, pubPem())}`;
    },
  },
  {
    name: 'HS256 keyed with the JWK modulus',
    token: (a) => {
      const i = `${enc({ ...a.header, alg: 'HS256' })}.${enc(a.claims)}`;
      return `${i}.${hs256(i, own.jwk.n)}`;
    },
  },
  {
    name: 'RS512 by the right key',
    token: (a) => {
      const i = `${enc({ ...a.header, alg: 'RS512' })}.${enc(a.claims)}`;
      return `${i}.${rs256(i, own.privateKey, 'sha512')}`;
    },
  },
  {
    name: 'PS256 by the right key',
    token: (a) => {
      const i = `${enc({ ...a.header, alg: 'PS256' })}.${enc(a.claims)}`;
      return `${i}.${rs256(i, own.privateKey, 'sha256', crypto.constants.RSA_PKCS1_PSS_PADDING)}`;
    },
  },
  {
    name: 'kid missing',
    token: (a) => {
      const { kid: _k, x5t: _x, ...hd } = a.header;
      return signed(hd, a.claims);
    },
  },
  { name: 'kid path traversal', token: (a) => signed({ ...a.header, kid: '../../../../dev/null' }, a.claims) },
  { name: 'kid SQL injection', token: (a) => signed({ ...a.header, kid: "' OR '1'='1" }, a.claims) },
  {
    name: 'kid of the other tenant, signed by its key',
    token: (a) => signed({ ...a.header, kid: other.kid, x5t: other.kid }, a.claims, other.privateKey),
  },
  { name: 'own kid, signed by the other tenant key', token: (a) => signed(a.header, a.claims, other.privateKey) },
  {
    name: 'other tenant claims (tid, iss) signed by own key',
    token: (a) => withClaims(a, { tid: fabrikamTenant, iss: otherIssuer(a.claims.iss) }),
  },
  { name: 'wrong audience', token: (a) => withClaims(a, { aud: 'https://evil.example.com' }) },
  { name: 'audience as an empty array', token: (a) => withClaims(a, { aud: [] }) },
  { name: 'audience missing', token: (a) => withClaims(a, {}, ['aud']) },
  { name: 'wrong issuer (other tenant)', token: (a) => withClaims(a, { iss: otherIssuer(a.claims.iss) }) },
  { name: 'issuer over http', token: (a) => withClaims(a, { iss: String(a.claims.iss).replace('https:', 'http:') }) },
  { name: 'issuer with a trailing path', token: (a) => withClaims(a, { iss: `${String(a.claims.iss)}x/` }) },
  { name: 'tid of the other tenant, own issuer', token: (a) => withClaims(a, { tid: fabrikamTenant }) },
  { name: 'tid missing', token: (a) => withClaims(a, {}, ['tid']) },
  { name: 'tid not a GUID', token: (a) => withClaims(a, { tid: 'contoso' }) },
  { name: 'expired an hour ago', token: (a) => withClaims(a, { exp: NOW() - 3600, nbf: NOW() - 7200, iat: NOW() - 7200 }) },
  { name: 'exp missing', token: (a) => withClaims(a, {}, ['exp']) },
  { name: 'exp as a string', token: (a) => withClaims(a, { exp: String(NOW() + 3600) }) },
  { name: 'nbf an hour ahead', token: (a) => withClaims(a, { nbf: NOW() + 3600, iat: NOW() + 3600 }) },
  { name: 'nbf not a number', token: (a) => withClaims(a, { nbf: 'yesterday' }) },
  { name: 'crit header with an unknown extension', token: (a) => signed({ ...a.header, crit: ['x-evil'], 'x-evil': true }, a.claims) },
  { name: 'unencoded payload (b64:false, crit)', token: (a) => signed({ ...a.header, b64: false, crit: ['b64'] }, a.claims) },
  {
    name: 'jku to an attacker JWKS, attacker key',
    token: (a) => signed({ ...a.header, kid: 'attacker', jku: 'https://evil.example.com/keys' }, a.claims, attacker.privateKey),
  },
  {
    name: 'x5u to an attacker certificate, attacker key',
    token: (a) => signed({ ...a.header, kid: 'attacker', x5u: 'https://evil.example.com/cert.pem' }, a.claims, attacker.privateKey),
  },
  {
    name: 'embedded jwk (attacker key), attacker signature',
    token: (a) => signed({ ...a.header, kid: 'attacker', jwk: attackerJwk() }, a.claims, attacker.privateKey),
  },
  {
    name: 'own kid, embedded attacker jwk, attacker signature',
    token: (a) => signed({ ...a.header, jwk: attackerJwk() }, a.claims, attacker.privateKey),
  },
  { name: 'signature with = padding', token: (a) => `${a.token}=` },
  {
    name: 'signature in the +/ alphabet',
    token: (a) => {
      const [x, y, s] = a.token.split('.');
      return `${x}.${y}.${Buffer.from(s!, 'base64url').toString('base64').replace(/=+$/, '')}`;
    },
  },
  {
    name: 'payload in the +/ alphabet with padding, re-signed',
    token: (a) => {
      const p = Buffer.from(JSON.stringify(a.claims)).toString('base64');
      const i = `${enc(a.header)}.${p}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  { name: 'truncated: signature dropped', token: (a) => a.token.split('.').slice(0, 2).join('.') },
  { name: 'truncated: half a signature', token: (a) => a.token.slice(0, a.token.length - 170) },
  { name: 'one segment only', token: (a) => a.token.split('.')[1]! },
  { name: 'four segments', token: (a) => `${a.token}.${a.token.split('.')[2]}` },
  {
    name: 'five segments (JWE shape)',
    token: (a) => `${a.token.split('.')[0]}..${b64(crypto.randomBytes(12))}.${a.token.split('.')[1]}.${b64(crypto.randomBytes(16))}`,
  },
  {
    name: 'signature of another token spliced in',
    token: (a) => `${a.token.split('.').slice(0, 2).join('.')}.${a.otherToken.split('.')[2]}`,
  },
  {
    name: 'claims changed, old signature kept',
    token: (a) => {
      const [x, , s] = a.token.split('.');
      return `${x}.${enc({ ...a.claims, roles: ['Everything'] })}.${s}`;
    },
  },
  // Over a real socket Node refuses headers above 16 kB with 431 (exhaustion suite); here the verifier sees it.
  {
    name: 'huge header (64 kB), not signed by the tenant',
    token: (a) => signed({ ...a.header, pad: 'A'.repeat(64 * 1024) }, a.claims, attacker.privateKey),
  },
  {
    name: 'payload not JSON',
    token: (a) => {
      const i = `${enc(a.header)}.${b64('hello, world')}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  {
    name: 'payload a JSON array',
    token: (a) => {
      const i = `${enc(a.header)}.${b64('[1,2,3]')}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  { name: 'header not JSON', token: (a) => `${b64('{"alg":"RS256",')}.${enc(a.claims)}.${a.token.split('.')[2]}` },
  {
    name: 'duplicate claims: a wrong aud last',
    token: (a) => {
      const body = JSON.stringify(a.claims).replace(/}$/, ',"aud":"https://evil.example.com"}');
      const i = `${enc(a.header)}.${b64(body)}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  {
    name: 'duplicate claims: a wrong tid last',
    token: (a) => {
      const body = JSON.stringify(a.claims).replace(/}$/, `,"tid":"${fabrikamTenant}"}`);
      const i = `${enc(a.header)}.${b64(body)}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  {
    name: 'duplicate header: alg none last',
    token: (a) => {
      const hd = JSON.stringify(a.header).replace(/}$/, ',"alg":"none"}');
      const i = `${b64(hd)}.${enc(a.claims)}`;
      return `${i}.${rs256(i, own.privateKey)}`;
    },
  },
  {
    name: 'roles as a string',
    token: (a) => withClaims(a, { roles: 'Investigation.manage Application.ReadWrite.All' }),
    statuses: [401, 403],
  },
  { name: 'roles empty', token: (a) => withClaims(a, { roles: [] }), statuses: [401, 403] },
  { name: "the other API's token (audience confusion)", token: (a) => a.otherToken },
  {
    name: 'a token of the other tenant signed by it, for the same API',
    token: (a) =>
      signed(
        { ...a.header, kid: other.kid, x5t: other.kid },
        { ...a.claims, aud: 'https://evil.example.com', tid: fabrikamTenant, iss: otherIssuer(a.claims.iss) },
        other.privateKey,
      ),
  },
  { name: 'an ID-token shape (aud = client id)', token: (a) => withClaims(a, { aud: String(a.claims.appid ?? a.claims.azp ?? 'client') }) },
  { name: 'empty bearer', token: () => '' },
  { name: 'garbage with dots', token: () => '...' },
  { name: 'NUL and unicode in the token', token: (a) => `${a.token.slice(0, 20)}\u00e9${a.token.slice(21)}` },
];

function expectRefused(api: Api, res: { statusCode: number; body: string; headers: Record<string, unknown> }, c: Case): void {
  const why = `${api.name} / ${c.name}: ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(c.statuses ?? [401], why).toContain(res.statusCode);
  const body = JSON.parse(res.body) as Json;
  if (api.name === 'cloudapps') {
    expect(typeof body.detail, why).toBe('string');
  } else {
    const e = body.error as Json;
    expect(e.code, why).toBe(res.statusCode === 401 ? 'InvalidAuthenticationToken' : 'Authorization_RequestDenied');
    expect(typeof e.message, why).toBe('string');
  }
  if (res.statusCode === 401) expect(String(res.headers['www-authenticate'] ?? 'Bearer'), why).toMatch(/Bearer/);
}

async function present(api: Api, token: string) {
  // Header values cannot carry NUL or most controls: a client library would refuse to send them.
  const value = `Bearer ${token}`.replace(/[\0-\x1f\x7f]/g, '');
  return h.app.inject({ method: 'GET', url: api.path, headers: { authorization: value } });
}

describe('JWT attack corpus', () => {
  it(`has at least 30 cases (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of ['cloudapps', 'graph'] as const) {
    describe(name === 'cloudapps' ? 'Cloud Apps API' : 'Graph management API', () => {
      it('controls: the real token and its faithful re-signing are accepted', async () => {
        const api = apis[name]!;
        expect((await present(api, api.token)).statusCode).toBe(200);
        expect((await present(api, signed(api.header, api.claims))).statusCode).toBe(200);
        expect((await h.app.inject({ method: 'GET', url: api.path, headers: bearer(api.token) })).statusCode).toBe(200);
      });

      it.each(CASES.map((c) => [c.name, c] as const))('refuses: %s', async (_n, c) => {
        const api = apis[name]!;
        expectRefused(api, await present(api, c.token(api)), c);
      });
    });
  }
});
