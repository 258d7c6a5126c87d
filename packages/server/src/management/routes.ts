import type { FastifyInstance } from 'fastify';
import { mountResolvedRoutes, sendJson, type RouteArea } from '../http/route-table.js';
import { errors } from '../http/errors.js';
import { APPLICATION_ROUTES } from './application-routes.js';
import { DIRECTORY_ROLE_ROUTES } from './directory-role-routes.js';
import { authenticateGraphCaller, requireAny, type GraphAuthDeps, type GraphCaller } from './graph-auth.js';
import { odataResolver } from './odata-path.js';
import { PERMISSION_GRANT_ROUTES } from './permission-grant-routes.js';
import { organizationJson } from './representations.js';
import { odataContext, READ_APPS, type GraphCall, type GraphRoute, type ManagementDeps } from './route-definition.js';
import { SECURITY_ALERT_ROUTES } from './security-alert-routes.js';
import { SERVICE_PRINCIPAL_ROUTES } from './service-principal-routes.js';
import { USER_ROUTES } from './user-routes.js';

export { GRAPH_DEFAULT_TOP, GRAPH_MAX_TOP } from './route-definition.js';

const ORGANIZATION_ROUTES: GraphRoute[] = [
  {
    methods: ['GET'],
    paths: ['organization'],
    permissions: ['Organization.Read.All', ...READ_APPS],
    handle: async (call) => ({
      '@odata.context': odataContext(call.origin, 'organization'),
      value: [organizationJson(call.caller.tenant)],
    }),
  },
];

/**
 * The Microsoft Graph v1.0 subset that manages app registrations, service principals, app role
 * assignments, and (user context) users, directory roles and delegated permission grants. Paths
 * and bodies follow Graph so scripts written for Graph work unchanged. Security alerts (alerts_v2)
 * serve the tenant's Defender for Cloud Apps alerts. To add resources, write a
 * `<resource>-routes.ts` exporting a GraphRoute[] and list it here.
 */
export const GRAPH_ROUTES: GraphRoute[] = [
  ...ORGANIZATION_ROUTES,
  ...APPLICATION_ROUTES,
  ...SERVICE_PRINCIPAL_ROUTES,
  ...USER_ROUTES,
  ...DIRECTORY_ROLE_ROUTES,
  ...PERMISSION_GRANT_ROUTES,
  ...SECURITY_ALERT_ROUTES,
];

/** What the management area needs: its handlers' dependencies and authentication. */
export interface ManagementAreaDeps extends ManagementDeps, GraphAuthDeps {
  // Both sides use these services; the handlers' view is the wider one.
  users: ManagementDeps['users'];
  directoryRoles: ManagementDeps['directoryRoles'];
}

/** The caller is the signed-in user named by `key` (object id or sign-in name). */
function isSignedInUser(caller: GraphCaller, key: string | undefined): boolean {
  if (caller.userId === undefined || key === undefined) return false;
  return key === caller.userId || key.toLowerCase() === caller.userPrincipalName;
}

/** `me` paths: delegated tokens only (400, as Graph, before any permission), then as `users/:user`. */
function authorizeGraphRoute(caller: GraphCaller, route: GraphRoute, path: Record<string, string>): void {
  if (route.me && caller.userId === undefined) throw errors.invalidInput('/me request is only valid with delegated authentication flow.');
  if (route.self && isSignedInUser(caller, route.me ? caller.userId : path.user)) return;
  requireAny(caller, route.permissions);
}

/**
 * Each request: authenticate (Graph token, or the operator key with `x-appwarden-tenant`) ->
 * resolve the path (400 unknown segment, 405 method) -> the route's permissions (403; `me` paths
 * first need a user token, and `self` routes let the signed-in user act on themself) -> handler.
 */
export function managementArea(
  deps: ManagementAreaDeps,
  operatorKey: () => string | undefined,
): RouteArea<GraphRoute, GraphCaller, GraphCall> {
  return {
    authenticate: ({ req }) =>
      authenticateGraphCaller(
        deps,
        req.headers.authorization,
        typeof req.headers['x-appwarden-tenant'] === 'string' ? req.headers['x-appwarden-tenant'] : undefined,
        operatorKey(),
      ),
    authorize: (caller, route, { path }) => authorizeGraphRoute(caller, route, path),
    call: (caller, { req, path }, route) => ({
      caller,
      path: route.me ? { ...path, user: caller.userId! } : path,
      query: req.query as Record<string, string>,
      headers: req.headers,
      body: req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {},
      origin: deps.origin.value,
      services: deps,
    }),
    send: sendJson,
  };
}

export function registerManagementRoutes(
  app: FastifyInstance,
  deps: ManagementAreaDeps,
  operatorKey: () => string | undefined,
  routes: readonly GraphRoute[] = GRAPH_ROUTES,
): void {
  const resolve = odataResolver(routes);
  mountResolvedRoutes(app, managementArea(deps, operatorKey), '/v1.0/*', (req) =>
    resolve(req.method, decodeURIComponent(req.url.split('?')[0]!.replace(/^\/v1\.0\/?/i, ''))),
  );
}
