import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, type SemanticError } from '../http/errors.js';
import type { Services } from '../wiring.js';
import { ACTIVITY_ROUTES } from './activities/handlers.js';
import { ALERT_ROUTES } from './alerts/handlers.js';
import { authenticateCloudAppsCaller } from './auth.js';
import { ENTITY_ROUTES } from './entities/handlers.js';
import { decideFault } from './faults.js';
import { authorize } from './permissions.js';
import { readRequestParams } from './request-params.js';
import { RawJson, RawText, type CloudAppsRoute } from './route-definition.js';
import { DISCOVERY_ROUTES } from './discovery/handlers.js';
import { SUBNET_ROUTES } from './subnets/handlers.js';

/** Every path family the real clients use (reference §1); trailing slashes are optional (app.ts). */
export const PATH_PREFIXES = ['/api/v1/', '/cas/api/v1/'];
/** The unversioned families (`/api/subnet/`, `/api/discovery/streams/`). */
export const ROOT_PATH_PREFIXES = ['/api/', '/cas/api/'];

export const CLOUD_APPS_ROUTES: CloudAppsRoute[] = [
  ...ALERT_ROUTES,
  ...ACTIVITY_ROUTES,
  ...ENTITY_ROUTES,
  ...SUBNET_ROUTES,
  ...DISCOVERY_ROUTES,
];

function throttled(retryAfterSeconds: number): SemanticError {
  return errors.throttled(
    `Request was throttled. Expected available in ${retryAfterSeconds} seconds.`,
    retryAfterSeconds,
    'tenant rate limit',
  );
}

/**
 * The Defender for Cloud Apps API. Each request: authenticate (bearer or legacy token) ->
 * per-tenant throttle -> injected faults -> permission check (reference §2.3) -> parameters
 * (query, form, JSON body, GET body) -> handler.
 */
export function registerCloudAppsRoutes(app: FastifyInstance, services: Services): void {
  const rt = services.cloudApps;
  for (const route of CLOUD_APPS_ROUTES) {
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const caller = await authenticateCloudAppsCaller(services, rt.tokens, req.headers.authorization);
      const settings = await rt.settings.get(caller.tenant.id);
      const limit = settings.rateLimitPerMinute ?? services.config.rateLimitPerMinute;
      const t = await rt.limiter.take(caller.tenant.id, limit);
      if (!t.allowed) {
        reply.raw.statusMessage = 'TOO MANY REQUESTS';
        throw throttled(t.retryAfterSeconds);
      }
      const fault = decideFault(settings.faults, route.endpoint, rt.random);
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
      authorize(caller, route.endpoint);
      const params = await readRequestParams(req, services.config.bodyLimitBytes);
      const result = await route.handle({
        caller,
        params,
        path: (req.params ?? {}) as Record<string, string>,
        services,
        now: services.clock.now(),
      });
      if (result instanceof RawText) return reply.headers(result.headers).type(result.contentType).send(result.text);
      return reply.type('application/json').send(result instanceof RawJson ? result.text : result);
    };
    for (const prefix of PATH_PREFIXES) {
      for (const p of route.paths) app.route({ method: route.methods, url: `${prefix}${p}`, handler });
    }
    for (const prefix of ROOT_PATH_PREFIXES) {
      for (const p of route.rootPaths ?? []) app.route({ method: route.methods, url: `${prefix}${p}`, handler });
    }
  }
}
