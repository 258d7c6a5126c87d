import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphPermission } from '@appwarden/protocol';
import { builtInRuleId } from '../detection/alert-document.js';
import { BUILT_INS } from '../detection/detectors.js';
import { MAX_POLICIES_PER_TENANT, policyFromRow, policyRow, readPolicy, type ActivityPolicy } from '../detection/policies.js';
import { DETECTION_NAMES, type DetectionName, type DetectionSettings } from '../detection/settings.js';
import { errors } from '../http/errors.js';
import type { Tenant } from '../identity/tenant-service.js';
import type { Clock } from '../clock.js';
import type { Stores } from '../store/interfaces.js';
import type { TenantSettingsService } from './tenant-settings.js';

type Guard = (req: FastifyRequest, permissions: GraphPermission[]) => Promise<{ tenant: Tenant; actor: string }>;

export interface PolicyAdminDeps {
  stores: Stores;
  clock: Clock;
  settings: TenantSettingsService;
}

/** A built-in detection as a policy object (read-only but for enabled). */
export function builtInPolicyJson(tenantId: string, name: DetectionName, settings: DetectionSettings) {
  const b = BUILT_INS[name];
  const { enabled, ...tuning } = settings.detections[name];
  return {
    _id: builtInRuleId(tenantId, name),
    name: b.policyName,
    detection: name,
    description: `Built-in anomaly detection; alerts are titled '${b.title}'.`,
    policyType: 'ANOMALY_DETECTION',
    severity: b.severity,
    category: 'THREAT_DETECTION',
    enabled,
    alertType: b.typeCode,
    settings: tuning,
  };
}

const newPolicyId = () => randomBytes(12).toString('hex');

/**
 * Activity policies and built-in detections of a tenant, under /admin/tenants/:tenant/cloud-apps/policies
 * (Appwarden's admin surface, guarded like the other Cloud Apps admin endpoints).
 */
export function registerPolicyAdminRoutes(
  app: FastifyInstance,
  deps: PolicyAdminDeps,
  base: string,
  guard: Guard,
  read: GraphPermission[],
  write: GraphPermission[],
): void {
  const body = (req: FastifyRequest) => {
    if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body))
      throw errors.invalidInput('Send the policy as a JSON object.');
    return req.body as Record<string, unknown>;
  };
  const builtInName = (tenantId: string, id: string): DetectionName | undefined =>
    DETECTION_NAMES.find((n) => n === id || builtInRuleId(tenantId, n) === id);
  const find = async (tenantId: string, id: string): Promise<ActivityPolicy> => {
    const row = await deps.stores.detection.getPolicy(tenantId, id);
    if (!row) throw errors.notFound(`No policy '${id}' in this tenant.`);
    return policyFromRow(row);
  };

  app.get(`${base}/policies`, async (req) => {
    const { tenant } = await guard(req, read);
    const settings = (await deps.settings.get(tenant.id)).detection;
    const policies = (await deps.stores.detection.listPolicies(tenant.id)).map(policyFromRow);
    return { value: [...policies, ...DETECTION_NAMES.map((n) => builtInPolicyJson(tenant.id, n, settings))] };
  });
  app.post(`${base}/policies`, async (req, reply) => {
    const { tenant } = await guard(req, write);
    const now = deps.clock.now();
    const policy = readPolicy(body(req), newPolicyId(), now);
    if ((await deps.stores.detection.listPolicies(tenant.id)).length >= MAX_POLICIES_PER_TENANT) {
      throw errors.invalidInput(`A tenant has at most ${MAX_POLICIES_PER_TENANT} activity policies.`);
    }
    await deps.stores.detection.putPolicy(policyRow(tenant.id, policy));
    req.log.info({ tenant: tenant.id, policy: policy._id }, 'activity policy created');
    return reply.code(201).send(policy);
  });
  app.get<{ Params: { tenant: string; id: string } }>(`${base}/policies/:id`, async (req) => {
    const { tenant } = await guard(req, read);
    const name = builtInName(tenant.id, req.params.id);
    if (name) return builtInPolicyJson(tenant.id, name, (await deps.settings.get(tenant.id)).detection);
    return find(tenant.id, req.params.id);
  });
  app.put<{ Params: { tenant: string; id: string } }>(`${base}/policies/:id`, async (req) => {
    const { tenant } = await guard(req, write);
    const existing = await find(tenant.id, req.params.id);
    const policy = readPolicy(body(req), existing._id, deps.clock.now(), existing);
    await deps.stores.detection.putPolicy(policyRow(tenant.id, policy));
    return policy;
  });
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.post<{ Params: { tenant: string; id: string } }>(`${base}/policies/:id/${verb}`, async (req) => {
      const { tenant } = await guard(req, write);
      const name = builtInName(tenant.id, req.params.id);
      if (name) {
        const current = (await deps.settings.get(tenant.id)).detection;
        const next = structuredClone(current);
        next.detections[name].enabled = enabled;
        await deps.settings.update(tenant.id, { detection: next });
        return builtInPolicyJson(tenant.id, name, next);
      }
      const p = await find(tenant.id, req.params.id);
      const updated = { ...p, enabled, updated: deps.clock.now() };
      await deps.stores.detection.putPolicy(policyRow(tenant.id, updated));
      req.log.info({ tenant: tenant.id, policy: p._id, enabled }, 'activity policy changed');
      return updated;
    });
  }
  app.delete<{ Params: { tenant: string; id: string } }>(`${base}/policies/:id`, async (req, reply) => {
    const { tenant } = await guard(req, write);
    if (builtInName(tenant.id, req.params.id)) throw errors.invalidInput('A built-in detection cannot be deleted; disable it instead.');
    if (!(await deps.stores.detection.deletePolicy(tenant.id, req.params.id)))
      throw errors.notFound(`No policy '${req.params.id}' in this tenant.`);
    return reply.code(204).send();
  });
}
