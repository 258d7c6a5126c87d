import { errors } from '../http/errors.js';
import { RouteResponse } from '../http/route-table.js';
import type { TargetInput } from '../siem/targets.js';
import type { OperatorCall, OperatorRoute } from './operator-routes.js';

/**
 * SIEM export targets of a tenant (docs/siem.md), operator only:
 *   GET    /admin/tenants/:tenant/siem/targets          the targets with their counters
 *   POST   /admin/tenants/:tenant/siem/targets          {url, alerts, activities, format, framing, ca} (201; a webhook's secret once)
 *   GET    /admin/tenants/:tenant/siem/targets/:target
 *   DELETE /admin/tenants/:tenant/siem/targets/:target  (204; its pending items go with it)
 */
async function tenantOf(call: OperatorCall) {
  const t = await call.services.tenants.find(call.path.tenant!);
  if (!t) throw errors.notFound(`Tenant '${call.path.tenant}' was not found.`);
  return t;
}

const BASE = '/admin/tenants/:tenant/siem/targets';

export const SIEM_OPERATOR_ROUTES: OperatorRoute[] = [
  {
    methods: ['GET'],
    paths: [BASE],
    permission: 'operator-key',
    handle: async (call) => ({ value: await call.services.siem.targets.list((await tenantOf(call)).id) }),
  },
  {
    methods: ['POST'],
    paths: [BASE],
    permission: 'operator-key',
    handle: async (call) => {
      const tenant = await tenantOf(call);
      const b = call.body;
      const known = ['url', 'alerts', 'activities', 'format', 'framing', 'ca', 'enabled'];
      const unknown = Object.keys(b).find((k) => !known.includes(k));
      if (unknown) throw errors.invalidInput(`Unknown property '${unknown}' (expected ${known.join(', ')}).`);
      const { target, secret } = await call.services.siem.targets.add(tenant.id, b as unknown as TargetInput);
      return new RouteResponse(201, { ...target, ...(secret ? { secret } : {}) });
    },
  },
  {
    methods: ['GET'],
    paths: [`${BASE}/:target`],
    permission: 'operator-key',
    handle: async (call) => call.services.siem.targets.get((await tenantOf(call)).id, call.path.target!),
  },
  {
    methods: ['DELETE'],
    paths: [`${BASE}/:target`],
    permission: 'operator-key',
    handle: async (call) => {
      await call.services.siem.targets.remove((await tenantOf(call)).id, call.path.target!);
      return new RouteResponse(204);
    },
  },
];
