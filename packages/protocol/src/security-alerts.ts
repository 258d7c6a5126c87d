// Microsoft Graph's security alert (alerts_v2, namespace microsoft.graph.security): the enums
// Appwarden reads and writes, in Graph's spelling. The server maps its Defender for Cloud Apps
// alerts onto them (docs/graph-security.md); the SDK types its client with them.

export const SECURITY_ALERT_STATUSES = ['new', 'inProgress', 'resolved'] as const;
export type SecurityAlertStatus = (typeof SECURITY_ALERT_STATUSES)[number];

export const SECURITY_ALERT_SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high'] as const;
export type SecurityAlertSeverity = (typeof SECURITY_ALERT_SEVERITIES)[number];

export const SECURITY_ALERT_CLASSIFICATIONS = ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity'] as const;
export type SecurityAlertClassification = (typeof SECURITY_ALERT_CLASSIFICATIONS)[number];

/** alertDetermination as the update method and the property list spell it. */
export const SECURITY_ALERT_DETERMINATIONS = [
  'unknown',
  'apt',
  'malware',
  'securityPersonnel',
  'securityTesting',
  'unwantedSoftware',
  'other',
  'multiStagedAttack',
  'compromisedUser',
  'phishing',
  'maliciousUserActivity',
  'clean',
  'insufficientData',
  'confirmedUserActivity',
  'lineOfBusinessApplication',
] as const;
export type SecurityAlertDetermination = (typeof SECURITY_ALERT_DETERMINATIONS)[number];

/** The service that raised every alert Appwarden serves, and the detection source it reports. */
export const SECURITY_ALERT_SERVICE_SOURCE = 'microsoftDefenderForCloudApps';
export const SECURITY_ALERT_DETECTION_SOURCE = 'cloudAppSecurity';

/** One analyst comment (`alertComment`). */
export interface SecurityAlertComment {
  comment: string;
  createdByDisplayName: string;
  createdDateTime: string;
}

/** The updatable part of an alert (PATCH /security/alerts_v2/{id}). */
export interface SecurityAlertUpdate {
  status?: SecurityAlertStatus;
  classification?: SecurityAlertClassification;
  determination?: SecurityAlertDetermination;
  assignedTo?: string | null;
}

/** An alert as alerts_v2 returns it (the members Appwarden fills; evidence items keep Graph's shapes). */
export interface SecurityAlert {
  '@odata.type': '#microsoft.graph.security.alert';
  id: string;
  providerAlertId: string;
  incidentId: string | null;
  status: SecurityAlertStatus;
  severity: SecurityAlertSeverity;
  classification: SecurityAlertClassification;
  determination: SecurityAlertDetermination;
  serviceSource: string;
  detectionSource: string;
  detectorId: string | null;
  alertPolicyId: string | null;
  tenantId: string;
  title: string;
  description: string | null;
  recommendedActions: string | null;
  category: string | null;
  assignedTo: string | null;
  alertWebUrl: string;
  incidentWebUrl: string | null;
  actorDisplayName: string | null;
  threatDisplayName: string | null;
  threatFamilyName: string | null;
  mitreTechniques: string[];
  createdDateTime: string;
  lastUpdateDateTime: string;
  resolvedDateTime: string | null;
  firstActivityDateTime: string | null;
  lastActivityDateTime: string | null;
  comments: SecurityAlertComment[];
  evidence: Array<Record<string, unknown> & { '@odata.type': string }>;
  systemTags: string[];
}
