import { ALERT_RESOLUTION_STATUS, ALERT_SEVERITY, CLOUD_APP_IDS, IP_CATEGORY } from '@appwarden/protocol';

/** Display names of the Cloud Apps code tables, as the portal shows them. */
export const SEVERITY_LABELS: Record<number, string> = {
  [ALERT_SEVERITY.HIGH]: 'High',
  [ALERT_SEVERITY.MEDIUM]: 'Medium',
  [ALERT_SEVERITY.LOW]: 'Low',
  [ALERT_SEVERITY.INFORMATIONAL]: 'Informational',
};

export const RESOLUTION_LABELS: Record<number, string> = {
  [ALERT_RESOLUTION_STATUS.OPEN]: 'Open',
  [ALERT_RESOLUTION_STATUS.DISMISSED]: 'Dismissed',
  [ALERT_RESOLUTION_STATUS.RESOLVED]: 'Resolved',
  [ALERT_RESOLUTION_STATUS.FALSE_POSITIVE]: 'False positive',
  [ALERT_RESOLUTION_STATUS.BENIGN]: 'Benign',
  [ALERT_RESOLUTION_STATUS.TRUE_POSITIVE]: 'True positive',
};

export const IP_CATEGORY_LABELS: Record<number, string> = {
  [IP_CATEGORY.CORPORATE]: 'Corporate',
  [IP_CATEGORY.ADMINISTRATIVE]: 'Administrative',
  [IP_CATEGORY.RISKY]: 'Risky',
  [IP_CATEGORY.VPN]: 'VPN',
  [IP_CATEGORY.CLOUD_PROVIDER]: 'Cloud provider',
  [IP_CATEGORY.OTHER]: 'Other',
};

/** App id -> name ("Office_365" -> "Office 365"). */
export const APP_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(CLOUD_APP_IDS).map(([name, id]) => [id, name.replace(/_/g, ' ')]),
);
