import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../http/errors.js';
import type { Services } from '../wiring.js';
import { isOperatorKey } from './graph-auth.js';

const denied = () =>
  errors.unauthenticated('The operator key is missing or wrong.', undefined, {
    'WWW-Authenticate': 'Bearer realm="appwarden-operator"',
  });

/** Appwarden's own administration: tenants and signing-key rotation. Guarded by the operator key. */
export function registerOperatorRoutes(app: FastifyInstance, services: Services, operatorKey: () => string | undefined): void {
  const guard = (req: FastifyRequest) => {
    const m = req.headers.authorization ? /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization) : null;
    if (!m || !isOperatorKey(m[1]!, operatorKey())) throw denied();
  };
  const tenantJson = (t: { id: string; name: string; domain: string; displayName: string; createdAt: number }) => ({
    tenantId: t.id,
    name: t.name,
    domain: t.domain,
    displayName: t.displayName,
    createdDateTime: new Date(t.createdAt).toISOString(),
  });

  app.get('/admin/tenants', async (req) => {
    guard(req);
    return { value: (await services.tenants.list()).map(tenantJson) };
  });
  app.post('/admin/tenants', async (req, reply) => {
    guard(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string') throw errors.invalidInput("Property 'name' is required (e.g. 'contoso').");
    const t = await services.tenants.create({
      name: body.name,
      ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
    });
    return reply.code(201).send(tenantJson(t));
  });
  app.post<{ Params: { tenant: string } }>('/admin/tenants/:tenant/keys/rotate', async (req) => {
    guard(req);
    const t = await services.tenants.find(req.params.tenant);
    if (!t) throw errors.notFound(`Tenant '${req.params.tenant}' was not found.`);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const kid = await services.signingKeys.rotate(t.id, { immediate: body.immediate === true });
    const keys = await services.signingKeys.keys(t.id);
    return {
      newKid: kid,
      keys: keys.map((k) => ({
        kid: k.kid,
        activeFrom: new Date(k.activeFrom).toISOString(),
        retiredAt: k.retiredAt ? new Date(k.retiredAt).toISOString() : null,
      })),
    };
  });
}
