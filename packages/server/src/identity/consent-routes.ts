import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GLOBAL_ADMINISTRATOR, MICROSOFT_GRAPH_APP_ID, PRIVILEGED_ROLE_ADMINISTRATOR } from '@appwarden/protocol';
import type { Services } from '../wiring.js';
import type { Application } from './application-model.js';
import { consentPage, messagePage, type ConsentView } from './consent-pages.js';
import { EntraError } from '../http/errors.js';
import { CONSENT_ADMINS } from './sign-in/authorize-routes.js';
import { checkUserCredentials } from './sign-in/credential-check.js';
import { sessionCookie, SignInSessions, type SignedInSession } from './sign-in/sessions.js';
import { MULTI_TENANT_ALIASES } from './tenant-service.js';
import type { User } from './users/user-model.js';

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

/**
 * Headers of a page with the consent form: its answer is a redirect to the client's redirect URI,
 * and browsers apply `form-action` to a form's redirects too, so that origin must be allowed.
 */
function formHeaders(redirectUri: string) {
  let origin = '';
  try {
    if (redirectUri) origin = ` ${new URL(redirectUri).origin}`;
  } catch {
    // Not a URL: the page shows an error and posts only to itself.
  }
  return {
    ...PAGE_HEADERS,
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${origin}; frame-ancestors 'none'`,
  };
}

interface ConsentRequest {
  tenant: string;
  client_id: string;
  redirect_uri: string;
  state: string;
  /** adminconsent (v1 doc endpoint), v2 (with scope), authorize (consent link). */
  flow: 'adminconsent' | 'v2' | 'authorize';
  scope: string;
}

/**
 * Admin consent in the browser, as Entra's consent link does: `/{tenant}/adminconsent`,
 * `/{tenant}/v2.0/adminconsent` and `/{tenant}/oauth2/authorize?prompt=consent|admin_consent`
 * (`common` and `organizations` allowed: the administrator's tenant comes from the sign-in).
 * The administrator signs in with a console user of the tenant; accepting creates the client's
 * service principal and its app role assignments, then redirects to a registered redirect URI.
 */
export function registerConsentRoutes(
  app: FastifyInstance,
  services: Services,
): (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>, reply: FastifyReply) => unknown {
  const sealKey = crypto.createHash('sha256').update(services.master.hashSecret('appwarden consent form')).digest();
  const seal = (r: ConsentRequest) => crypto.createHmac('sha256', sealKey).update(JSON.stringify(r)).digest('base64url');
  const sessions = new SignInSessions(services.stores, services.master, services.clock, services.users);
  // Binds an "accept as the signed-in user" form to the session that was shown it, so a form
  // fetched by someone else cannot be posted through another administrator's session.
  const ssoProof = (session: SignedInSession, r: ConsentRequest) =>
    crypto
      .createHmac('sha256', sealKey)
      .update(`sso|${session.sessionHash}|${seal(r)}`)
      .digest('base64url');
  const sameProof = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));

  /** The single sign-on session usable for this request: same tenant (or a multi-tenant alias), no prompt=login. */
  async function usableSession(req: FastifyRequest, r: ConsentRequest, prompt: string | undefined) {
    if ((prompt ?? '').toLowerCase() === 'login') return undefined;
    const session = await sessions.read(req.headers.cookie);
    if (!session) return undefined;
    if (MULTI_TENANT_ALIASES.has(r.tenant)) return session;
    return (await services.tenants.find(r.tenant))?.id === session.user.tenantId ? session : undefined;
  }

  async function show(
    req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>,
    reply: FastifyReply,
    flow: ConsentRequest['flow'],
  ) {
    const q = req.query;
    const r: ConsentRequest = {
      tenant: req.params.tenant.toLowerCase(),
      client_id: String(q.client_id ?? '').toLowerCase(),
      redirect_uri: String(q.redirect_uri ?? ''),
      state: String(q.state ?? ''),
      flow,
      scope: String(q.scope ?? ''),
    };
    const client = await services.applications.findAnyByAppId(r.client_id);
    if (!client || client.builtIn) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(messagePage('Sign in failed', `AADSTS700016: Application with identifier '${r.client_id}' was not found.`));
    }
    const redirectError = checkRedirect(client, r.redirect_uri);
    if (redirectError) return reply.code(400).headers(PAGE_HEADERS).send(messagePage('Sign in failed', redirectError));
    if (!MULTI_TENANT_ALIASES.has(r.tenant) && !(await services.tenants.find(r.tenant))) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(messagePage('Sign in failed', `AADSTS90002: Tenant '${r.tenant}' not found.`));
    }
    const session = await usableSession(req, r, q.prompt);
    const sso = session ? { signedInAs: session.user.userPrincipalName, ssoProof: ssoProof(session, r) } : {};
    return reply.headers(formHeaders(r.redirect_uri)).send(consentPage(await view(client, r, sso)));
  }

  async function view(
    client: Application,
    r: ConsentRequest,
    extra: Partial<ConsentView> & { ssoProof?: string } = {},
  ): Promise<ConsentView> {
    const { ssoProof: proof, ...rest } = extra;
    const permissions: ConsentView['permissions'] = [];
    for (const rra of client.requiredResourceAccess) {
      const resource = await services.applications.findAnyByAppId(rra.resourceAppId);
      for (const a of rra.resourceAccess.filter((x) => x.type === 'Role')) {
        const role = resource?.appRoles.find((x) => x.id === a.id);
        if (role) permissions.push({ resource: resource!.displayName, value: role.value, description: role.description });
      }
    }
    const home = await services.tenants.getById(client.tenantId);
    return {
      appName: client.displayName,
      appId: client.appId,
      publisherDomain: home?.domain ?? 'unknown',
      permissions,
      hidden: { ...r, seal: seal(r), ...(proof ? { sso: proof } : {}) },
      ...rest,
    };
  }

  const consentEndpoint =
    (flow: ConsentRequest['flow']) =>
    (req: FastifyRequest<{ Params: { tenant: string }; Querystring: Record<string, string> }>, reply: FastifyReply) =>
      show(req, reply, flow);
  app.get('/:tenant/adminconsent', consentEndpoint('adminconsent'));
  app.get('/:tenant/v2.0/adminconsent', consentEndpoint('v2'));
  // The authorize endpoints belong to the sign-in (sign-in/authorize-routes.ts), which hands
  // consent links (prompt=consent without scope, prompt=admin_consent) back to this page.

  app.post('/appwarden/consent', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, string>;
    const r: ConsentRequest = {
      tenant: String(body.tenant ?? ''),
      client_id: String(body.client_id ?? ''),
      redirect_uri: String(body.redirect_uri ?? ''),
      state: String(body.state ?? ''),
      flow: (['adminconsent', 'v2', 'authorize'].includes(body.flow ?? '') ? body.flow : 'adminconsent') as ConsentRequest['flow'],
      scope: String(body.scope ?? ''),
    };
    const expected = Buffer.from(seal(r));
    const got = Buffer.from(String(body.seal ?? ''));
    if (expected.length !== got.length || !crypto.timingSafeEqual(expected, got)) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(messagePage('Sign in failed', 'The consent request was altered or is incomplete. Start again from the consent link.'));
    }
    const client = await services.applications.findAnyByAppId(r.client_id);
    if (!client || checkRedirect(client, r.redirect_uri)) {
      return reply
        .code(400)
        .headers(PAGE_HEADERS)
        .send(messagePage('Sign in failed', 'The application or its redirect URI is no longer valid.'));
    }
    const redirect = (params: Record<string, string>) => {
      if (!r.redirect_uri)
        return reply
          .headers(PAGE_HEADERS)
          .send(
            messagePage(
              params.error ? 'Consent cancelled' : 'Consent granted',
              params.error_description ?? `Permissions granted for ${client.displayName}.`,
            ),
          );
      const u = new URL(r.redirect_uri);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      if (r.state) u.searchParams.set('state', r.state);
      return reply.redirect(u.toString(), 302);
    };
    if (body.decision === 'other') return reply.headers(formHeaders(r.redirect_uri)).send(consentPage(await view(client, r)));
    if (body.decision !== 'accept') {
      return redirect({
        error: 'access_denied',
        error_description: 'AADSTS65004: The admin canceled the request.',
        ...(r.flow === 'authorize' ? {} : { admin_consent: 'False' }),
      });
    }
    let user: User;
    if (body.sso !== undefined) {
      // Accepted as the signed-in user: the session must still be the one the form was shown to.
      const session = await sessions.read(req.headers.cookie);
      if (!session || !sameProof(ssoProof(session, r), String(body.sso))) {
        return reply
          .code(401)
          .headers(formHeaders(r.redirect_uri))
          .send(consentPage(await view(client, r, { error: 'Your session has ended. Sign in again.' })));
      }
      user = session.user;
    } else {
      const username = String(body.username ?? '').toLowerCase();
      try {
        // The sign-in's check: its lockout, and the same work for unknown user names as for real ones.
        user = await checkUserCredentials(services, undefined, username, String(body.password ?? ''), req.ip);
      } catch (e) {
        if (!(e instanceof EntraError)) throw e;
        const [status, error] =
          e.aadsts === 50053
            ? [429, 'Your account is temporarily locked to prevent unauthorized use. Try again later.']
            : e.aadsts === 50057
              ? [401, 'Your account has been disabled. Contact your administrator.']
              : e.aadsts === 50055
                ? [401, 'Your password has expired. Ask your administrator to reset it.']
                : [401, 'Your account or password is incorrect.'];
        return reply
          .code(status)
          .headers(formHeaders(r.redirect_uri))
          .send(consentPage(await view(client, r, { error, username })));
      }
      // Signing in on the consent page signs the browser in, as the sign-in page does.
      const created = await sessions.create(user);
      reply.header('set-cookie', sessionCookie(created.cookie, services.origin.value.startsWith('https:')));
    }
    const tenant = (await services.tenants.getById(user.tenantId))!;
    if (!MULTI_TENANT_ALIASES.has(r.tenant) && (await services.tenants.find(r.tenant))?.id !== tenant.id) {
      return reply
        .code(403)
        .headers(formHeaders(r.redirect_uri))
        .send(
          consentPage(
            await view(client, r, { error: `This account is not an administrator of '${r.tenant}'.`, username: user.userPrincipalName }),
          ),
        );
    }
    // Only administrators who may grant tenant-wide consent (Entra's built-in roles for it);
    // application permissions of Microsoft Graph need a Global or Privileged Role Administrator.
    const roles = await services.directoryRoles.roleTemplateIdsOf(tenant.id, user.id);
    const graphRoles = client.requiredResourceAccess.some(
      (x) => x.resourceAppId === MICROSOFT_GRAPH_APP_ID && x.resourceAccess.some((a) => a.type === 'Role'),
    );
    const allowed = graphRoles ? [GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR] : CONSENT_ADMINS;
    if (!roles.some((x) => allowed.includes(x))) {
      return reply
        .code(403)
        .headers(formHeaders(r.redirect_uri))
        .send(
          consentPage(
            await view(client, r, {
              error: `AADSTS90094: ${user.userPrincipalName} cannot grant admin consent: it needs ${graphRoles ? 'a Global Administrator or a Privileged Role Administrator' : 'a Global, Privileged Role, Cloud Application or Application Administrator'}. Sign in with an administrator account.`,
              username: user.userPrincipalName,
            }),
          ),
        );
    }
    if (client.tenantId !== tenant.id && client.signInAudience === 'AzureADMyOrg') {
      return redirect({
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application '${client.appId}' is not available in tenant '${tenant.domain}'.`,
      });
    }
    const result = await services.servicePrincipals.grantAdminConsent(tenant.id, client.appId);
    // Admin consent covers the delegated permissions the app requests too (AllPrincipals grants).
    await services.permissionGrants.grantAdminConsent(tenant.id, client, result.servicePrincipal.id);
    req.log.info({ tenant: tenant.id, clientId: client.appId, granted: result.granted.length }, 'admin consent granted');
    if (r.flow === 'authorize')
      return redirect({ admin_consent: 'True', tenant: tenant.id, code: crypto.randomBytes(24).toString('base64url') });
    return redirect({ admin_consent: 'True', tenant: tenant.id, ...(r.flow === 'v2' ? { scope: r.scope } : {}) });
  });
  return consentEndpoint('authorize');
}

/** A redirect URI must match a registered one (extra path segments allowed, as Entra does); none means "show a page". */
function checkRedirect(client: Application, redirectUri: string): string | undefined {
  if (!redirectUri) return undefined;
  let u: URL;
  try {
    u = new URL(redirectUri);
  } catch {
    return `AADSTS50011: The redirect URI '${redirectUri}' is not a valid URL.`;
  }
  const ok = client.web.redirectUris.some((reg) => {
    const r = reg.replace(/\/+$/, '');
    const given = `${u.origin}${u.pathname}`.replace(/\/+$/, '');
    return given === r || given.startsWith(`${r}/`);
  });
  return ok
    ? undefined
    : `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${client.appId}'.`;
}
