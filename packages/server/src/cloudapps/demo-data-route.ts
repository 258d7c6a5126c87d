import type { FastifyInstance, FastifyRequest } from 'fastify';
import { loadDemoData } from '../demo/load-cloudapps-data.js';
import { errors } from '../http/errors.js';
import type { Clock } from '../clock.js';
import type { Tenant } from '../identity/tenant-service.js';
import type { Stores } from '../store/interfaces.js';

/**
 * `POST /admin/tenants/{tenant}/cloud-apps/demo` (`appwarden demo generate`): the seeded generator
 * of --demo, at any size, written into the tenant. Body: `activities` (required), `alerts`,
 * `users`, `seed`, `endTime` (epoch ms of the newest activity; default now).
 */
export function registerDemoDataRoute(
  app: FastifyInstance,
  services: { stores: Stores; clock: Clock; detection?: { whenIdle(): Promise<void> } },
  path: string,
  guard: (req: FastifyRequest) => Promise<{ tenant: Tenant }>,
): void {
  const body = (req: FastifyRequest) => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});
  app.post(path, async (req) => {
    const { tenant } = await guard(req);
    const b = body(req);
    const count = (k: string, max: number, required = false) => {
      const v = b[k];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
        throw errors.invalidInput(`'${k}' must be an integer between 0 and ${max}.`);
      return v;
    };
    const activities = count('activities', 2_000_000, true)!;
    const alerts = count('alerts', 1_000_000);
    const users = count('users', 100_000);
    const endTime = count('endTime', 8_640_000_000_000);
    const seed = typeof b.seed === 'string' || typeof b.seed === 'number' ? b.seed : `demo:${tenant.id}:${services.clock.now()}`;
    let loaded;
    try {
      loaded = await loadDemoData(services.stores, tenant.id, {
        activities,
        seed,
        domain: tenant.domain,
        endTime: endTime ?? services.clock.now(),
        ...(alerts !== undefined ? { alerts } : {}),
        ...(users !== undefined ? { users } : {}),
      });
    } catch (e) {
      // Generated users are named from a fixed pool: a second data set can collide with the first.
      if (isUniqueViolation(e)) {
        throw errors.conflict(
          'The tenant already holds generated entities that collide with this data set; generate into a tenant without Cloud Apps data, or import with appwarden import.',
          String(e),
        );
      }
      throw e;
    }
    // The generated activities go through the detection engine; answer once it has raised their alerts.
    await services.detection?.whenIdle();
    req.log.info({ tenant: tenant.id, ...loaded }, 'cloud apps demo data generated');
    return loaded;
  });
}

/** SQLite (SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY) and PostgreSQL (23505) unique violations. */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
