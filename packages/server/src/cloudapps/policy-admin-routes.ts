import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphPermission } from '@appwarden/protocol';
import { builtInRuleId } from '../detection/alert-document.js';
import { BUILT_INS } from '../detection/detectors.js';
import { builtInDetection, findPolicy, listPolicies, setPolicyEnabled, type CatalogPolicy } from '../detection/policy-catalog.js';
import { MAX_POLICIES_PER_TENANT, policyFromRow, policyRow, readPolicy, type ActivityPolicy } from '../detection/policies.js';
import type { DetectionName, DetectionSettings } from '../detection/settings.js';
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

const adminJson = (tenantId: string, p: CatalogPolicy) =>
  p.kind === 'builtIn' ? builtInPolicyJson(tenantId, p.name, p.settings) : p.policy;

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
  const find = async (tenantId: string, id: string): Promise<ActivityPolicy> => {
    const row = await deps.stores.detection.getPolicy(tenantId, id);
    if (!row) throw errors.notFound(`No policy '${id}' in this tenant.`);
    return policyFromRow(row);
  };

  app.get(`${base}/policies`, async (req) => {
    const { tenant } = await guard(req, read);
    return { value: (await listPolicies(deps, tenant.id)).map((p) => adminJson(tenant.id, p)) };
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
    const found = await findPolicy(deps, tenant.id, req.params.id);
    if (!found) throw errors.notFound(`No policy '${req.params.id}' in this tenant.`);
    return adminJson(tenant.id, found);
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
      const changed = await setPolicyEnabled(deps, tenant.id, req.params.id, enabled, deps.clock.now());
      if (!changed) throw errors.notFound(`No policy '${req.params.id}' in this tenant.`);
      req.log.info({ tenant: tenant.id, policy: req.params.id, enabled }, 'policy switched');
      return adminJson(tenant.id, changed);
    });
  }
  app.delete<{ Params: { tenant: string; id: string } }>(`${base}/policies/:id`, async (req, reply) => {
    const { tenant } = await guard(req, write);
    if (builtInDetection(tenant.id, req.params.id))
      throw errors.invalidInput('A built-in detection cannot be deleted; disable it instead.');
    if (!(await deps.stores.detection.deletePolicy(tenant.id, req.params.id)))
      throw errors.notFound(`No policy '${req.params.id}' in this tenant.`);
    return reply.code(204).send();
  });
}
