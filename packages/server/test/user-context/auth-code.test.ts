import { REFRESH_TOKEN_REUSE_GRACE_MS } from '../../src/identity/token/grants/refresh-token.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, decodeJwt, postToken } from '../identity/identity-fixture.js';
import { createUserFlowFixture, pkcePair, signInThroughPage, PASSWORD, type UserFlowFixture } from './user-flows-fixture.js';

let fx: UserFlowFixture;
beforeAll(async () => {
  fx = await createUserFlowFixture();
});
afterAll(async () => fx.close());

const CAS_SCOPE = '05a65629-4c1b-48c1-a78b-804c4abdd4af/Investigation.read openid profile offline_access';

function authorizeUrl(extra: Record<string, string> = {}, tenant = 'contoso.onmicrosoft.com') {
  const q = new URLSearchParams({
    client_id: fx.publicClient.appId,
    response_type: 'code',
    redirect_uri: 'http://localhost:5123',
    scope: CAS_SCOPE,
    state: 'st-1',
    nonce: 'n-1',
    ...extra,
  });
  return `/${tenant}/oauth2/v2.0/authorize?${q.toString()}`;
}

async function codeFor(upn: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const { final, cookie } = await signInThroughPage(
    fx,
    authorizeUrl({ code_challenge: challenge, code_challenge_method: 'S256', ...extra }),
    upn,
    PASSWORD,
  );
  expect(final.statusCode).toBe(302);
  const loc = new URL(final.headers.location as string);
  return { code: loc.searchParams.get('code')!, verifier, loc, cookie };
}

describe('authorization code with PKCE', () => {
  it('signs in, redirects with code and state, and redeems for access, ID and refresh tokens', async () => {
    const { code, verifier, loc } = await codeFor(fx.reader.upn);
    expect(loc.origin + loc.pathname).toBe('http://localhost:5123/');
    expect(loc.searchParams.get('state')).toBe('st-1');
    const res = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost:5123',
      code_verifier: verifier,
      scope: CAS_SCOPE,
      client_info: '1',
    });
    expect(res.status).toBe(200);
    expect(typeof res.json.expires_in).toBe('number');
    const at = decodeJwt(res.json.access_token as string).payload;
    expect(at).toMatchObject({
      scp: 'Investigation.read',
      oid: fx.reader.id,
      upn: fx.reader.upn,
      idtyp: 'user',
      appid: fx.publicClient.appId,
      appidacr: '0',
      ver: '1.0',
    });
    const id = decodeJwt(res.json.id_token as string).payload;
    expect(id).toMatchObject({
      aud: fx.publicClient.appId,
      nonce: 'n-1',
      oid: fx.reader.id,
      preferred_username: fx.reader.upn,
      tid: fx.tenant.id,
      ver: '2.0',
    });
    expect(res.json.refresh_token).toMatch(/^1\.AW/);
    expect(JSON.parse(Buffer.from(res.json.client_info as string, 'base64url').toString())).toEqual({
      uid: fx.reader.id,
      utid: fx.tenant.id,
    });

    const again = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'http://localhost:5123',
      code_verifier: verifier,
    });
    expect(again.status).toBe(400);
    expect(again.json.error).toBe('invalid_grant');
    expect(again.json.error_codes).toEqual([54005]);

    // Refresh: rotated (the old token is refused once the reuse grace is over), revoked by revokeSignInSessions.
    const rt = res.json.refresh_token as string;
    const refreshed = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'refresh_token',
      refresh_token: rt,
      scope: CAS_SCOPE,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(rt);
    // Redeemed again at once (a concurrent refresh): inside the grace period, it still works.
    const concurrent = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'refresh_token',
      refresh_token: rt,
      scope: CAS_SCOPE,
    });
    expect(concurrent.status).toBe(200);
    fx.clock.advance(REFRESH_TOKEN_REUSE_GRACE_MS + 1000);
    const reuse = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'refresh_token',
      refresh_token: rt,
      scope: CAS_SCOPE,
    });
    expect(reuse.json.error).toBe('invalid_grant');
    expect(reuse.json.error_codes).toEqual([70008]);
    const user = (await fx.services.users.getById(fx.reader.id))!;
    fx.clock.advance(1000);
    await fx.services.users.revokeSignInSessions(user);
    const revoked = await postToken(fx, '/contoso.onmicrosoft.com/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'refresh_token',
      refresh_token: refreshed.json.refresh_token as string,
      scope: CAS_SCOPE,
    });
    expect(revoked.status).toBe(400);
    expect(revoked.json.error).toBe('invalid_grant');
  });

  it('refuses a wrong verifier, another redirect URI, an expired code, and plain PKCE', async () => {
    const a = await codeFor(fx.admin.upn);
    const wrong = await postToken(fx, '/contoso/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code: a.code,
      redirect_uri: 'http://localhost:5123',
      code_verifier: 'x'.repeat(43),
    });
    expect(wrong.json.error_codes).toEqual([501481]);
    const b = await codeFor(fx.admin.upn);
    const other = await postToken(fx, '/contoso/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code: b.code,
      redirect_uri: 'http://localhost:9999/other',
      code_verifier: b.verifier,
    });
    expect(other.json.error).toBe('invalid_grant');
    const c = await codeFor(fx.admin.upn);
    fx.clock.advance(11 * 60_000);
    const expired = await postToken(fx, '/contoso/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code: c.code,
      redirect_uri: 'http://localhost:5123',
      code_verifier: c.verifier,
    });
    expect(expired.json.error_codes).toEqual([70008]);
    const plain = await fx.app.inject({ method: 'GET', url: authorizeUrl({ code_challenge: 'abc', code_challenge_method: 'plain' }) });
    expect(plain.statusCode).toBe(302);
    const loc = new URL(plain.headers.location as string);
    expect(loc.searchParams.get('error')).toBe('invalid_request');
    expect(loc.searchParams.get('error_description')).toMatch(/^AADSTS50149:/);
    expect(loc.searchParams.get('error_codes')).toBe('[50149]');
    expect(loc.searchParams.get('state')).toBe('st-1');
  });

  it('shows an error page (never a redirect) for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await fx.app.inject({ method: 'GET', url: authorizeUrl({ client_id: '11111111-2222-3333-4444-555555555555' }) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('text/html');
    expect(unknown.body).toContain('AADSTS700016');
    const mismatch = await fx.app.inject({ method: 'GET', url: authorizeUrl({ redirect_uri: 'https://evil.example/cb' }) });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('AADSTS50011');
    expect(mismatch.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('wrong password re-shows the page; prompt=none without a session answers login_required; SSO with a session', async () => {
    const { final } = await signInThroughPage(fx, authorizeUrl(pkceParams()), fx.reader.upn, 'wrong');
    expect(final.statusCode).toBe(400);
    expect(final.body).toContain('AADSTS50126');
    const none = await fx.app.inject({ method: 'GET', url: authorizeUrl({ prompt: 'none', ...pkceParams() }) });
    const loc = new URL(none.headers.location as string);
    expect(loc.searchParams.get('error')).toBe('login_required');
    expect(loc.searchParams.get('error_codes')).toBe('[50058]');
    const { cookie } = await codeFor(fx.reader.upn);
    const sso = await fx.app.inject({
      method: 'GET',
      url: authorizeUrl({ prompt: 'none', ...pkceParams() }),
      headers: { cookie: cookie! },
    });
    expect(new URL(sso.headers.location as string).searchParams.get('code')).toBeTruthy();
    const logout = await fx.app.inject({
      method: 'GET',
      url: '/contoso/oauth2/v2.0/logout?post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A5123%2F&state=s',
      headers: { cookie: cookie! },
    });
    expect(logout.statusCode).toBe(302);
    const after = await fx.app.inject({
      method: 'GET',
      url: authorizeUrl({ prompt: 'none', ...pkceParams() }),
      headers: { cookie: cookie! },
    });
    expect(new URL(after.headers.location as string).searchParams.get('error')).toBe('login_required');
  });

  it('locks an account after ten wrong passwords (AADSTS50053)', async () => {
    for (let i = 0; i < 10; i++) {
      await postToken(fx, '/contoso/oauth2/v2.0/token', {
        client_id: fx.publicClient.appId,
        grant_type: 'password',
        username: fx.admin.upn,
        password: 'nope',
        scope: CAS_SCOPE,
      });
    }
    const locked = await postToken(fx, '/contoso/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'password',
      username: fx.admin.upn,
      password: PASSWORD,
      scope: CAS_SCOPE,
    });
    expect(locked.status).toBe(400);
    expect(locked.json.error_codes).toEqual([50053]);
    fx.clock.advance(61_000);
    const ok = await postToken(fx, '/contoso/oauth2/v2.0/token', {
      client_id: fx.publicClient.appId,
      grant_type: 'password',
      username: fx.admin.upn,
      password: PASSWORD,
      scope: CAS_SCOPE,
    });
    expect(ok.status).toBe(200);
  });

  it('spa redirect URIs: redemption needs an Origin and gets CORS; a desktop code with an Origin is refused', async () => {
    const { verifier, challenge } = pkcePair();
    const { final } = await signInThroughPage(
      fx,
      authorizeUrl({
        redirect_uri: 'https://spa.example/',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        response_mode: 'fragment',
      }),
      fx.reader.upn,
      PASSWORD,
    );
    const frag = new URLSearchParams(new URL(final.headers.location as string).hash.slice(1));
    const body = {
      client_id: fx.publicClient.appId,
      grant_type: 'authorization_code',
      code: frag.get('code')!,
      redirect_uri: 'https://spa.example/',
      code_verifier: verifier,
    };
    const noOrigin = await postToken(fx, '/contoso/oauth2/v2.0/token', body);
    expect(noOrigin.json.error_codes).toEqual([9002327]);
    // The failed attempt did not consume the code.
    const ok = await postToken(fx, '/contoso/oauth2/v2.0/token', body, { origin: 'https://spa.example' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('https://spa.example');
    const c = await codeFor(fx.reader.upn);
    const cross = await postToken(
      fx,
      '/contoso/oauth2/v2.0/token',
      {
        client_id: fx.publicClient.appId,
        grant_type: 'authorization_code',
        code: c.code,
        redirect_uri: 'http://localhost:5123',
        code_verifier: c.verifier,
      },
      { origin: 'https://spa.example' },
    );
    expect(cross.json.error_codes).toEqual([9002326]);
    void FORM;
  });
});

function pkceParams() {
  const { challenge } = pkcePair();
  return { code_challenge: challenge, code_challenge_method: 'S256' };
}
