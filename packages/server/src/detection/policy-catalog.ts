// A tenant's policies as one catalog: its activity policies (stored) and the built-in anomaly
// detections (their switches live in the tenant's detection settings). Both the operator's admin
// routes and the Cloud Apps policies API read and switch policies through here.
import type { Stores } from '../store/interfaces.js';
import { builtInRuleId } from './alert-document.js';
import { policyFromRow, policyRow, type ActivityPolicy } from './policies.js';
import { DETECTION_NAMES, type DetectionName, type DetectionSettings } from './settings.js';

export interface PolicyCatalogDeps {
  stores: Stores;
  /** The tenant's settings (cloudapps/tenant-settings.ts), of which the detection part. */
  settings: {
    get(tenantId: string): Promise<{ detection: DetectionSettings }>;
    update(tenantId: string, patch: { detection: DetectionSettings }): Promise<unknown>;
  };
}

/** A policy of the catalog: an activity policy, or a built-in detection with the tenant's settings. */
export type CatalogPolicy =
  { kind: 'activity'; policy: ActivityPolicy } | { kind: 'builtIn'; name: DetectionName; settings: DetectionSettings };

/** The built-in detection an id names: its policy id (builtInRuleId) or its name. */
export function builtInDetection(tenantId: string, id: string): DetectionName | undefined {
  return DETECTION_NAMES.find((n) => n === id || builtInRuleId(tenantId, n) === id);
}

export async function listPolicies(deps: PolicyCatalogDeps, tenantId: string): Promise<CatalogPolicy[]> {
  const settings = (await deps.settings.get(tenantId)).detection;
  const stored = (await deps.stores.detection.listPolicies(tenantId)).map((r) => ({ kind: 'activity' as const, policy: policyFromRow(r) }));
  return [...stored, ...DETECTION_NAMES.map((name) => ({ kind: 'builtIn' as const, name, settings }))];
}

export async function findPolicy(deps: PolicyCatalogDeps, tenantId: string, id: string): Promise<CatalogPolicy | undefined> {
  const name = builtInDetection(tenantId, id);
  if (name) return { kind: 'builtIn', name, settings: (await deps.settings.get(tenantId)).detection };
  const row = await deps.stores.detection.getPolicy(tenantId, id);
  return row ? { kind: 'activity', policy: policyFromRow(row) } : undefined;
}

/** Switches a policy on or off; undefined when the tenant has no such policy. */
export async function setPolicyEnabled(
  deps: PolicyCatalogDeps,
  tenantId: string,
  id: string,
  enabled: boolean,
  now: number,
): Promise<CatalogPolicy | undefined> {
  const found = await findPolicy(deps, tenantId, id);
  if (!found) return undefined;
  if (found.kind === 'builtIn') {
    const next = structuredClone(found.settings);
    next.detections[found.name].enabled = enabled;
    await deps.settings.update(tenantId, { detection: next });
    return { ...found, settings: next };
  }
  const policy = { ...found.policy, enabled, updated: now };
  await deps.stores.detection.putPolicy(policyRow(tenantId, policy));
  return { kind: 'activity', policy };
}
