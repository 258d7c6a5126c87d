import {
  ALERT_READ_STATUS,
  ALERT_RESOLUTION_STATUS,
  SECURITY_ALERT_DETECTION_SOURCE,
  SECURITY_ALERT_SERVICE_SOURCE,
  type SecurityAlert,
  type SecurityAlertClassification,
  type SecurityAlertComment,
  type SecurityAlertDetermination,
  type SecurityAlertSeverity,
  type SecurityAlertStatus,
} from '@appwarden/protocol';
import type { AlertStatePredicate } from '../../store/alert-state-query.js';
import type { CloudAppsAlertRow } from '../../store/schema.js';

// A Defender for Cloud Apps alert (ca_alerts) as Microsoft Graph's security alert (alerts_v2),
// and the one state both APIs share. Documented in docs/graph-security.md; "(inferred)" there
// marks what Microsoft does not publish.
//
// status          resolved <=> resolutionStatusValue <> 0; new <=> open and unread (statusValue 0);
//                 inProgress <=> open and read (statusValue 1 or 2).
// classification  closed: TRUE_POSITIVE -> truePositive, FALSE_POSITIVE and the legacy DISMISSED ->
//                 falsePositive, BENIGN -> informationalExpectedActivity, legacy RESOLVED -> the
//                 classification column or unknown. Open: the classification column (set by a
//                 PATCH), else unknown.
// determination   the determination column, else derived from the close reason (reasonId).

type Row = CloudAppsAlertRow;
const R = ALERT_RESOLUTION_STATUS;

/** `severityValue` (0 low, 1 medium, 2 high, 3 informational) as alerts_v2 severity. */
const SEVERITY: Readonly<Record<number, SecurityAlertSeverity>> = { 0: 'low', 1: 'medium', 2: 'high', 3: 'informational' };

export function severityValueOf(severity: SecurityAlertSeverity): number | undefined {
  const hit = Object.entries(SEVERITY).find(([, s]) => s === severity);
  return hit ? Number(hit[0]) : undefined;
}

/** The resolution status a classification closes an alert with; `unknown` closes as the legacy RESOLVED. */
export const RESOLUTION_OF_CLASSIFICATION: Readonly<Record<SecurityAlertClassification, number>> = {
  truePositive: R.TRUE_POSITIVE,
  falsePositive: R.FALSE_POSITIVE,
  informationalExpectedActivity: R.BENIGN,
  unknown: R.RESOLVED,
};

/** Classification of a closed alert from its resolution status; undefined where the column decides. */
const CLASSIFICATION_OF_RESOLUTION: Readonly<Record<number, SecurityAlertClassification>> = {
  [R.TRUE_POSITIVE]: 'truePositive',
  [R.FALSE_POSITIVE]: 'falsePositive',
  [R.DISMISSED]: 'falsePositive',
  [R.BENIGN]: 'informationalExpectedActivity',
};

/**
 * Close reasons (`reasonId`, per close kind) and the determination each stands for (inferred: the
 * Cloud Apps reasons and Graph's determinations are two different lists).
 */
const DETERMINATION_OF_REASON: Readonly<Record<number, Readonly<Record<number, SecurityAlertDetermination>>>> = {
  [R.BENIGN]: { 2: 'other', 4: 'other', 5: 'confirmedUserActivity', 6: 'securityTesting' },
  [R.FALSE_POSITIVE]: { 0: 'other', 1: 'other', 3: 'clean', 4: 'other' },
};

/** The close reason a determination gives when a PATCH closes an alert (null: none fits). */
export function reasonOfDetermination(resolution: number, determination: SecurityAlertDetermination | null): number | null {
  if (determination === null) return null;
  if (resolution === R.BENIGN) {
    const map: Partial<Record<SecurityAlertDetermination, number>> = {
      confirmedUserActivity: 5,
      securityTesting: 6,
      lineOfBusinessApplication: 4,
      other: 4,
    };
    return map[determination] ?? null;
  }
  if (resolution === R.FALSE_POSITIVE) {
    const map: Partial<Record<SecurityAlertDetermination, number>> = { clean: 3, insufficientData: 4, other: 4 };
    return map[determination] ?? null;
  }
  return null;
}

export function statusOf(row: Pick<Row, 'resolution_status' | 'status_value'>): SecurityAlertStatus {
  if (row.resolution_status !== R.OPEN) return 'resolved';
  return row.status_value === ALERT_READ_STATUS.UNREAD ? 'new' : 'inProgress';
}

export function classificationOf(row: Pick<Row, 'resolution_status' | 'classification'>): SecurityAlertClassification {
  return CLASSIFICATION_OF_RESOLUTION[row.resolution_status] ?? (row.classification as SecurityAlertClassification | null) ?? 'unknown';
}

export function determinationOf(row: Pick<Row, 'resolution_status' | 'reason_id' | 'determination'>): SecurityAlertDetermination {
  if (row.determination) return row.determination as SecurityAlertDetermination;
  if (row.reason_id === null || row.reason_id === undefined) return 'unknown';
  return DETERMINATION_OF_REASON[row.resolution_status]?.[row.reason_id] ?? 'unknown';
}

// ---- $filter: each Graph property value as a predicate over the state columns ----

const col = (column: Extract<AlertStatePredicate, { column: unknown }>['column'], op: '=' | '<>', value: string | number | null) =>
  ({ column, op, value }) as AlertStatePredicate;

export function statusIs(status: SecurityAlertStatus | string): AlertStatePredicate {
  if (status === 'resolved') return col('resolution_status', '<>', R.OPEN);
  const open = col('resolution_status', '=', R.OPEN);
  if (status === 'new') return { and: [open, col('status_value', '=', ALERT_READ_STATUS.UNREAD)] };
  if (status === 'inProgress') return { and: [open, col('status_value', '<>', ALERT_READ_STATUS.UNREAD)] };
  return { or: [] };
}

export function severityIs(severity: string): AlertStatePredicate {
  const v = severityValueOf(severity as SecurityAlertSeverity);
  return v === undefined ? { or: [] } : col('severity', '=', v);
}

export function classificationIs(c: string): AlertStatePredicate {
  const byResolution = Object.entries(CLASSIFICATION_OF_RESOLUTION)
    .filter(([, v]) => v === c)
    .map(([k]) => col('resolution_status', '=', Number(k)));
  const fromColumn = { or: [col('resolution_status', '=', R.OPEN), col('resolution_status', '=', R.RESOLVED)] };
  const columnSays =
    c === 'unknown' ? { or: [col('classification', '=', null), col('classification', '=', 'unknown')] } : col('classification', '=', c);
  return { or: [...byResolution, { and: [fromColumn, columnSays] }] };
}

export function determinationIs(d: string): AlertStatePredicate {
  // Reasons that derive to `d`, and every derivable pair (an unset column with none of these is `unknown`).
  const pairs: AlertStatePredicate[] = [];
  const all: AlertStatePredicate[] = [];
  for (const [resolution, reasons] of Object.entries(DETERMINATION_OF_REASON)) {
    for (const [reason, det] of Object.entries(reasons)) {
      const p: AlertStatePredicate = { and: [col('resolution_status', '=', Number(resolution)), col('reason_id', '=', Number(reason))] };
      all.push(p);
      if (det === d) pairs.push(p);
    }
  }
  const unset = col('determination', '=', null);
  if (d === 'unknown') return { or: [col('determination', '=', 'unknown'), { and: [unset, { not: { or: all } }] }] };
  return { or: [col('determination', '=', d), { and: [unset, { or: pairs }] }] };
}

// ---- the alert object ----

type Doc = Record<string, unknown>;
const iso = (ms: number) => new Date(ms).toISOString();
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** MITRE tactic (`intent` codes, reference cloud-apps-api §7.1) as alerts_v2 `category`. */
const CATEGORY_OF_INTENT: Readonly<Record<number, string>> = {
  1: 'Reconnaissance',
  2: 'InitialAccess',
  3: 'Persistence',
  4: 'PrivilegeEscalation',
  5: 'DefenseEvasion',
  6: 'CredentialAccess',
  7: 'Discovery',
  8: 'LateralMovement',
  9: 'Execution',
  10: 'Collection',
  11: 'Exfiltration',
  12: 'CommandAndControl',
  13: 'Impact',
};

/** Techniques of the built-in detections when the alert names none (inferred from MITRE ATT&CK). */
const TECHNIQUES_OF_TITLE: ReadonlyArray<[RegExp, string[]]> = [
  [/impossible travel|infrequent country|anonymous ip|tor ip|anonymous proxy|suspicious ip|password-spray/i, ['T1078']],
  [/failed log/i, ['T1110']],
  [/mass download|unusual file download/i, ['T1530']],
  [/mass delete|file deletion/i, ['T1485']],
  [/ransomware/i, ['T1486']],
  [/mass share|file share/i, ['T1537']],
  [/inbox forwarding|inbox manipulation/i, ['T1114.003']],
];

function techniquesOf(doc: Doc, title: string): string[] {
  const out = new Set<string>();
  if (Array.isArray(doc.mitreTechniques)) for (const t of doc.mitreTechniques) if (typeof t === 'string') out.add(t);
  if (Array.isArray(doc.evidence)) {
    for (const e of doc.evidence) {
      const t = (e as Doc | null)?.title as Doc | undefined;
      const id = (t?.parameters as Doc | undefined)?.technique_id;
      if (t?.template === 'ALERTS_MITRE_TECHNIQUE' && typeof id === 'string') out.add(id);
    }
  }
  if (out.size === 0) for (const [re, ids] of TECHNIQUES_OF_TITLE) if (re.test(title)) ids.forEach((i) => out.add(i));
  return [...out];
}

function rolesOf(entity: Doc): string[] {
  if (entity.entityRole === 'Source') return ['source'];
  if (entity.entityRole === 'Related') return ['contextual'];
  return [];
}

/** `entities` of the alert as alerts_v2 evidence: users, IP addresses, cloud apps and files. */
function evidenceOf(doc: Doc, created: string): SecurityAlert['evidence'] {
  const entities = Array.isArray(doc.entities) ? (doc.entities as Doc[]) : [];
  const base = (type: string, roles: string[]) => ({
    '@odata.type': `#microsoft.graph.security.${type}`,
    createdDateTime: created,
    verdict: 'unknown',
    remediationStatus: 'none',
    remediationStatusDetails: null,
    roles,
    tags: [] as string[],
  });
  const countries = entities.filter((e) => e?.type === 'country').map((e) => String(e.id));
  const out: SecurityAlert['evidence'] = [];
  const users = new Map<string, SecurityAlert['evidence'][number]>();
  for (const e of entities) {
    if (!e || typeof e !== 'object') continue;
    switch (e.type) {
      case 'account':
      case 'user': {
        const upn = str(e.pa) ?? str(e.em) ?? (e.type === 'user' ? str(e.id) : null);
        const key = (upn ?? String(e.id)).toLowerCase();
        const known = users.get(key);
        const account = (known?.userAccount as Doc | undefined) ?? {};
        const oid = e.type === 'account' && typeof e.id === 'string' && /^[0-9a-f-]{36}$/i.test(e.id) ? e.id : null;
        const userAccount = {
          accountName: upn ? upn.split('@')[0]! : str(e.label),
          azureAdUserId: (account.azureAdUserId as string | null | undefined) ?? oid,
          displayName:
            e.type === 'account'
              ? (str(e.label) ?? (account.displayName as string | null))
              : ((account.displayName as string | null) ?? null),
          domainName: upn?.includes('@') ? upn.split('@')[1]! : null,
          userPrincipalName: upn,
          userSid: null,
        };
        if (known) {
          known.userAccount = userAccount;
          if ((known.roles as string[]).length === 0) known.roles = rolesOf(e);
        } else {
          const ev = { ...base('userEvidence', rolesOf(e)), userAccount };
          users.set(key, ev);
          out.push(ev);
        }
        break;
      }
      case 'ip':
        out.push({
          ...base('ipEvidence', rolesOf(e)),
          ipAddress: String(e.id),
          countryLetterCode: countries.length === 1 ? countries[0]! : null,
        });
        break;
      case 'service':
        out.push({
          ...base('cloudApplicationEvidence', rolesOf(e)),
          appId: Number(e.id),
          displayName: str(e.label),
          instanceId: typeof e.inst === 'number' ? e.inst : 0,
          instanceName: str(e.label),
          saasAppId: Number(e.id),
        });
        break;
      case 'file':
        out.push({
          ...base('fileEvidence', rolesOf(e)),
          detectionStatus: null,
          mdeDeviceId: null,
          fileDetails: {
            fileName: str(e.label),
            filePath: null,
            fileSize: null,
            filePublisher: null,
            sha1: null,
            sha256: null,
            signer: null,
            issuer: null,
          },
        });
        break;
      default:
        break;
    }
  }
  return out;
}

/** The policy behind the alert: `policy`, else the `policyRule` entity. */
function policyIdOf(doc: Doc): string | null {
  const policy = doc.policy as Doc | undefined;
  if (policy && typeof policy.id === 'string') return policy.id;
  const rule = Array.isArray(doc.entities) ? (doc.entities as Doc[]).find((e) => e?.type === 'policyRule') : undefined;
  return rule && rule.id !== undefined ? String(rule.id) : null;
}

/** alerts_v2 id of a Cloud Apps alert: `ca` + its `_id` (inferred from Defender XDR's per-product prefixes). */
export const graphAlertId = (id: string) => `ca${id}`;

/** The Cloud Apps `_id` a Graph alert id names (`ca<_id>`, or the bare `_id`). */
export function cloudAppsAlertId(graphId: string): string {
  return /^ca[0-9a-f]{24}$/i.test(graphId) ? graphId.slice(2) : graphId;
}

/** The analysts' comments: the Cloud Apps close comment first, then those posted through Graph. */
export function commentsOf(row: Row): SecurityAlertComment[] {
  const out: SecurityAlertComment[] = [];
  if (row.comment) {
    out.push({
      comment: row.comment,
      createdByDisplayName: row.handled_by_user ?? '',
      createdDateTime: iso(row.resolve_time ?? row.last_update ?? row.timestamp),
    });
  }
  if (row.graph_comments) {
    try {
      const list = JSON.parse(row.graph_comments) as SecurityAlertComment[];
      if (Array.isArray(list)) out.push(...list);
    } catch {
      // A damaged list reads as none rather than failing the alert.
    }
  }
  return out;
}

/** The Graph comments stored on the row (without the Cloud Apps close comment). */
export function storedGraphComments(row: Row): SecurityAlertComment[] {
  if (!row.graph_comments) return [];
  try {
    const list = JSON.parse(row.graph_comments) as SecurityAlertComment[];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

/** Where the alert is seen: the admin center's alerts page (origin of this server). */
export const alertWebUrl = (origin: string, id: string, tenantId: string) =>
  `${origin}/defender/alerts?alertId=${encodeURIComponent(id)}&tid=${encodeURIComponent(tenantId)}`;

/** The Cloud Apps alert (row) as a Microsoft Graph security alert. */
export function graphAlertOf(row: Row, origin: string, tenantId: string): SecurityAlert {
  let doc: Doc = {};
  try {
    doc = JSON.parse(typeof row.doc === 'string' ? row.doc : Buffer.from(row.doc as Uint8Array).toString('utf8')) as Doc;
  } catch {
    doc = {};
  }
  const title = str(doc.title) ?? '';
  const created = iso(row.timestamp);
  const intent = Array.isArray(doc.intent) ? (doc.intent as unknown[]).find((i) => typeof i === 'number' && i > 0) : undefined;
  const policyId = policyIdOf(doc);
  // One incident per alert (inferred: Appwarden does not correlate alerts into incidents).
  const incidentId = String(row.id_value);
  const first = typeof doc.firstActivityTime === 'number' ? doc.firstActivityTime : row.timestamp;
  const last = typeof doc.lastActivityTime === 'number' ? doc.lastActivityTime : row.timestamp;
  return {
    '@odata.type': '#microsoft.graph.security.alert',
    id: graphAlertId(row.id),
    providerAlertId: row.id,
    incidentId,
    status: statusOf(row),
    severity: SEVERITY[row.severity] ?? 'unknown',
    classification: classificationOf(row),
    determination: determinationOf(row),
    serviceSource: SECURITY_ALERT_SERVICE_SOURCE,
    detectionSource: SECURITY_ALERT_DETECTION_SOURCE,
    detectorId: policyId,
    alertPolicyId: policyId,
    tenantId,
    title,
    description: str(doc.description),
    recommendedActions: null,
    category: typeof intent === 'number' ? (CATEGORY_OF_INTENT[intent] ?? null) : null,
    assignedTo: row.assigned_to ?? null,
    alertWebUrl: alertWebUrl(origin, row.id, tenantId),
    incidentWebUrl: `${origin}/defender/alerts?incidentId=${incidentId}&tid=${encodeURIComponent(tenantId)}`,
    actorDisplayName: null,
    threatDisplayName: null,
    threatFamilyName: null,
    mitreTechniques: techniquesOf(doc, title),
    createdDateTime: created,
    lastUpdateDateTime: iso(row.last_update ?? row.timestamp),
    resolvedDateTime: row.resolution_status !== R.OPEN && row.resolve_time !== null ? iso(row.resolve_time) : null,
    firstActivityDateTime: iso(Math.min(first, last)),
    lastActivityDateTime: iso(Math.max(first, last)),
    comments: commentsOf(row),
    evidence: evidenceOf(doc, created),
    systemTags: [],
  };
}
