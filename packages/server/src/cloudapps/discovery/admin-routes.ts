import type { FastifyInstance } from 'fastify';
import { CATALOG_APPS } from '../../discovery/index.js';
import type { SanctionState } from '../../store/discovery-schema.js';
import { errors } from '../../http/errors.js';
import type { Clock } from '../../clock.js';
import type { GraphAuthDeps } from '../../management/graph-auth.js';
import type { Stores } from '../../store/interfaces.js';
import { ADMIN_READ, ADMIN_WRITE, adminGuard } from '../admin-routes.js';

const STATES: readonly SanctionState[] = ['sanctioned', 'unsanctioned', 'monitored'];
const CATALOG = new Map(CATALOG_APPS.map((a) => [a.id, a]));

/**
 * Sanctioning (Appwarden's management endpoints, guarded like the other Cloud Apps admin
 * endpoints): an app of the catalog is sanctioned, unsanctioned or monitored per tenant. Block
 * scripts list the unsanctioned apps (`type=banned`) or the sanctioned ones (`type=allowed`).
 *   GET    /admin/tenants/:tenant/cloud-apps/discovery/apps          marked apps
 *   PUT    /admin/tenants/:tenant/cloud-apps/discovery/apps/:appId   {"state": "unsanctioned"}
 *   DELETE /admin/tenants/:tenant/cloud-apps/discovery/apps/:appId   clears the mark
 */
export function registerDiscoveryAdminRoutes(
  app: FastifyInstance,
  services: GraphAuthDeps & { stores: Stores; clock: Clock },
  operatorKey: () => string | undefined,
): void {
  const guard = adminGuard(services, operatorKey);
  const base = '/admin/tenants/:tenant/cloud-apps/discovery/apps';
  const store = services.stores.discovery.appStates;

  const appOf = (raw: string) => {
    const app = /^\d+$/.test(raw) ? CATALOG.get(Number(raw)) : undefined;
    if (!app) throw errors.notFound(`App '${raw}' is not in the catalog.`);
    return app;
  };
  const json = (appId: number, state: SanctionState | null, updatedAt: number | null, updatedBy: string | null) => ({
    appId,
    name: CATALOG.get(appId)?.name ?? null,
    state,
    updatedDateTime: updatedAt === null ? null : new Date(updatedAt).toISOString(),
    updatedBy,
  });

  app.get(base, async (req) => {
    const { tenant } = await guard(req, ADMIN_READ);
    return { value: (await store.list(tenant.id)).map((r) => json(r.app_id, r.state, r.updated_at, r.updated_by)) };
  });
  app.put<{ Params: { tenant: string; appId: string } }>(`${base}/:appId`, async (req) => {
    const { tenant, actor } = await guard(req, ADMIN_WRITE);
    const target = appOf(req.params.appId);
    const b = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const state = typeof b.state === 'string' ? (b.state.toLowerCase() as SanctionState) : undefined;
    if (!state || !STATES.includes(state)) throw errors.invalidInput(`'state' must be one of ${STATES.join(', ')}.`);
    const at = services.clock.now();
    await store.put({ tenant_id: tenant.id, app_id: target.id, state, updated_at: at, updated_by: actor });
    req.log.info({ tenant: tenant.id, appId: target.id, state }, 'discovery app sanction changed');
    return json(target.id, state, at, actor);
  });
  app.delete<{ Params: { tenant: string; appId: string } }>(`${base}/:appId`, async (req, reply) => {
    const { tenant } = await guard(req, ADMIN_WRITE);
    const target = appOf(req.params.appId);
    await store.delete(tenant.id, target.id);
    return reply.code(204).send();
  });
}
