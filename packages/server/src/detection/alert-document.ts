import { createHash } from 'node:crypto';
import type { ActivityFacts } from './activity-facts.js';

type Doc = Record<string, unknown>;

/** MITRE tactics by the `intent` codes of the Cloud Apps API (reference cloud-apps-api §7.1). */
const TACTICS: Record<number, string> = {
  2: 'INITIAL_ACCESS',
  4: 'PRIVILEGE_ESCALATION',
  6: 'CREDENTIAL_ACCESS',
  11: 'EXFILTRATION',
  13: 'IMPACT',
};

/** The rule that raised an alert: a built-in detection or an activity policy. */
export interface AlertRule {
  id: string;
  label: string;
  policyType: 'ANOMALY_DETECTION' | 'AUDIT';
}

export interface RaisedAlert {
  rule: AlertRule;
  /** Together with the rule, names the incident: equal keys give the same alert id. */
  incidentKey: string;
  title: string;
  description: string;
  severity: number;
  /** Alert type code (Signature ID of the CEF export), e.g. ALERT_ANUBIS_DETECTION_VELOCITY. */
  typeCode: string;
  intent?: number;
  stories?: number[];
  threatScore: number;
  activities: ActivityFacts[];
  /** Extra IPs and countries (impossible travel names both ends). */
  countries?: string[];
  mitreTechniques?: string[];
}

/** A deterministic 24-hex `_id`: a retry or a second process derives the same one. */
export function alertId(tenantId: string, ruleId: string, incidentKey: string): string {
  return createHash('sha256').update(`${tenantId}\n${ruleId}\n${incidentKey}`).digest('hex').slice(0, 24);
}

/** A stable 24-hex id for a built-in detection of a tenant (its `policyRule` entity id). */
export function builtInRuleId(tenantId: string, detection: string): string {
  return createHash('sha256').update(`detection\n${tenantId}\n${detection}`).digest('hex').slice(0, 24);
}

/** The alert in the wire shape of /api/v1/alerts/ (reference detection.md §3). */
export function alertDocument(tenantId: string, contextId: string, a: RaisedAlert): Doc {
  const id = alertId(tenantId, a.rule.id, a.incidentKey);
  const last = a.activities.reduce((m, x) => (x.timestamp > m.timestamp ? x : m), a.activities[0]!);
  const first = a.activities.reduce((m, x) => (x.timestamp < m.timestamp ? x : m), a.activities[0]!);
  const policyRule = { id: a.rule.id, label: a.rule.label, policyType: a.rule.policyType, type: 'policyRule' };
  const entities: Doc[] = [policyRule];
  const services = new Map<number, string>();
  const accounts = new Map<string, Doc>();
  const users = new Set<string>();
  const ips = new Set<string>();
  const files = new Map<string, string>();
  for (const act of a.activities) {
    const r = act.row;
    if (r.app_id !== null && !services.has(r.app_id)) services.set(r.app_id, act.appName ?? String(r.app_id));
    if (r.username) users.add(r.username);
    if (r.ip) ips.add(r.ip);
    // The actor's id is a column: the document is parsed only for an account not seen yet.
    const actorId = (JSON.parse(r.actor_keys) as string[])[0];
    if (accounts.size < 5 && actorId !== undefined && !accounts.has(actorId)) {
      const actor = act.resolvedActor;
      if (actor && typeof actor.id === 'string' && !accounts.has(actor.id)) {
        accounts.set(actor.id, {
          entityType: 2,
          id: actor.id,
          inst: Number(actor.instanceId ?? 0) || 0,
          label: typeof actor.name === 'string' ? actor.name : (r.username ?? actor.id),
          pa: r.username ?? actor.id,
          saas: Number(actor.saasId ?? r.app_id ?? 0) || 0,
          type: 'account',
        });
      }
    }
    if (files.size < 20 && r.file_ids !== '[]') {
      for (const fid of JSON.parse(r.file_ids) as string[]) if (!files.has(fid)) files.set(fid, r.object_url ?? fid);
    }
  }
  for (const [sid, label] of services) entities.push({ id: sid, label, type: 'service' });
  entities.push(...accounts.values());
  for (const u of users) entities.push({ id: u, label: u, type: 'user' });
  for (const ip of ips) entities.push({ id: ip, label: ip, type: 'ip' });
  for (const c of a.countries ?? []) entities.push({ id: c, label: c, type: 'country' });
  for (const [fid, label] of files) entities.push({ id: fid, label, type: 'file' });
  const evidence: Doc[] = [];
  const tactic = a.intent !== undefined ? TACTICS[a.intent] : undefined;
  if (tactic) {
    evidence.push({
      title: {
        template: 'ALERTS_MITRE_TACTIC',
        parameters: { tactic, mitre: { alternateLink: 'https://go.microsoft.com/fwlink/?linkid=2135034', label: 'MITRE', type: 'link' } },
      },
    });
  }
  for (const t of a.mitreTechniques ?? [])
    evidence.push({ title: { template: 'ALERTS_MITRE_TECHNIQUE', parameters: { technique_id: t } } });
  const doc: Doc = {
    _id: id,
    timestamp: last.timestamp,
    title: a.title,
    description: a.description,
    entities,
    ...(a.rule.policyType === 'AUDIT' ? { policy: policyRule } : {}),
    evidence,
    ...(a.intent !== undefined ? { intent: [a.intent] } : {}),
    stories: a.stories ?? [0],
    threatScore: a.threatScore,
    isPreview: false,
    isSystemAlert: false,
    contextId,
    alertTypeCode: a.typeCode,
    source: a.rule.policyType === 'AUDIT' ? 'policy' : 'built-in',
    firstActivity: first.timestamp,
    lastActivity: last.timestamp,
    audits: a.activities.map((x) => x.id),
    statusValue: 0,
    resolutionStatusValue: 0,
    severityValue: a.severity,
  };
  return doc;
}

/** HTML-escapes text placed in an alert description. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
