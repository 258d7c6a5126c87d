import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  APPLICATION_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
  GLOBAL_ADMINISTRATOR,
  PRIVILEGED_ROLE_ADMINISTRATOR,
  type PermissionScope,
} from '@appwarden/protocol';
import { entraTimestamp } from '../../http/entra-error-renderer.js';
import { EntraError } from '../../http/errors.js';
import type { Services } from '../../wiring.js';
import type { Application } from '../application-model.js';
import { messagePage } from '../consent-pages.js';
import { MULTI_TENANT_ALIASES } from '../tenant-service.js';
import { parseUserScopes } from '../token/user-scopes.js';
import type { User } from '../users/user-model.js';
import { scopesOfResource } from '../users/permission-grant-service.js';
import { PageError, RedirectError, redirectTarget, validateAuthorizeRequest, type AuthorizeRequest } from './authorize-request.js';
import { checkUserCredentials } from './credential-check.js';
import { matchRedirectUri } from './redirect-uris.js';
import { clearedSessionCookie, sessionCookie, SignInSessions } from './sessions.js';
import { AUTO_SUBMIT_HASH, formPostPage, pickAccountPage, signInPage, userConsentPage } from './sign-in-pages.js';

/** Authorization codes live ten minutes, as Entra's (reference user-context §2.1). */
export const CODE_LIFETIME_MS = 10 * 60_000;
/** A sealed sign-in form is accepted this long after it was shown. */
const FORM_LIFETIME_MS = 30 * 60_000;
/** Roles that may consent for the whole organization (admin-only delegated permissions, admin consent). */
export const CONSENT_ADMINS = [
  GLOBAL_ADMINISTRATOR,
  PRIVILEGED_ROLE_ADMINISTRATOR,
  CLOUD_APPLICATION_ADMINISTRATOR,
  APPLICATION_ADMINISTRATOR,
];

const pageHeaders = (formTargets: string[] = [], script = false) => ({
  'content-type': 'text/html; charset=utf-8',
  'x-frame-options': 'DENY',
  'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; ${script ? `script-src ${AUTO_SUBMIT_HASH}; ` : ''}form-action 'self'${formTargets.map((t) => ` ${t}`).join('')}; frame-ancestors 'none'`,
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'referrer-policy': 'no-referrer',
});

/** Sealed state carried by the sign-in forms: the validated request, and after sign-in who signed in. */
interface FlowState {
  r: AuthorizeRequest;
  at: number;
  userId?: string;
  authTime?: number;
}

/** Whether a consent-link request (admin consent for application permissions) rather than a sign-in. */
export function isAdminConsentLink(q: Record<string, string>): boolean {
  const prompt = (q.prompt ?? '').toLowerCase();
  return prompt === 'admin_consent' || (prompt === 'consent' && !q.scope);
}

/**
 * The sign-in front door: `/{tenant}/oauth2/authorize` (v1) and `/{tenant}/oauth2/v2.0/authorize`
 * (v2), the sign-in, account-picker and consent forms, single sign-on by cookie, and logout.
 * Issues one-time authorization codes (stored hashed) for the token endpoint's code grant.
 */
export function registerAuthorizeRoutes(
  app: FastifyInstance,
  services: Services,
  adminConsent: (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>, reply: FastifyReply) => unknown,
): void {
  const sessions = new SignInSessions(services.stores, services.master, services.clock, services.users);
  const sealKey = crypto.createHash('sha256').update(services.master.hashSecret('appwarden sign-in form')).digest();
  const secure = () => services.origin.value.startsWith('https:');
  const seal = (s: FlowState) => {
    const body = Buffer.from(JSON.stringify(s)).toString('base64url');
    return `${body}.${crypto.createHmac('sha256', sealKey).update(body).digest('base64url')}`;
  };
  const unseal = (v: unknown): FlowState | undefined => {
    if (typeof v !== 'string') return undefined;
    const [body, mac] = v.split('.');
    if (!body || !mac) return undefined;
    const expected = Buffer.from(crypto.createHmac('sha256', sealKey).update(body).digest('base64url'));
    const got = Buffer.from(mac);
    if (expected.length !== got.length || !crypto.timingSafeEqual(expected, got)) return undefined;
    const s = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as FlowState;
    const now = services.clock.now();
    return now - s.at < FORM_LIFETIME_MS && now >= s.at ? s : undefined;
  };
  const redirectOrigin = (r: AuthorizeRequest) => {
    try {
      return new URL(r.redirectUri).origin;
    } catch {
      return undefined;
    }
  };

  const errorPage = (reply: FastifyReply, e: EntraError, traceId: string) =>
    reply
      .code(400)
      .headers(pageHeaders())
      .send(
        messagePage(
          'Sign in failed',
          `AADSTS${e.aadsts}: ${e.publicMessage} Trace ID: ${traceId} Timestamp: ${entraTimestamp(services.clock.now())}`,
        ),
      );

  /** Sends the response (code or error) to the redirect URI in the requested response mode. */
  const respond = (reply: FastifyReply, r: AuthorizeRequest, params: Record<string, string>) => {
    const t = redirectTarget(r, params);
    const origin = redirectOrigin(r);
    if (t.formPost) return reply.headers(pageHeaders(origin ? [origin] : [], true)).send(formPostPage(r.redirectUri, t.formPost));
    return reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).redirect(t.url!, 302);
  };

  const redirectError = (reply: FastifyReply, r: AuthorizeRequest, e: EntraError, traceId: string) => {
    const now = services.clock.now();
    const correlationId = crypto.randomUUID();
    return respond(reply, r, {
      error: e.oauthError,
      error_description: `AADSTS${e.aadsts}: ${e.publicMessage} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${entraTimestamp(now)}`,
      error_codes: `[${e.aadsts}]`,
      timestamp: entraTimestamp(now),
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${services.origin.value}/error?code=${e.aadsts}`,
    });
  };

  const clientName = async (clientId: string) => (await services.applications.findAnyByAppId(clientId))?.displayName ?? clientId;

  const showSignIn = async (reply: FastifyReply, r: AuthorizeRequest, error?: string, username?: string, status = 200) => {
    const tenant = MULTI_TENANT_ALIASES.has(r.tenant) ? undefined : await services.tenants.find(r.tenant);
    return reply
      .code(status)
      .headers(pageHeaders(redirectOrigin(r) ? [redirectOrigin(r)!] : []))
      .send(
        signInPage({
          appName: await clientName(r.clientId),
          ...(tenant ? { tenantName: tenant.displayName } : {}),
          ...(error ? { error } : {}),
          ...((username ?? r.loginHint) ? { username: username ?? r.loginHint } : {}),
          action: '/appwarden/sign-in',
          hidden: { flow: seal({ r, at: services.clock.now() }) },
        }),
      );
  };

  /**
   * After sign-in: the user must belong to the tenant and the client must exist there; missing
   * consent shows the consent page (or `consent_required` with prompt=none); then a code.
   */
  async function finish(reply: FastifyReply, r: AuthorizeRequest, user: User, authTime: number, traceId: string) {
    const tenant = (await services.tenants.getById(user.tenantId))!;
    const client = (await services.applications.findAnyByAppId(r.clientId))!;
    if (!MULTI_TENANT_ALIASES.has(r.tenant) && (await services.tenants.find(r.tenant))?.id !== tenant.id) {
      return redirectError(
        reply,
        r,
        new EntraError('userNotInTenant', {
          username: user.userPrincipalName,
          tenantName: r.tenant,
          clientId: client.appId,
          displayName: client.displayName,
        }),
        traceId,
      );
    }
    let sp = await services.stores.servicePrincipals.getByAppId(tenant.id, client.appId);
    if (!sp && (client.tenantId === tenant.id || client.signInAudience !== 'AzureADMyOrg')) {
      // Signing in to a multi-tenant app creates its service principal, as Entra does on first consent.
      await services.servicePrincipals.create(tenant.id, client.appId);
      sp = await services.stores.servicePrincipals.getByAppId(tenant.id, client.appId);
    }
    if (!sp) {
      return redirectError(
        reply,
        r,
        new EntraError('applicationNotFound', { clientId: client.appId, tenantName: tenant.displayName }),
        traceId,
      );
    }
    const missing = await missingConsent(r, client, tenant.id, sp.id, user);
    if (missing === 'unknown-resource') {
      return redirectError(
        reply,
        r,
        new EntraError('resourceNotFound', { resource: parseUserScopes(r.scope).resource, tenantName: tenant.domain }),
        traceId,
      );
    }
    if (missing.length > 0 || r.prompt === 'consent') {
      if (r.prompt === 'none') {
        return redirectError(
          reply,
          r,
          new EntraError('consentRequiredForUser', { clientId: client.appId, displayName: client.displayName }),
          traceId,
        );
      }
      const roles = await services.directoryRoles.roleTemplateIdsOf(tenant.id, user.id);
      const adminOnly = missing.some((s) => s.type === 'Admin');
      if (adminOnly && !roles.some((x) => CONSENT_ADMINS.includes(x))) {
        return redirectError(
          reply,
          r,
          new EntraError('adminApprovalRequired', { scopes: missing.map((m) => m.value).join(' '), displayName: client.displayName }),
          traceId,
        );
      }
      const home = await services.tenants.getById(client.tenantId);
      return reply.headers(pageHeaders(redirectOrigin(r) ? [redirectOrigin(r)!] : [])).send(
        userConsentPage({
          appName: client.displayName,
          publisherDomain: home?.domain ?? 'unverified',
          username: user.userPrincipalName,
          permissions: (missing.length ? missing : []).map((m) => ({ value: m.value, description: m.adminConsentDescription })),
          organization: adminOnly,
          action: '/appwarden/user-consent',
          hidden: { flow: seal({ r, at: services.clock.now(), userId: user.id, authTime }) },
        }),
      );
    }
    return issueCode(reply, r, user, authTime, tenant.id);
  }

  /** Delegated permissions asked for (non-OIDC) that neither the organization nor the user consented to. */
  async function missingConsent(
    r: AuthorizeRequest,
    client: Application,
    tenantId: string,
    clientSpId: string,
    user: User,
  ): Promise<PermissionScope[] | 'unknown-resource'> {
    const asked = parseUserScopes(r.scope);
    const found = await services.servicePrincipals.findResource(tenantId, asked.resource);
    if (!found) return 'unknown-resource';
    const catalog = scopesOfResource(found.app);
    const granted = await services.permissionGrants.grantedScopes(tenantId, clientSpId, found.sp.id, user.id);
    let wanted: PermissionScope[];
    if (asked.permissions.some((p) => p.toLowerCase() === '.default')) {
      // `.default` asks for what the registration lists (requiredResourceAccess, type Scope).
      const listed = client.requiredResourceAccess.find((x) => x.resourceAppId === found.app.appId);
      const ids = (listed?.resourceAccess ?? []).filter((a) => a.type === 'Scope').map((a) => a.id);
      wanted = catalog.filter((c) => ids.includes(c.id));
    } else {
      wanted = asked.permissions
        .map((p) => catalog.find((c) => c.value.toLowerCase() === p.toLowerCase()))
        .filter((c): c is PermissionScope => !!c);
    }
    return wanted.filter((w) => !granted.has(w.value));
  }

  async function issueCode(reply: FastifyReply, r: AuthorizeRequest, user: User, authTime: number, tenantId: string) {
    const code = `1.AW${crypto.randomBytes(48).toString('base64url')}`;
    const now = services.clock.now();
    await services.stores.userContext.authorizationCodes.insert({
      code_hash: services.master.hashSecret(code),
      tenant_id: tenantId,
      client_app_id: r.clientId,
      user_id: user.id,
      redirect_uri: r.redirectUri,
      redirect_type: r.redirectType,
      scope: r.scope,
      code_challenge: r.codeChallenge ?? null,
      nonce: r.nonce ?? null,
      auth_time: authTime,
      created_at: now,
      expires_at: now + CODE_LIFETIME_MS,
      redeemed_at: null,
    });
    const clientInfo = Buffer.from(JSON.stringify({ uid: user.id, utid: user.tenantId })).toString('base64url');
    return respond(reply, r, {
      code,
      client_info: clientInfo,
      ...(r.v === 1 ? { session_state: crypto.createHash('sha256').update(`${user.id}${authTime}`).digest('hex').slice(0, 32) } : {}),
    });
  }

  const authorize =
    (v: 1 | 2) => async (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>, reply: FastifyReply) => {
      const q = {
        ...(req.query ?? {}),
        ...(req.method === 'POST' && req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {}),
      };
      if (isAdminConsentLink(q)) return adminConsent(req, reply);
      let validated;
      try {
        validated = await validateAuthorizeRequest(services, v, req.params.tenant, q);
      } catch (e) {
        if (e instanceof PageError) return errorPage(reply, e.entra, req.id);
        if (e instanceof RedirectError) return redirectError(reply, e.request, e.entra, req.id);
        throw e;
      }
      const r = validated.request;
      const session = await sessions.read(req.headers.cookie);
      const hintMatches = !r.loginHint || (session && session.user.userPrincipalName === r.loginHint.toLowerCase());
      if (r.prompt === 'none') {
        if (!session || !hintMatches) return redirectError(reply, r, new EntraError('loginRequired'), req.id);
        return finish(reply, r, session.user, session.authTime, req.id);
      }
      if (!session || r.prompt === 'login' || !hintMatches) return showSignIn(reply, r);
      if (r.prompt === 'select_account') {
        return reply.headers(pageHeaders()).send(
          pickAccountPage({
            appName: validated.client.displayName,
            username: session.user.userPrincipalName,
            displayName: session.user.displayName,
            action: '/appwarden/select-account',
            hidden: { flow: seal({ r, at: services.clock.now() }) },
          }),
        );
      }
      return finish(reply, r, session.user, session.authTime, req.id);
    };
  for (const [path, v] of [
    ['/:tenant/oauth2/authorize', 1],
    ['/:tenant/oauth2/v2.0/authorize', 2],
  ] as const) {
    app.get(path, authorize(v));
    app.post(path, authorize(v));
  }

  app.post('/appwarden/sign-in', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const flow = unseal(body.flow);
    if (!flow)
      return reply
        .code(400)
        .headers(pageHeaders())
        .send(messagePage('Sign in failed', 'The sign-in form expired or was altered. Start again from the application.'));
    const r = flow.r;
    if (body.decision === 'cancel') return redirectError(reply, r, new EntraError('userCancelled'), req.id);
    const tenant = MULTI_TENANT_ALIASES.has(r.tenant) ? undefined : await services.tenants.find(r.tenant);
    let user: User;
    try {
      user = await checkUserCredentials(services, tenant, String(body.username ?? ''), String(body.password ?? ''), req.ip);
    } catch (e) {
      if (!(e instanceof EntraError)) throw e;
      const message =
        e.aadsts === 50053
          ? 'Your account is temporarily locked to prevent unauthorized use. Try again later.'
          : e.aadsts === 50057
            ? 'Your account has been disabled. Contact your administrator.'
            : e.aadsts === 50055
              ? 'Your password has expired. Ask your administrator to reset it.'
              : 'Your account or password is incorrect.';
      return showSignIn(reply, r, `${message} (AADSTS${e.aadsts})`, String(body.username ?? ''), 400);
    }
    const created = await sessions.create(user);
    reply.header('set-cookie', sessionCookie(created.cookie, secure()));
    return finish(reply, r, user, created.authTime, req.id);
  });

  app.post('/appwarden/select-account', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const flow = unseal(body.flow);
    if (!flow)
      return reply
        .code(400)
        .headers(pageHeaders())
        .send(messagePage('Sign in failed', 'The form expired. Start again from the application.'));
    const session = await sessions.read(req.headers.cookie);
    if (body.decision !== 'continue' || !session) return showSignIn(reply, flow.r);
    return finish(reply, flow.r, session.user, session.authTime, req.id);
  });

  app.post('/appwarden/user-consent', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const flow = unseal(body.flow);
    const session = await sessions.read(req.headers.cookie);
    if (!flow || !flow.userId || !session || session.user.id !== flow.userId) {
      return reply
        .code(400)
        .headers(pageHeaders())
        .send(messagePage('Sign in failed', 'The consent form expired. Start again from the application.'));
    }
    const r = flow.r;
    if (body.decision !== 'accept') return redirectError(reply, r, new EntraError('userCancelled'), req.id);
    const user = session.user;
    const client = (await services.applications.findAnyByAppId(r.clientId))!;
    const sp = (await services.stores.servicePrincipals.getByAppId(user.tenantId, client.appId))!;
    const missing = await missingConsent(r, client, user.tenantId, sp.id, user);
    if (missing !== 'unknown-resource' && missing.length > 0) {
      const found = (await services.servicePrincipals.findResource(user.tenantId, parseUserScopes(r.scope).resource))!;
      const roles = await services.directoryRoles.roleTemplateIdsOf(user.tenantId, user.id);
      const adminOnly = missing.some((s) => s.type === 'Admin');
      if (adminOnly && !roles.some((x) => CONSENT_ADMINS.includes(x))) {
        return redirectError(
          reply,
          r,
          new EntraError('adminApprovalRequired', { scopes: missing.map((m) => m.value).join(' '), displayName: client.displayName }),
          req.id,
        );
      }
      await services.permissionGrants.consent(
        user.tenantId,
        sp.id,
        found.sp.id,
        missing.map((m) => m.value),
        adminOnly ? null : user.id,
      );
    }
    return issueCode(reply, { ...r, prompt: undefined }, user, flow.authTime ?? session.authTime, user.tenantId);
  });

  const logout = async (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>, reply: FastifyReply) => {
    const q = {
      ...(req.query ?? {}),
      ...(req.method === 'POST' && req.body && typeof req.body === 'object' ? (req.body as Record<string, string>) : {}),
    };
    await sessions.end(req.headers.cookie);
    reply.header('set-cookie', clearedSessionCookie(secure()));
    const target = q.post_logout_redirect_uri;
    if (target && (await isRegisteredLogoutTarget(q, target))) {
      const u = new URL(target);
      if (q.state) u.searchParams.set('state', q.state);
      return reply.redirect(u.toString(), 302);
    }
    return reply
      .headers(pageHeaders())
      .send(messagePage('You signed out of your account', "It's a good idea to close all browser windows."));
  };
  /** A post-logout URI must be a redirect URI of the client named by client_id or by the ID token hint's audience. */
  async function isRegisteredLogoutTarget(q: Record<string, string>, target: string): Promise<boolean> {
    let clientId = q.client_id;
    if (!clientId && q.id_token_hint) {
      try {
        const aud = (JSON.parse(Buffer.from(q.id_token_hint.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud?: unknown }).aud;
        if (typeof aud === 'string') clientId = aud;
      } catch {
        return false;
      }
    }
    if (!clientId) {
      // msal-node sends neither: accept the server's own pages and loopback (where its apps listen).
      return target.startsWith(`${services.origin.value}/`) || /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/|$)/.test(target);
    }
    const client = await services.applications.findAnyByAppId(clientId);
    return !!client && !!matchRedirectUri(client, target, services.origin.value);
  }
  for (const path of ['/:tenant/oauth2/v2.0/logout', '/:tenant/oauth2/logout']) {
    app.get(path, logout);
    app.post(path, logout);
  }
}
