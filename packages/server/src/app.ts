import Fastify, { type FastifyInstance } from 'fastify';
import { registerCloudAppsAdminRoutes } from './cloudapps/admin-routes.js';
import { registerDiscoveryAdminRoutes } from './cloudapps/discovery/admin-routes.js';
import { registerDiscoveryUploadRoutes } from './cloudapps/discovery/upload-blob-routes.js';
import { registerCloudAppsRoutes } from './cloudapps/routes.js';
import { registerBodyParsers } from './http/body-parsers.js';
import { registerConsoleRoutes } from './http/console-static.js';
import { frameworkErrorHandler, newRequestId, registerErrorHandling } from './http/error-handler.js';
import { serializeRequest } from './http/log-redaction.js';
import { registerOpenApiRoutes } from './http/openapi.js';
import { Readiness, registerHealthRoutes } from './http/readiness.js';
import { RequestLogController } from './http/request-log.js';
import { registerConsentRoutes } from './identity/consent-routes.js';
import { registerIdentityRoutes } from './identity/routes.js';
import { registerAuthorizeRoutes } from './identity/sign-in/authorize-routes.js';
import { registerUserFlowRoutes } from './identity/sign-in/user-flow-routes.js';
import { registerArmRoutes } from './management/arm-routes.js';
import { registerManagementRoutes } from './management/routes.js';
import { registerOperatorRoutes } from './management/operator-routes.js';
import type { Services } from './wiring.js';

export interface AppDeps {
  services: Services;
  operatorKey?: string;
  /** pino options or false; tests pass false. */
  logger?: boolean | Record<string, unknown>;
  /** What `/readyz` reports; main.ts marks it ready after seeding. Absent: ready at once. */
  readiness?: Readiness;
}

/** Assembles the request pipeline in order. Never listens: main.ts and tests do that. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { services } = deps;
  const errorContext = { origin: () => services.origin.value, now: () => services.clock.now() };
  const app = Fastify({
    // 1. Logging: pino, with credentials redacted; bodies are never logged.
    logger:
      deps.logger === false
        ? false
        : {
            level: services.config.logLevel,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            // Upload URLs carry their SAS signature in the query; redirects carry codes.
            serializers: { req: serializeRequest },
            ...(typeof deps.logger === 'object' ? deps.logger : {}),
          },
    // 2. Request ids: one GUID per request, echoed as x-ms-request-id and used as Entra's trace id.
    genReqId: () => newRequestId(),
    // X-Forwarded-For is believed only from the configured proxies (off by default): req.ip, which
    // keys the client-authentication lockout and the request log, is then the forwarded client.
    ...(services.config.trustProxy ? { trustProxy: services.config.trustProxy } : {}),
    // 3. Body size limit, the same for every content type (docs/configuration.md).
    bodyLimit: services.config.bodyLimitBytes,
    // Request logs at `requestLogLevel`: debug under --demo, so they do not bury the start banner.
    logController: new RequestLogController(services.config.requestLogLevel),
    // MSAL lower-cases the authority; tenant segments are matched case-insensitively by the services.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // Errors raised before routing (a malformed percent-encoding in the path) in the path's wire format.
    frameworkErrors: frameworkErrorHandler(errorContext),
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-ms-request-id', req.id);
  });
  // 4. Body parsers: JSON (empty = {}), form, text.
  registerBodyParsers(app);
  // 5. Errors: one renderer per wire format, chosen by path.
  registerErrorHandling(app, errorContext);
  // 6. Operations.
  registerHealthRoutes(app, deps.readiness ?? new Readiness(true));
  registerOpenApiRoutes(app, () => services.origin.value);
  // 7. Identity platform: token endpoints, discovery, JWKS.
  registerIdentityRoutes(app, services);
  // 7b. Sign-in (authorize, SSO, logout), with admin consent in the browser (consent links) behind it.
  registerAuthorizeRoutes(app, services, registerConsentRoutes(app, services));
  registerUserFlowRoutes(app, services);
  // 8. Management API (Graph v1.0 subset) and operator endpoints.
  const operatorKey = () => deps.operatorKey;
  registerManagementRoutes(app, services, operatorKey);
  registerOperatorRoutes(app, services, operatorKey);
  // 8b. A minimal Azure Resource Manager (/subscriptions, /tenants, /metadata/endpoints) for az login.
  registerArmRoutes(app, services);
  // 9. Defender for Cloud Apps API (/api/v1, /cas/api/v1) and its administration (API tokens, limits, faults, import).
  registerCloudAppsRoutes(app, services);
  registerCloudAppsAdminRoutes(app, services, operatorKey);
  registerDiscoveryAdminRoutes(app, services, operatorKey);
  // 10. Cloud Discovery upload URLs: an Azure-blob-compatible PUT endpoint that streams to disk.
  registerDiscoveryUploadRoutes(app, services);
  // 11. The admin center (static build) at `/` and its client-side routes.
  registerConsoleRoutes(app, services.config.consoleDir);
  await app.ready();
  return app;
}
