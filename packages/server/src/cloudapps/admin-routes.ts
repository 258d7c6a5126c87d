import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_TOKEN_KINDS, CLOUD_APPS_ENDPOINTS, type ApiTokenKind, type GraphPermission } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import type { Config } from '../config.js';
import type { DiscoveryRuntime } from '../discovery/ingest/discovery-runtime.js';
import type { Clock } from '../clock.js';
import type { Tenant } from '../identity/tenant-service.js';
import { authenticateGraphCaller, type GraphAuthDeps } from '../management/graph-auth.js';
import type { Stores } from '../store/interfaces.js';
import { enrichActivities } from './activities/ip-enrichment.js';
import type { ApiTokenInfo } from './api-tokens.js';
import { registerDemoDataRoute } from './demo-data-route.js';
import { mergeDetectionSettings } from '../detection/settings.js';
import { parseFaultSettings } from './faults.js';
import { registerPolicyAdminRoutes } from './policy-admin-routes.js';
import { IMPORT_RESOURCES, type ImportResource } from './import.js';
import { importJsonLinesStream } from './import-stream.js';
import type { CloudAppsRuntime } from './runtime.js';
import type { CloudAppsTenantSettings } from './tenant-settings.js';

/** Imports may be much larger than API requests. */
const IMPORT_BODY_LIMIT = 256 * 1024 * 1024;

/** Read and write permissions of the admin endpoints (Microsoft Graph app roles). */
export const ADMIN_READ: GraphPermission[] = ['Application.Read.All', 'Application.ReadWrite.All'];
export const ADMIN_WRITE: GraphPermission[] = ['Application.ReadWrite.All'];
const READ = ADMIN_READ;
const WRITE = ADMIN_WRITE;

const tokenJson = (t: ApiTokenInfo) => ({
  id: t.id,
  name: t.name,
  kind: t.kind,
  hint: t.hint,
  createdDateTime: new Date(t.createdAt).toISOString(),
  createdBy: t.createdBy,
  revokedDateTime: t.revokedAt === null ? null : new Date(t.revokedAt).toISOString(),
});

const settingsJson = (s: CloudAppsTenantSettings, defaultLimit: number) => ({
  rateLimitPerMinute: s.rateLimitPerMinute,
  effectiveRateLimitPerMinute: s.rateLimitPerMinute ?? defaultLimit,
  faults: s.faults,
  detection: s.detection,
});

/** What the Cloud Apps admin endpoints use (the guard authenticates like the management API). */
export interface CloudAppsAdminDeps extends GraphAuthDeps {
  stores: Stores;
  clock: Clock;
  config: Pick<Config, 'rateLimitPerMinute' | 'dataDir'>;
  cloudApps: Pick<CloudAppsRuntime, 'tokens' | 'settings'>;
  discovery: Pick<DiscoveryRuntime, 'ipRanges'>;
  /** Woken after an import, so that new activities are evaluated at once. */
  detection?: { notify(): void; whenIdle(): Promise<void> };
}

/**
 * The guard of the admin endpoints under /admin/tenants/:tenant/cloud-apps: the operator key, or a
 * Microsoft Graph app token of that same tenant holding one of `permissions`.
 */
export function adminGuard(
  services: GraphAuthDeps,
  operatorKey: () => string | undefined,
): (req: FastifyRequest, permissions: GraphPermission[]) => Promise<{ tenant: Tenant; actor: string }> {
  return async function guard(req: FastifyRequest, permissions: GraphPermission[]): Promise<{ tenant: Tenant; actor: string }> {
    const segment = (req.params as { tenant: string }).tenant;
    const tenant = await services.tenants.find(segment);
    const caller = await authenticateGraphCaller(services, req.headers.authorization, tenant?.id ?? segment, operatorKey());
    if (!tenant) throw errors.notFound(`Tenant '${segment}' was not found.`);
    if (caller.tenant.id !== tenant.id) throw errors.denied('The token belongs to another tenant.');
    if (!permissions.some((p) => caller.roles.has(p))) {
      throw errors.denied(`Insufficient privileges. Requires one of: ${permissions.join(', ')}.`);
    }
    return { tenant, actor: caller.clientAppId };
  };
}

/**
 * Administration of a tenant's Cloud Apps API (Appwarden's own endpoints, not Microsoft's):
 * legacy API tokens, the rate-limit override, fault injection and JSON Lines import. Guarded like
 * the management API: the operator key, or a Microsoft Graph app token of that same tenant with
 * Application.ReadWrite.All (Application.Read.All suffices to read).
 */
export function registerCloudAppsAdminRoutes(
  app: FastifyInstance,
  services: CloudAppsAdminDeps,
  operatorKey: () => string | undefined,
): void {
  const rt = services.cloudApps;
  const base = '/admin/tenants/:tenant/cloud-apps';

  const guard = adminGuard(services, operatorKey);
  const body = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

  app.get(`${base}/api-tokens`, async (req) => {
    const { tenant } = await guard(req, READ);
    return { value: (await rt.tokens.list(tenant.id)).map(tokenJson) };
  });
  app.post(`${base}/api-tokens`, async (req, reply) => {
    const { tenant, actor } = await guard(req, WRITE);
    const b = body(req);
    const kind = (b.kind ?? 'full') as ApiTokenKind;
    if (!API_TOKEN_KINDS.includes(kind)) throw errors.invalidInput(`'kind' must be one of ${API_TOKEN_KINDS.join(', ')}.`);
    if (typeof b.name !== 'string' || b.name.trim() === '') throw errors.invalidInput("'name' is required.");
    const created = await rt.tokens.create(tenant.id, { name: b.name.trim(), kind, createdBy: actor });
    req.log.info({ tenant: tenant.id, tokenId: created.id, kind }, 'cloud apps API token created');
    // The token is shown only in this answer; Appwarden keeps its keyed hash.
    return reply.code(201).send({ ...tokenJson(created), token: created.token });
  });
  app.delete<{ Params: { tenant: string; id: string } }>(`${base}/api-tokens/:id`, async (req, reply) => {
    const { tenant } = await guard(req, WRITE);
    if (!(await rt.tokens.revoke(tenant.id, req.params.id))) throw errors.notFound('No such active API token.');
    req.log.info({ tenant: tenant.id, tokenId: req.params.id }, 'cloud apps API token revoked');
    return reply.code(204).send();
  });

  app.get(`${base}/settings`, async (req) => {
    const { tenant } = await guard(req, READ);
    return settingsJson(await rt.settings.get(tenant.id), services.config.rateLimitPerMinute);
  });
  app.patch(`${base}/settings`, async (req) => {
    const { tenant } = await guard(req, WRITE);
    const b = body(req);
    const patch: Partial<CloudAppsTenantSettings> = {};
    if ('rateLimitPerMinute' in b) {
      const v = b.rateLimitPerMinute;
      if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000)) {
        throw errors.invalidInput("'rateLimitPerMinute' must be null (server default), 0 (off) or a positive integer.");
      }
      patch.rateLimitPerMinute = v;
    }
    if ('faults' in b) {
      if (b.faults === null) patch.faults = null;
      else {
        try {
          patch.faults = parseFaultSettings((b.faults ?? {}) as Record<string, unknown>, CLOUD_APPS_ENDPOINTS);
        } catch (e) {
          throw errors.invalidInput(`faults: ${(e as Error).message}`);
        }
      }
    }
    if ('detection' in b) {
      const d = b.detection;
      if (!d || typeof d !== 'object' || Array.isArray(d)) throw errors.invalidInput("'detection' must be an object.");
      const current = await rt.settings.get(tenant.id);
      patch.detection = mergeDetectionSettings(current.detection, d as Record<string, unknown>);
    }
    const next = await rt.settings.update(tenant.id, patch);
    req.log.warn({ tenant: tenant.id, settings: next }, 'cloud apps settings changed');
    return settingsJson(next, services.config.rateLimitPerMinute);
  });

  registerDemoDataRoute(app, services, `${base}/demo`, (req) => guard(req, WRITE));
  registerPolicyAdminRoutes(app, { stores: services.stores, clock: services.clock, settings: rt.settings }, base, guard, READ, WRITE);

  app.register(async (scope) => {
    // The body stays a stream: importJsonLinesStream spools and validates it line by line.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser(/^(application\/(x-ndjson|jsonl|x-jsonlines|jsonlines)|text\/plain)/, (_r, payload, done) =>
      done(null, { stream: payload }),
    );
    scope.post<{ Params: { tenant: string; resource: string } }>(
      `${base}/import/:resource`,
      { bodyLimit: IMPORT_BODY_LIMIT },
      async (req, reply) => {
        const { tenant } = await guard(req, WRITE);
        const resource = req.params.resource as ImportResource;
        if (!IMPORT_RESOURCES.includes(resource)) {
          throw errors.notFound(`Import resource must be one of ${IMPORT_RESOURCES.join(', ')}.`);
        }
        const source = (req.body as { stream?: AsyncIterable<Buffer> } | undefined)?.stream;
        if (!source) {
          throw errors.invalidInput('Send JSON Lines with Content-Type application/x-ndjson (or text/plain).');
        }
        const declared = Number(req.headers['content-length']);
        if (Number.isFinite(declared) && declared > IMPORT_BODY_LIMIT) {
          reply.header('connection', 'close');
          throw errors.payloadTooLarge(`The import is larger than the limit of ${IMPORT_BODY_LIMIT} bytes.`);
        }
        const result = await importJsonLinesStream(
          services.stores,
          tenant.id,
          resource,
          source,
          { spoolDir: path.join(services.config.dataDir, 'imports'), maxBytes: IMPORT_BODY_LIMIT },
          (rows) => enrichActivities(services.discovery.ipRanges, tenant.id, rows),
        );
        if (resource === 'activities' && result.imported > 0) services.detection?.notify();
        req.log.info(
          { tenant: tenant.id, resource, lines: result.lines, imported: result.imported, bad: result.errors.length },
          'cloud apps import',
        );
        return reply.code(result.errors.length ? 400 : 200).send(result);
      },
    );
  });
}
