import { isIPv4, isIPv6 } from 'node:net';

/**
 * CEF lines as Microsoft's (retired) SIEM agent wrote them for Defender for Cloud Apps: vendor
 * `MCAS`, product `SIEM_Agent`, activities with their category as signature and severity 0,
 * alerts with their alert type as signature and severity 3, the agent's extension keys in the
 * agent's order (docs/siem.md, "Line format").
 */

export const CEF_VENDOR = 'MCAS';
export const CEF_PRODUCT = 'SIEM_Agent';
/** The last agent version seen in published lines; parsers key on vendor and product, some show the version. */
export const CEF_VERSION = '0.112.68';

type Doc = Record<string, unknown>;
const obj = (v: unknown): Doc | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Header fields: `\` and `|` are escaped; a line break would end the record, so it becomes a space. */
export function escapeHeader(s: string): string {
  return s.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** Extension values: `\`, `=` and line breaks escaped (`\\`, `\=`, `\r`, `\n`). */
export function escapeValue(s: string): string {
  return s.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
}

/** One CEF record before it is laid out: header and ordered extension pairs (values unescaped). */
export interface CefRecord {
  signatureId: string;
  name: string;
  severity: number;
  extension: [string, string][];
}

/**
 * The record as one line. `maxBytes` (UDP) shortens `cs3` then `msg`, the two fields that grow
 * without bound, until the line fits.
 */
export function cefLine(r: CefRecord, maxBytes = Infinity): string {
  const header = `CEF:0|${CEF_VENDOR}|${CEF_PRODUCT}|${CEF_VERSION}|${escapeHeader(r.signatureId)}|${escapeHeader(r.name)}|${r.severity}|`;
  const render = (ext: [string, string][]) =>
    header + ext.map(([k, v]) => `${k}=${k.endsWith('Label') && v.startsWith('"') ? v : escapeValue(v)}`).join(' ');
  let line = render(r.extension);
  let over = Buffer.byteLength(line) - maxBytes;
  if (over <= 0) return line;
  const ext = r.extension.map(([k, v]) => [k, v] as [string, string]);
  for (const key of ['cs3', 'msg']) {
    const pair = ext.find(([k]) => k === key);
    if (!pair || over <= 0) continue;
    const keep = Math.max(0, pair[1].length - over - 3);
    pair[1] = keep < pair[1].length ? `${pair[1].slice(0, keep)}...` : pair[1];
    line = render(ext);
    over = Buffer.byteLength(line) - maxBytes;
  }
  return line;
}

/** Where the console shows an item: the server's public origin (as the alerts API's `URL`). */
export interface CefContext {
  origin: string;
}

/** Well-known `uniqueServiceAppIds` symbols; other apps are `APPID_<appId>`. */
const APP_SYMBOLS: Record<string, string> = { '11161': 'APPID_O365', '11770': 'APPID_O365_PORTAL', '11599': 'APPID_SALESFORCE' };
const appSymbol = (id: string) => APP_SYMBOLS[id] ?? `APPID_${id}`;

/** An activity (its API document) as the agent's record. */
export function activityRecord(doc: Doc, ctx: CefContext): CefRecord {
  const id = str(doc._id);
  const ts = str(doc.timestamp);
  const device = obj(doc.device);
  const main = obj(doc.mainInfo);
  const ip = str(device?.clientIP);
  const objects = list(main?.eventObjects).map((o) => str(obj(o)?.name));
  return {
    signatureId: str(doc.eventTypeName) || 'EVENT_CATEGORY_UNKNOWN',
    name: str(main?.prettyOperationName) || str(main?.rawOperationName) || str(doc.description) || 'Activity',
    severity: 0,
    extension: [
      ['externalId', id],
      ['rt', str(doc.created) || ts],
      ['start', ts],
      ['end', ts],
      ['msg', str(doc.description)],
      ['suser', str(obj(doc.user)?.userName)],
      ['destinationServiceName', str(doc.appName)],
      ['dvc', isIPv4(ip) ? ip : ''],
      ['requestClientApplication', str(device?.userAgent)],
      ['cs1Label', 'portalURL'],
      ['cs1', `${ctx.origin}/#/audits?activity.id=eq(${id},)`],
      ['cs2Label', 'uniqueServiceAppIds'],
      ['cs2', doc.appId === undefined || doc.appId === null ? '' : appSymbol(str(doc.appId))],
      ['cs3Label', 'targetObjects'],
      ['cs3', objects.join(',')],
      ['cs4Label', 'policyIDs'],
      ['cs4', list(doc.policies).map(str).join(',')],
      ['c6a1Label', '"Device IPv6 Address"'],
      ['c6a1', isIPv6(ip) ? ip : ''],
    ],
  };
}

/** Alert types of the built-in detections by title (reference: detection §2.3; some inferred). */
const ANOMALY_TYPES: Record<string, string> = {
  'Impossible travel activity': 'ALERT_ANUBIS_DETECTION_VELOCITY',
  'Activity from infrequent country': 'ALERT_ANUBIS_DETECTION_NEW_COUNTRY',
  'Activity from anonymous IP addresses': 'ALERT_ANUBIS_DETECTION_RISKY_IP_ANONYMOUS',
  'Activity from a Tor IP address': 'ALERT_ANUBIS_DETECTION_RISKY_IP_ANONYMOUS',
  'Activity from an anonymous proxy': 'ALERT_ANUBIS_DETECTION_RISKY_IP_ANONYMOUS',
  'Activity from suspicious IP addresses': 'ALERT_ANUBIS_DETECTION_RISKY_IP_SUSPICIOUS',
  'Multiple failed login attempts': 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_FAILED_LOGIN',
  'Mass download': 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_DOWNLOAD',
  'Mass share': 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_SHARE',
  'Mass delete': 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_DELETE',
  'Ransomware activity': 'ALERT_ANUBIS_DETECTION_RANSOMWARE',
};
const POLICY_TYPES: Record<string, string> = {
  AUDIT: 'ALERT_CABINET_EVENT_MATCH_AUDIT',
  FILE: 'ALERT_CABINET_EVENT_MATCH_FILE',
  ACCESS: 'ALERT_CABINET_INLINE_EVENT_MATCH',
  SESSION: 'ALERT_CABINET_INLINE_EVENT_MATCH',
  INLINE: 'ALERT_CABINET_INLINE_EVENT_MATCH',
  NEW_SERVICE: 'ALERT_CABINET_DISCOVERY_NEW_SERVICE',
  APP_PERMISSION: 'ALERT_CABINET_APP_PERMISSION',
  ANOMALY_DISCOVERY: 'ALERT_DISCOVERY_ANOMALY_DETECTION',
};

/** The alert's type: an explicit `alertTypeName`, else from its policy's type and its title. */
export function alertSignature(doc: Doc): string {
  if (typeof doc.alertTypeName === 'string' && doc.alertTypeName) return doc.alertTypeName;
  const rule =
    obj(doc.policy) ??
    list(doc.entities)
      .map(obj)
      .find((e) => e?.type === 'policyRule');
  const type = str(rule?.policyType);
  const title = str(doc.title);
  if (type === 'ANOMALY_DETECTION' || (!type && ANOMALY_TYPES[title])) return ANOMALY_TYPES[title] ?? 'ALERT_ANUBIS_DETECTION';
  return POLICY_TYPES[type] ?? 'ALERT_SUSPICIOUS_ACTIVITY';
}

/** An alert (its API document, state laid over) as the agent's record. */
export function alertRecord(doc: Doc, ctx: CefContext): CefRecord {
  const id = str(doc._id);
  const ts = str(doc.timestamp);
  const entities = list(doc.entities)
    .map(obj)
    .filter((e): e is Doc => !!e);
  const ofType = (t: string) => entities.filter((e) => e.type === t);
  const policy = obj(doc.policy) ?? ofType('policyRule')[0];
  const user = str(ofType('user')[0]?.id) || str(ofType('account')[0]?.pa);
  const services = ofType('service');
  const ips = ofType('ip').map((e) => str(e.id));
  const policyIds = new Set([...(policy ? [str(policy.id)] : []), ...ofType('policyRule').map((e) => str(e.id))].filter(Boolean));
  return {
    signatureId: alertSignature(doc),
    name: str(policy?.label) || str(doc.title) || 'Alert',
    severity: 3,
    extension: [
      ['externalId', id],
      ['start', ts],
      ['end', ts],
      // The agent's text came through Java's MessageFormat, which doubles single quotes.
      ['msg', str(doc.description).replace(/'/g, "''")],
      ['suser', user],
      ['destinationServiceName', str(services[0]?.label)],
      ['cn1Label', 'riskScore'],
      ['cn1', typeof doc.threatScore === 'number' ? String(doc.threatScore) : ''],
      ['cs1Label', 'portalURL'],
      ['cs1', `${ctx.origin}/#/alerts/${id}`],
      ['cs2Label', 'uniqueServiceAppIds'],
      ['cs2', services.map((s) => appSymbol(str(s.id))).join(',')],
      ['cs3Label', 'relatedAudits'],
      ['cs3', list(doc.audits).map(str).join(',')],
      ['cs4Label', 'policyIDs'],
      ['cs4', [...policyIds].join(',')],
      ['src', ips.find((ip) => isIPv4(ip)) ?? ''],
      ['c6a1', ips.find((ip) => isIPv6(ip)) ?? ''],
    ],
  };
}

/** Syslog frames: RFC 5424, RFC 3164 (BSD), or the agent's own (ISO time and host, no PRI). */
export const SYSLOG_FORMATS = ['rfc5424', 'rfc3164', 'agent'] as const;
export type SyslogFormat = (typeof SYSLOG_FORMATS)[number];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The CEF line in its syslog frame. PRI 14 is facility user (1), severity informational (6);
 * alerts go out as warning (PRI 12). `host` is the sending system's name.
 */
export function syslogFrame(format: SyslogFormat, cef: string, time: number, host: string, alert: boolean): string {
  const d = new Date(time);
  const pri = alert ? '<12>' : '<14>';
  switch (format) {
    case 'rfc5424':
      return `${pri}1 ${d.toISOString()} ${host} appwarden - - - ${cef}`;
    case 'rfc3164': {
      const day = String(d.getUTCDate()).padStart(2, ' ');
      const hms = d.toISOString().slice(11, 19);
      return `${pri}${MONTHS[d.getUTCMonth()]} ${day} ${hms} ${host} appwarden: ${cef}`;
    }
    case 'agent':
      return `${d.toISOString()} ${host} ${cef}`;
  }
}
