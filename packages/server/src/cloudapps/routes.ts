import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { errors, type SemanticError } from '../http/errors.js';
import { mountRoutes, type RouteArea } from '../http/route-table.js';
import type { Clock } from '../clock.js';
import { ACTIVITY_ROUTES } from './activities/handlers.js';
import { ALERT_ROUTES } from './alerts/handlers.js';
import { authenticateCloudAppsCaller, type CloudAppsAuthDeps, type CloudAppsCaller } from './auth.js';
import { ENTITY_ROUTES } from './entities/handlers.js';
import { decideFault } from './faults.js';
import { FILE_ROUTES } from './files/handlers.js';
import { authorize } from './permissions.js';
import { readRequestParams } from './request-params.js';
import { RawJson, RawText, type CloudAppsCall, type CloudAppsDeps, type CloudAppsRoute } from './route-definition.js';
import type { CloudAppsRuntime } from './runtime.js';
import { DISCOVERY_ROUTES } from './discovery/handlers.js';
import { SUBNET_ROUTES } from './subnets/handlers.js';
import { POLICY_ROUTES } from './policies/handlers.js';

/** Every path family the real clients use (reference §1); trailing slashes are optional (app.ts). */
export const PATH_PREFIXES = ['/api/v1/', '/cas/api/v1/'];
/** The unversioned families (`/api/subnet/`, `/api/discovery/streams/`). */
export const ROOT_PATH_PREFIXES = ['/api/', '/cas/api/'];

export const CLOUD_APPS_ROUTES: CloudAppsRoute[] = [
  ...ALERT_ROUTES,
  ...ACTIVITY_ROUTES,
  ...ENTITY_ROUTES,
  ...FILE_ROUTES,
  ...SUBNET_ROUTES,
  ...DISCOVERY_ROUTES,
  ...POLICY_ROUTES,
];

function throttled(retryAfterSeconds: number): SemanticError {
  return errors.throttled(
    `Request was throttled. Expected available in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
    'tenant rate limit',
  );
}

/** What the Cloud Apps area needs besides its handlers' dependencies: authentication, limits, faults. */
export interface CloudAppsAreaDeps extends CloudAppsDeps, CloudAppsAuthDeps {
  cloudApps: CloudAppsRuntime;
  config: Pick<Config, 'rateLimitPerMinute' | 'bodyLimitBytes'>;
  clock: Clock;
}

/**
 * The Defender for Cloud Apps API. Each request: authenticate (bearer or legacy token) ->
 * per-tenant throttle -> injected faults -> permission check (reference §2.3) -> parameters
 * (query, form, JSON body, GET body) -> handler.
 */
export function cloudAppsArea(deps: CloudAppsAreaDeps): RouteArea<CloudAppsRoute, CloudAppsCaller, CloudAppsCall> {
  const rt = deps.cloudApps;
  return {
    async authenticate({ req, reply }, route) {
      const caller = await authenticateCloudAppsCaller(deps, req.headers.authorization);
      const settings = await rt.settings.get(caller.tenant.id);
      const limit = settings.rateLimitPerMinute ?? deps.config.rateLimitPerMinute;
      const t = await rt.limiter.take(caller.tenant.id, limit);
      if (!t.allowed) {
        reply.raw.statusMessage = 'TOO MANY REQUESTS';
        throw throttled(t.retryAfterSeconds);
      }
      const fault = route && decideFault(settings.faults, route.endpoint, rt.random);
      if (fault) {
        req.log.warn(
          { tenant: caller.tenant.id, endpoint: route.endpoint, latencyMs: fault.latencyMs, status: fault.error?.status },
          'cloud apps fault injected',
        );
        if (fault.latencyMs > 0) await rt.delay(fault.latencyMs);
        if (fault.error) {
          if (fault.error.status === 429) reply.raw.statusMessage = 'TOO MANY REQUESTS';
          throw fault.error;
        }
      }
      return caller;
    },
    authorize: (caller, route) => authorize(caller, route.endpoint),
    async call(caller, { req, path }) {
      const params = await readRequestParams(req, deps.config.bodyLimitBytes);
      return { caller, params, path, services: deps, now: deps.clock.now() };
    },
    send(reply, result) {
      if (result instanceof RawText) return reply.headers(result.headers).type(result.contentType).send(result.text);
      return reply.type('application/json').send(result instanceof RawJson ? result.text : result);
    },
  };
}

/** Each route under every versioned prefix, and its unversioned paths under the root prefixes. */
export function cloudAppsUrls(route: CloudAppsRoute): string[] {
  return [
    ...PATH_PREFIXES.flatMap((prefix) => route.paths.map((p) => `${prefix}${p}`)),
    ...ROOT_PATH_PREFIXES.flatMap((prefix) => (route.rootPaths ?? []).map((p) => `${prefix}${p}`)),
  ];
}

export function registerCloudAppsRoutes(app: FastifyInstance, deps: CloudAppsAreaDeps): void {
  mountRoutes(app, cloudAppsArea(deps), CLOUD_APPS_ROUTES, cloudAppsUrls);
}
