import { AZURE_SERVICE_MANAGEMENT_APP_ID, AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS } from '@appwarden/protocol';
import type { FastifyInstance } from 'fastify';
import { ArmError } from '../http/errors.js';
import { mountRoutes, sendJson, type Route, type RouteArea, type RouteRequest } from '../http/route-table.js';
import { TokenRejected, type AccessTokenVerifier } from '../identity/access-token-verifier.js';
import type { Tenant } from '../identity/tenant-service.js';

// A minimal Azure Resource Manager: what `az login` (and other ARM clients) read right after
// signing in to a tenant that has no subscriptions. Tenants own no subscriptions in Appwarden, so
// every subscription-scoped path answers SubscriptionNotFound. Authenticated by Azure Service
// Management tokens (app-only or delegated), as ARM is; ARM authorizes with Azure RBAC, not app
// roles, so any such token of the tenant may read what is here.

/** Audiences ARM accepts: both Service Management identifier URIs (either slash) and the appId. */
export const ARM_AUDIENCES = [
  ...AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS.map((u) => u.replace(/\/+$/, '')),
  AZURE_SERVICE_MANAGEMENT_APP_ID,
];

/** What the ARM surface uses. */
export interface ArmDeps {
  origin: { readonly value: string };
  verifier: Pick<AccessTokenVerifier, 'verify'>;
}

export interface ArmCaller {
  tenant: Tenant;
  clientAppId: string;
}

export interface ArmCall {
  caller: ArmCaller;
  path: Record<string, string>;
  origin: string;
}

/** An ARM operation. Its one permission: a valid Azure Service Management token (ARM has no app roles). */
export interface ArmRoute extends Route<ArmCall> {
  permission: 'azure-service-management-token' | 'none';
}

const API_VERSION_RE = /^\d{4}-\d{2}-\d{2}(-preview|-beta|-alpha)?$/i;

/** ARM's own challenge on 401. */
const challenge = (origin: string, description: string) => ({
  'WWW-Authenticate': `Bearer authorization_uri="${origin}/", error="invalid_token", error_description="${description}"`,
});

function requireApiVersion(query: unknown): void {
  const v = (query as Record<string, unknown> | undefined)?.['api-version'];
  if (v === undefined || v === '') {
    throw new ArmError('MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  if (typeof v !== 'string' || !API_VERSION_RE.test(v)) {
    throw new ArmError(
      'InvalidApiVersionParameter',
      `The api-version '${String(v).slice(0, 64)}' is invalid. The supported versions are in the form 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.`,
    );
  }
}

const subscriptionNotFound = (call: ArmCall) => {
  throw new ArmError('SubscriptionNotFound', `The subscription '${call.path.subscriptionId ?? ''}' could not be found.`);
};

/** `GET /tenants`: the token's tenant, in Tenants - List's shape. */
function tenantJson(t: Tenant) {
  return {
    id: `/tenants/${t.id}`,
    tenantId: t.id,
    // Appwarden keeps no country for a tenant (inferred default).
    countryCode: 'US',
    displayName: t.displayName,
    domains: [t.domain],
    tenantCategory: 'Home',
    defaultDomain: t.domain,
    tenantType: 'AAD',
  };
}

/**
 * `GET /metadata/endpoints`: the cloud's endpoints, in the shape `az cloud register` reads when the
 * cloud config leaves the sign-in endpoints out (and other tools' custom-cloud discovery).
 */
export function cloudMetadata(origin: string) {
  return {
    galleryEndpoint: '',
    graphEndpoint: 'https://graph.windows.net/',
    portalEndpoint: `${origin}/`,
    graph: 'https://graph.windows.net/',
    name: 'Appwarden',
    authentication: {
      loginEndpoint: `${origin}/`,
      audiences: [...AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    resourceManager: `${origin}/`,
    microsoftGraphResourceId: `${origin}/`,
    suffixes: {},
  };
}

export const ARM_ROUTES: ArmRoute[] = [
  {
    methods: ['GET'],
    paths: ['/subscriptions'],
    permission: 'azure-service-management-token',
    // No subscriptions: a tenant-level login (`az login --allow-no-subscriptions`). ARM adds
    // `nextLink` only when another page follows.
    handle: async () => ({ value: [], count: { type: 'Total', value: 0 } }),
  },
  {
    methods: ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'],
    paths: ['/subscriptions/:subscriptionId', '/subscriptions/:subscriptionId/*'],
    permission: 'azure-service-management-token',
    handle: async (call) => subscriptionNotFound(call),
  },
  {
    methods: ['GET'],
    paths: ['/tenants'],
    permission: 'azure-service-management-token',
    handle: async (call) => ({ value: [tenantJson(call.caller.tenant)] }),
  },
  {
    methods: ['GET'],
    paths: ['/providers'],
    permission: 'azure-service-management-token',
    handle: async () => ({ value: [] }),
  },
  {
    methods: ['GET', 'PUT', 'PATCH', 'POST', 'DELETE'],
    paths: ['/providers/:namespace', '/providers/:namespace/*'],
    permission: 'azure-service-management-token',
    handle: async (call) => {
      throw new ArmError('InvalidResourceNamespace', `The resource namespace '${call.path.namespace ?? ''}' is invalid.`);
    },
  },
  {
    methods: ['GET'],
    paths: ['/metadata/endpoints'],
    permission: 'none',
    handle: async (call) => cloudMetadata(call.origin),
  },
];

/** Bearer Azure Service Management token (ARM's 401s otherwise), then `api-version`. */
export function armArea(deps: ArmDeps): RouteArea<ArmRoute, ArmCaller | undefined, ArmCall> {
  return {
    async authenticate({ req }: RouteRequest, route) {
      const origin = deps.origin.value;
      if (route?.permission === 'none') return undefined;
      const header = req.headers.authorization;
      if (!header) {
        throw new ArmError(
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
          undefined,
          challenge(origin, "The authentication failed because of missing 'Authorization' header."),
        );
      }
      const m = /^bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) {
        throw new ArmError(
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is provided in an invalid format.",
          undefined,
          challenge(origin, "The authentication failed because of 'Authorization' header format."),
        );
      }
      try {
        const v = await deps.verifier.verify(m[1]!, ARM_AUDIENCES);
        return { tenant: v.tenant, clientAppId: v.clientAppId };
      } catch (e) {
        if (!(e instanceof TokenRejected)) throw e;
        if (/audience/.test(e.message)) {
          throw new ArmError(
            'InvalidAuthenticationTokenAudience',
            `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(',')}.`,
            e.message,
            challenge(origin, 'The access token has been obtained for wrong audience or resource.'),
          );
        }
        throw new ArmError(
          'InvalidAuthenticationToken',
          'The access token is invalid.',
          e.message,
          challenge(origin, 'The access token is invalid.'),
        );
      }
    },
    authorize(caller, route) {
      // Every authenticated route has the same permission: the token itself.
      if (route.permission !== 'none' && !caller) throw new ArmError('AuthenticationFailed', 'Authentication failed.');
    },
    call(caller, { req, path }, route) {
      if (route.permission !== 'none') requireApiVersion(req.query);
      return { caller: caller!, path, origin: deps.origin.value };
    },
    send: sendJson,
  };
}

export function registerArmRoutes(app: FastifyInstance, deps: ArmDeps): void {
  mountRoutes(app, armArea(deps), ARM_ROUTES, (route) => [...route.paths]);
}
