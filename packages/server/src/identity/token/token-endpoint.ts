import type { Config } from '../../config.js';
import { EntraError } from '../../http/errors.js';
import type { ApplicationService } from '../application-service.js';
import type { Tenant, TenantService } from '../tenant-service.js';
import { GUID_RE, MULTI_TENANT_ALIASES } from '../tenant-service.js';
import type { ClientAuthThrottle } from './client-auth-throttle.js';
import type { AdmissionGate } from './admission-gate.js';
import { assertionIssuer, type ClientAuthenticator, type PresentedCredential } from './client-authentication.js';
import type { AuthenticatedClient, Grant, GrantServices, TokenResponse } from './grant.js';
import { authorizationCodeGrant } from './grants/authorization-code.js';
import { clientCredentialsGrant } from './grants/client-credentials.js';
import { deviceCodeGrant } from './grants/device-code.js';
import { passwordGrant } from './grants/password.js';
import { refreshTokenGrant } from './grants/refresh-token.js';
import { parseBasicAuthorization, type TokenRequest } from './token-request.js';

export const GRANTS: readonly Grant[] = [clientCredentialsGrant, authorizationCodeGrant, refreshTokenGrant, passwordGrant, deviceCodeGrant];

export interface TokenEndpointDeps extends GrantServices {
  tenants: TenantService;
  applications: ApplicationService;
  authenticator: ClientAuthenticator;
  throttle: ClientAuthThrottle;
  admission: AdmissionGate;
  config: Pick<Config, 'tokenLifetimeSeconds' | 'tokenBackdateSeconds'>;
}

/** State that flows through the steps; each step fills in what the next ones need. */
interface TokenState {
  request: TokenRequest;
  tenant?: Tenant;
  grant?: Grant;
  clientId?: string;
  credential?: PresentedCredential;
  requestedResource?: string;
  client?: AuthenticatedClient;
  response?: TokenResponse;
  /** Gives the tenant's admission slot back (handleTokenRequest calls it when the request ends). */
  release?: () => void;
}

type Step = { name: string; run: (s: TokenState, deps: TokenEndpointDeps) => Promise<void> | void };

/**
 * The token endpoint, as an ordered list of named steps. The order follows what Entra reports
 * first: tenant, grant type, parameters, the client's existence in the tenant, its credential,
 * then the resource and the roles.
 */
export const TOKEN_STEPS: readonly Step[] = [
  {
    name: 'resolve-tenant',
    run: async (s, d) => {
      // A user grant on /common or /organizations redeems in the tenant it names itself.
      const gt = s.request.form.grant_type;
      const grant = GRANTS.find((g) => g.grantType === gt || g.aliases?.includes(gt ?? ''));
      if (grant?.tenantOnAlias && MULTI_TENANT_ALIASES.has(s.request.tenantSegment.toLowerCase())) {
        const id = await grant.tenantOnAlias({ request: s.request, services: d });
        const tenant = id ? await d.tenants.getById(id) : undefined;
        if (tenant) {
          s.tenant = tenant;
          return;
        }
      }
      s.tenant = await d.tenants.resolveForToken(s.request.tenantSegment);
    },
  },
  {
    // Before any credential check or directory read: one tenant's flood waits in its own queue.
    name: 'admit',
    run: async (s, d) => {
      s.release = await d.admission.acquire(s.tenant!.id);
    },
  },
  {
    name: 'select-grant',
    run: (s) => {
      const gt = s.request.form.grant_type;
      if (gt === undefined || gt === '') throw new EntraError('missingParameter', { name: 'grant_type' });
      const grant = GRANTS.find((g) => g.grantType === gt || g.aliases?.includes(gt));
      if (!grant) throw new EntraError('unsupportedGrantType', { grantType: gt });
      s.grant = grant;
    },
  },
  {
    name: 'read-client-credential',
    run: (s) => {
      const { form, authorization } = s.request;
      const basic = parseBasicAuthorization(authorization);
      const bodySecret = form.client_secret !== undefined && form.client_secret !== '';
      const assertion = form.client_assertion !== undefined && form.client_assertion !== '';
      const methods = Number(Boolean(basic)) + Number(bodySecret) + Number(assertion);
      if (methods > 1) throw new EntraError('multipleClientAuth');
      if (basic) {
        if (form.client_id && form.client_id.toLowerCase() !== basic.clientId.toLowerCase()) {
          throw new EntraError('malformedRequest', {}, 'client_id differs from the Basic user name');
        }
        s.credential = { kind: 'secret', secret: basic.secret };
        s.clientId = basic.clientId;
      } else if (bodySecret) {
        s.credential = { kind: 'secret', secret: form.client_secret! };
      } else if (assertion) {
        s.credential = { kind: 'assertion', assertion: form.client_assertion!, assertionType: form.client_assertion_type ?? '' };
      } else {
        s.credential = { kind: 'none' };
      }
      s.clientId ??= form.client_id || (assertion ? assertionIssuer(form.client_assertion!) : undefined);
      if (!s.clientId) throw new EntraError('missingParameter', { name: 'client_id' });
    },
  },
  {
    name: 'validate-grant-parameters',
    run: (s) => {
      s.requestedResource = s.grant!.requestedResource({ request: s.request });
    },
  },
  {
    name: 'find-client',
    run: async (s, d) => {
      const clientId = s.clientId!;
      if (clientId === '00000000-0000-0000-0000-000000000000' || !GUID_RE.test(clientId)) {
        throw new EntraError('invalidApplicationIdentifier', { clientId });
      }
      const tenant = s.tenant!;
      const notFound = () => new EntraError('applicationNotFound', { clientId, tenantName: tenant.displayName });
      const { app, sp } = await d.directoryCache.get(`client ${tenant.id} ${clientId.toLowerCase()}`, async () => {
        const app = await d.applications.findAnyByAppId(clientId);
        return { app, sp: app && !app.builtIn ? await d.servicePrincipals.rowByAppId(tenant.id, clientId) : undefined };
      });
      if (!app || app.builtIn) throw notFound();
      if (!sp) throw notFound();
      if (sp.account_enabled !== 1) throw new EntraError('clientDisabled', { clientId: app.appId, displayName: app.displayName });
      s.client = { app, servicePrincipal: sp, authMethod: '1' };
    },
  },
  {
    name: 'authenticate-client',
    run: async (s, d) => {
      const tenant = s.tenant!;
      const client = s.client!;
      // User grants decide whether the request is a public client's (reference user-context §2.4).
      const kind = s.grant!.clientKind
        ? await s.grant!.clientKind({ request: s.request, client, services: d, origin: s.request.origin })
        : 'confidential';
      if (s.credential!.kind === 'none' && kind !== 'confidential') {
        client.authMethod = '0';
        return;
      }
      if (s.credential!.kind !== 'none' && kind === 'public') throw new EntraError('publicClientSentSecret');
      await d.throttle.check(tenant.id, client.app.appId, s.request.sourceAddress);
      try {
        const result = await d.authenticator.authenticate(
          client.app,
          client.app.appId,
          s.credential!,
          (aud) => acceptedAssertionAudience(aud, s.request.origin, tenant),
          s.credential!.kind === 'assertion' ? await replayScope(d, tenant, s.requestedResource!) : '',
        );
        client.authMethod = result.method;
      } catch (e) {
        // A counter store that is away must not turn the client's error into a server error.
        if (e instanceof EntraError && e.oauthError === 'invalid_client') {
          await d.throttle.recordFailure(tenant.id, client.app.appId, s.request.sourceAddress).catch(() => undefined);
        }
        throw e;
      }
    },
  },
  {
    name: 'run-grant',
    run: async (s, d) => {
      s.response = await s.grant!.handler({
        request: s.request,
        tenant: s.tenant!,
        client: s.client!,
        requestedResource: s.requestedResource!,
        services: d,
        config: d.config,
      });
    },
  },
];

/**
 * The resource an assertion is spent on, in one spelling: the resource application's appId when
 * it resolves (identifier URI in any case, with or without trailing slashes, or the appId), else
 * the requested string normalised. Same cache key as the grant's lookup, so it costs no query.
 */
async function replayScope(d: TokenEndpointDeps, tenant: Tenant, requested: string): Promise<string> {
  const found = await d.directoryCache.get(`resource ${tenant.id} ${requested}`, () =>
    d.servicePrincipals.findResource(tenant.id, requested),
  );
  return found?.app.appId.toLowerCase() ?? requested.trim().replace(/\/+$/, '').toLowerCase();
}

/** A client assertion's `aud` may name this tenant's v1 or v2 token endpoint, by GUID, domain or name. */
export function acceptedAssertionAudience(aud: string, origin: string, tenant: Tenant): boolean {
  const normalised = aud.trim().replace(/\/+$/, '').toLowerCase();
  const o = origin.toLowerCase();
  for (const t of [tenant.id, tenant.domain, tenant.name]) {
    for (const path of ['oauth2/v2.0/token', 'oauth2/token']) {
      if (normalised === `${o}/${t}/${path}`) return true;
    }
  }
  return false;
}

export async function handleTokenRequest(request: TokenRequest, deps: TokenEndpointDeps): Promise<TokenResponse> {
  const state: TokenState = { request };
  try {
    for (const step of TOKEN_STEPS) await step.run(state, deps);
    return state.response!;
  } finally {
    state.release?.();
  }
}
