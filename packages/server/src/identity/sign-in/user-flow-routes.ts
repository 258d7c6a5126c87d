import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MICROSOFT_GRAPH_APP_ID } from '@appwarden/protocol';
import { NO_STORE_HEADERS } from '../../http/entra-error-renderer.js';
import { EntraError } from '../../http/errors.js';
import type { Services } from '../../wiring.js';
import { TokenRejected } from '../access-token-verifier.js';
import { messagePage } from '../consent-pages.js';
import { GUID_RE } from '../tenant-service.js';
import { graphAudiences } from '../../management/graph-auth.js';
import { checkUserCredentials } from './credential-check.js';
import { sessionCookie, SignInSessions } from './sessions.js';
import { deviceCodeEntryPage, deviceConfirmPage, signInPage } from './sign-in-pages.js';

/** Device codes live 15 minutes; clients poll every 5 seconds (Entra's values, reference §5.1). */
export const DEVICE_CODE_LIFETIME_S = 900;
export const DEVICE_CODE_INTERVAL_S = 5;
/** User codes: 9 characters without look-alikes (no 0/O, 1/I/L). */
const USER_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

const normaliseUserCode = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

function newUserCode(): string {
  let out = '';
  for (const b of crypto.randomBytes(9)) out += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length];
  return out;
}

function formOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * The device authorization endpoint and the device login page (`/devicelogin`), `/userinfo`, and
 * the user-realm probe MSAL Python sends before ROPC.
 */
export function registerUserFlowRoutes(app: FastifyInstance, services: Services): void {
  const sessions = new SignInSessions(services.stores, services.master, services.clock, services.users);
  const sealKey = crypto.createHash('sha256').update(services.master.hashSecret('appwarden device login')).digest();
  const mac = (v: string) => crypto.createHmac('sha256', sealKey).update(v).digest('base64url');

  const deviceAuthorization = (v: 1 | 2) => async (req: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const form = formOf(req.body);
    const tenant = await services.tenants.resolveForToken(req.params.tenant);
    const clientId = (form.client_id ?? '').toLowerCase();
    if (!clientId) throw new EntraError('missingParameter', { name: 'client_id' });
    if (!GUID_RE.test(clientId)) throw new EntraError('invalidApplicationIdentifier', { clientId });
    const client = await services.applications.findAnyByAppId(clientId);
    const sp = client && !client.builtIn ? await services.stores.servicePrincipals.getByAppId(tenant.id, clientId) : undefined;
    if (!client || !sp) throw new EntraError('applicationNotFound', { clientId, tenantName: tenant.displayName });
    const scope = v === 2 ? (form.scope ?? '').trim() : [`openid`, ...(form.resource ? [`${form.resource}/.default`] : [])].join(' ');
    if (v === 2 && !scope) throw new EntraError('missingParameter', { name: 'scope' });
    const deviceCode = `DAQABAAEAAA${crypto.randomBytes(48).toString('base64url')}`;
    const userCode = newUserCode();
    const now = services.clock.now();
    await services.stores.userContext.deviceCodes.insert({
      device_code_hash: services.master.hashSecret(deviceCode),
      user_code_hash: services.master.hashSecret(userCode),
      tenant_id: tenant.id,
      client_app_id: clientId,
      scope,
      status: 'pending',
      user_id: null,
      auth_time: null,
      created_at: now,
      expires_at: now + DEVICE_CODE_LIFETIME_S * 1000,
    });
    const uri = `${services.origin.value}/devicelogin`;
    const message = `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`;
    reply.headers(NO_STORE_HEADERS);
    if (v === 2) {
      return {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: uri,
        expires_in: DEVICE_CODE_LIFETIME_S,
        interval: DEVICE_CODE_INTERVAL_S,
        message,
      };
    }
    // v1 (inferred): `verification_url` and numbers as strings, as MSAL.NET accepts.
    return {
      user_code: userCode,
      device_code: deviceCode,
      verification_url: uri,
      expires_in: String(DEVICE_CODE_LIFETIME_S),
      interval: String(DEVICE_CODE_INTERVAL_S),
      message,
    };
  };
  app.post('/:tenant/oauth2/v2.0/devicecode', deviceAuthorization(2));
  app.post('/:tenant/oauth2/devicecode', deviceAuthorization(1));

  const pending = async (code: string) => {
    const row = await services.stores.userContext.deviceCodes.getByUserCode(services.master.hashSecret(normaliseUserCode(code)));
    return row && row.status === 'pending' && services.clock.now() < row.expires_at ? row : undefined;
  };

  app.get<{ Querystring: { otc?: string } }>('/devicelogin', async (req, reply) =>
    reply.headers(PAGE_HEADERS).send(deviceCodeEntryPage({ code: req.query.otc ?? '' })),
  );

  /** Step 1: the code; step 2 (same form, with credentials or an SSO session): who approves. */
  app.post('/devicelogin', async (req, reply) => {
    const body = formOf(req.body);
    const code = normaliseUserCode(body.otc ?? '');
    const row = await pending(code);
    if (!row) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(deviceCodeEntryPage({ error: "That code didn't work. Check the code and try again. (AADSTS70018)", code: body.otc ?? '' }));
    }
    const client = (await services.applications.findAnyByAppId(row.client_app_id))!;
    const tenant = (await services.tenants.getById(row.tenant_id))!;
    const session = await sessions.read(req.headers.cookie);
    const hidden = { otc: code, sig: mac(`${code}`) };
    if (body.username !== undefined) {
      try {
        const user = await checkUserCredentials(services, tenant, body.username, body.password ?? '', req.ip);
        const created = await sessions.create(user);
        reply.header('set-cookie', sessionCookie(created.cookie, services.origin.value.startsWith('https:')));
        return reply.headers(PAGE_HEADERS).send(
          deviceConfirmPage({
            appName: client.displayName,
            username: user.userPrincipalName,
            hidden: { ...hidden, uid: user.id, uidsig: mac(`${code}|${user.id}|${created.authTime}`), at: String(created.authTime) },
          }),
        );
      } catch (e) {
        if (!(e instanceof EntraError)) throw e;
        return reply
          .code(400)
          .headers(PAGE_HEADERS)
          .send(
            signInPage({
              appName: client.displayName,
              tenantName: tenant.displayName,
              username: body.username,
              error: `Your account or password is incorrect. (AADSTS${e.aadsts})`,
              action: '/devicelogin',
              hidden,
            }),
          );
      }
    }
    if (session && session.user.tenantId === tenant.id) {
      return reply.headers(PAGE_HEADERS).send(
        deviceConfirmPage({
          appName: client.displayName,
          username: session.user.userPrincipalName,
          hidden: {
            ...hidden,
            uid: session.user.id,
            uidsig: mac(`${code}|${session.user.id}|${session.authTime}`),
            at: String(session.authTime),
          },
        }),
      );
    }
    return reply
      .headers(PAGE_HEADERS)
      .send(signInPage({ appName: client.displayName, tenantName: tenant.displayName, action: '/devicelogin', hidden }));
  });

  app.post('/devicelogin/confirm', async (req, reply) => {
    const body = formOf(req.body);
    const code = normaliseUserCode(body.otc ?? '');
    const expected = Buffer.from(mac(`${code}|${body.uid}|${body.at}`));
    const got = Buffer.from(body.uidsig ?? '');
    const row = await pending(code);
    if (!row || expected.length !== got.length || !crypto.timingSafeEqual(expected, got)) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(deviceCodeEntryPage({ error: 'The code expired or was already used. Start again from your app.' }));
    }
    if (body.decision !== 'continue') {
      await services.stores.userContext.deviceCodes.transition(row.device_code_hash, 'pending', 'declined');
      return reply
        .headers(PAGE_HEADERS)
        .send(messagePage('Sign-in cancelled', 'You declined to sign in on the other device. You can close this window.'));
    }
    await services.stores.userContext.deviceCodes.transition(row.device_code_hash, 'pending', 'approved', {
      userId: body.uid!,
      authTime: Number(body.at),
    });
    const client = await services.applications.findAnyByAppId(row.client_app_id);
    return reply
      .headers(PAGE_HEADERS)
      .send(
        messagePage(
          client?.displayName ?? 'Signed in',
          'You have signed in to the application on your device. You may now close this window.',
        ),
      );
  });

  /** OIDC UserInfo, as Entra's (on the Graph host there): a user token for Graph with `openid`. */
  const userinfo = async (req: FastifyRequest, reply: FastifyReply) => {
    const m = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const challenge = `Bearer realm="", authorization_uri="${services.origin.value}/common/oauth2/authorize", client_id="${MICROSOFT_GRAPH_APP_ID}"`;
    if (!m)
      return reply
        .code(401)
        .header('www-authenticate', challenge)
        .send({ error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } });
    try {
      const v = await services.verifier.verify(m[1]!, graphAudiences(services.origin.value));
      const oid = v.claims.oid;
      const user = typeof oid === 'string' && typeof v.claims.scp === 'string' ? await services.users.getById(oid) : undefined;
      if (!user)
        return reply
          .code(401)
          .header('www-authenticate', challenge)
          .send({ error: { code: 'InvalidAuthenticationToken', message: 'The token has no signed-in user.' } });
      const sub = crypto.createHash('sha256').update(`${user.id}|${v.clientAppId}`).digest('base64url').slice(0, 43);
      return {
        sub,
        name: user.displayName,
        ...(user.surname ? { family_name: user.surname } : {}),
        ...(user.givenName ? { given_name: user.givenName } : {}),
        picture: `${services.origin.value}/v1.0/me/photo/$value`,
        email: user.userPrincipalName,
      };
    } catch (e) {
      if (e instanceof TokenRejected)
        return reply
          .code(401)
          .header('www-authenticate', challenge)
          .send({ error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure.' } });
      throw e;
    }
  };
  for (const path of ['/oidc/userinfo', '/:tenant/openid/userinfo']) {
    app.get(path, userinfo);
    app.post(path, userinfo);
  }

  /** MSAL Python probes the user's realm before ROPC; every Appwarden account is managed. */
  app.get<{ Params: { username: string } }>('/common/userrealm/:username', async (req) => {
    const user = await services.users.findBySignInName(req.params.username);
    const domain = req.params.username.split('@')[1] ?? '';
    return {
      ver: '1.0',
      account_type: user ? 'Managed' : 'Unknown',
      domain_name: domain,
      cloud_instance_name: 'microsoftonline.com',
      cloud_audience_urn: 'urn:federation:MicrosoftOnline',
    };
  });
}
