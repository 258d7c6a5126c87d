import type { FastifyInstance } from 'fastify';
import { mountResolvedRoutes, sendJson, type RouteArea } from '../http/route-table.js';
import { APPLICATION_ROUTES } from './application-routes.js';
import { authenticateGraphCaller, requireAny, type GraphAuthDeps, type GraphCaller } from './graph-auth.js';
import { odataResolver } from './odata-path.js';
import { organizationJson } from './representations.js';
import { odataContext, READ_APPS, type GraphCall, type GraphRoute, type ManagementDeps } from './route-definition.js';
import { SERVICE_PRINCIPAL_ROUTES } from './service-principal-routes.js';

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
 * The Microsoft Graph v1.0 subset that manages app registrations, service principals and app
 * role assignments. Paths and bodies follow Graph so scripts written for Graph work unchanged.
 * To add resources, write a `<resource>-routes.ts` exporting a GraphRoute[] and list it here.
 */
export const GRAPH_ROUTES: GraphRoute[] = [...ORGANIZATION_ROUTES, ...APPLICATION_ROUTES, ...SERVICE_PRINCIPAL_ROUTES];

/** What the management area needs: its handlers' dependencies and authentication. */
export interface ManagementAreaDeps extends ManagementDeps, GraphAuthDeps {}

/**
 * Each request: authenticate (Graph app token, or the operator key with `x-appwarden-tenant`) ->
 * resolve the path (400 unknown segment, 405 method) -> the route's permissions (403) -> handler.
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
    authorize: (caller, route) => requireAny(caller, route.permissions),
    call: (caller, { req, path }) => ({
      caller,
      path,
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
