import { builtInRuleId } from '../../detection/alert-document.js';
import { BUILT_INS } from '../../detection/detectors.js';
import type { CatalogPolicy } from '../../detection/policy-catalog.js';
import { POLICY_CATEGORIES, type ActivityPolicy } from '../../detection/policies.js';
import type { DetectionName, DetectionSettings } from '../../detection/settings.js';
import type { Tenant } from '../../identity/tenant-service.js';
import type { ItemFieldMap } from '../filters/evaluate.js';

/** How a repeated-activity policy groups its matches: the portal's "same user" and "in a single app". */
export interface CloudAppsMatchParameters {
  type: 'single' | 'repeated';
  minRepeated?: number;
  windowMinutes?: number;
  sameUser?: boolean;
  sameApp?: boolean;
  /** Appwarden's grouping by source IP (not an MDCA option). */
  sameIp?: boolean;
}

/**
 * A policy as the Cloud Apps policies API shows it. No capture of the real object exists: the
 * shape is reference detection §1.6's suggestion (inferred), `category` as the alert `stories` code.
 */
export interface CloudAppsPolicy {
  _id: string;
  name: string;
  description: string;
  policyType: 'AUDIT' | 'ANOMALY_DETECTION';
  severity: number;
  category: number;
  enabled: boolean;
  filters: Record<string, unknown>;
  matchParameters: CloudAppsMatchParameters;
  alertsPerDay: number | null;
  createAlert: boolean;
  msFlowId: null;
  governance: unknown[];
  created: number;
  /** Built-in detections: Appwarden's name of the detection (its settings key). */
  detection?: DetectionName;
}

function activityJson(p: ActivityPolicy): CloudAppsPolicy {
  const mp = p.matchParameters;
  return {
    _id: p._id,
    name: p.name,
    description: p.description,
    policyType: 'AUDIT',
    severity: p.severity,
    category: POLICY_CATEGORIES[p.category] ?? 0,
    enabled: p.enabled,
    filters: p.filters,
    matchParameters:
      mp.type === 'single'
        ? { type: 'single' }
        : {
            type: 'repeated',
            minRepeated: mp.minRepeated,
            windowMinutes: mp.windowMinutes,
            sameUser: mp.groupBy === 'user',
            sameApp: mp.groupBy === 'app',
            ...(mp.groupBy === 'ip' ? { sameIp: true } : {}),
          },
    alertsPerDay: p.alertsPerDay,
    createAlert: p.createAlert,
    msFlowId: null,
    governance: [],
    created: p.created,
  };
}

function builtInJson(tenant: Tenant, name: DetectionName, settings: DetectionSettings): CloudAppsPolicy {
  const b = BUILT_INS[name];
  const t = settings.detections[name];
  return {
    _id: builtInRuleId(tenant.id, name),
    name: b.policyName,
    description: `Built-in anomaly detection; alerts are titled '${b.title}'.`,
    policyType: 'ANOMALY_DETECTION',
    severity: b.severity,
    category: POLICY_CATEGORIES.THREAT_DETECTION!,
    enabled: t.enabled,
    filters: {},
    // Burst detections count activities of one user in a window; the others judge each activity.
    matchParameters:
      t.threshold !== undefined && t.windowMinutes !== undefined
        ? { type: 'repeated', minRepeated: t.threshold, windowMinutes: t.windowMinutes, sameUser: true, sameApp: false }
        : { type: 'single' },
    alertsPerDay: null,
    createAlert: true,
    msFlowId: null,
    governance: [],
    created: tenant.createdAt,
    detection: name,
  };
}

export function cloudAppsPolicyJson(tenant: Tenant, p: CatalogPolicy): CloudAppsPolicy {
  return p.kind === 'builtIn' ? builtInJson(tenant, p.name, p.settings) : activityJson(p.policy);
}

/** How the `policies` filter fields read a policy (registry: POLICY_FILTER_FIELDS). */
export const POLICY_FIELDS: ItemFieldMap<CloudAppsPolicy> = {
  type: { read: (p) => p.policyType },
  id: { read: (p) => p._id },
  enabled: { read: (p) => p.enabled },
  severity: { read: (p) => p.severity },
  category: { read: (p) => p.category },
};

/** `sortField` values of the policies list (the portal sends `severity`). */
export const POLICY_SORT_FIELDS = ['name', 'severity', 'created', 'policyType'] as const;
