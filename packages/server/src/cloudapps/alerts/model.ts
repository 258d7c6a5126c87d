import { OBJECT_ID_PATTERN } from '@appwarden/protocol';
import type { AlertView } from '../../store/interfaces.js';
import type { SplicedItem } from '../list-envelope.js';
import type { CloudAppsAlertRow } from '../../store/schema.js';
import { DocumentError, obj, optInt, optString, optTime, reqInt, reqString, type Doc } from '../document-fields.js';

/** The filter keys of one `entities[]` item (see ALERT_COLUMNS). */
function entityKeys(e: Doc): string[] {
  const id = e.id;
  if (id === undefined || id === null) return [];
  const sid = String(id);
  switch (e.type) {
    case 'service':
      return [`service:${sid}`, `instance:${e.inst !== undefined && e.inst !== 0 ? String(e.inst) : sid}`];
    case 'account': {
      const keys = [`pk:${sid}`];
      if (e.saas !== undefined) keys.push(`pk:${sid}|${String(e.saas)}|${String(e.inst ?? 0)}`);
      return keys;
    }
    case 'user':
      return [`user:${sid}`, `pk:${sid}`];
    case 'policyRule':
      return [`policy:${sid}`];
    case 'file':
      return [`file:${sid}`];
    case 'ip':
      return [`ip:${sid}`];
    default:
      return [];
  }
}

/** State kept in columns; removed from the stored document and laid over it when rendered. */
const STATE_KEYS = ['statusValue', 'severityValue', 'resolutionStatusValue', 'resolveTime', 'handledByUser', 'comment', 'URL'];

/** Validates an alert in its wire shape (reference §7.1) and derives its row. */
export function alertRowFromDocument(tenantId: string, doc: Doc): CloudAppsAlertRow {
  const id = reqString(doc, '_id', OBJECT_ID_PATTERN);
  const timestamp = reqInt(doc, 'timestamp');
  reqString(doc, 'title');
  const severity = reqInt(doc, 'severityValue');
  if (severity < 0 || severity > 3) throw new DocumentError("'severityValue' must be 0..3");
  const resolution = optInt(doc, 'resolutionStatusValue') ?? (optTime(doc, 'resolveTime') !== null ? 5 : 0);
  if (resolution < 0 || resolution > 5) throw new DocumentError("'resolutionStatusValue' must be 0..5");
  const status = optInt(doc, 'statusValue') ?? 0;
  if (status < 0 || status > 2) throw new DocumentError("'statusValue' must be 0..2");
  const entities = doc.entities ?? [];
  if (!Array.isArray(entities)) throw new DocumentError("'entities' must be an array");
  const keys = new Set<string>();
  for (const e of entities) {
    const o = obj(e);
    if (!o || typeof o.type !== 'string') throw new DocumentError("'entities' items must be objects with a 'type'");
    for (const k of entityKeys(o)) keys.add(k);
  }
  const policy = obj(doc.policy);
  if (policy && typeof policy.id === 'string') keys.add(`policy:${policy.id}`);
  const handled = optString(doc, 'handledByUser');
  const comment = optString(doc, 'comment');
  const stored: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!STATE_KEYS.includes(k)) stored[k] = v;
  return {
    tenant_id: tenantId,
    id,
    id_value: optInt(doc, 'idValue') ?? parseInt(id.slice(-7), 16),
    timestamp,
    severity,
    resolution_status: resolution,
    status_value: status,
    resolve_time: optTime(doc, 'resolveTime'),
    handled_by_user: handled === 'null' ? null : handled,
    comment: comment === 'null' ? null : comment,
    reason_id: null,
    threat_score: optInt(doc, 'threatScore'),
    alert_type: optInt(doc, 'alertType'),
    source: optString(doc, 'source') ?? (policy ? 'policy' : 'built-in'),
    entity_keys: JSON.stringify([...keys]),
    doc: JSON.stringify(stored),
  };
}

/** The state laid over a stored document, as JSON members (no braces, no leading comma). */
function stateMembers(row: AlertView, origin: string): string {
  let m = `"statusValue":${row.status_value},"severityValue":${row.severity},"resolutionStatusValue":${row.resolution_status}`;
  if (row.resolve_time !== null) m += `,"resolveTime":"${new Date(row.resolve_time).toISOString()}"`;
  if (row.handled_by_user !== null) m += `,"handledByUser":${JSON.stringify(row.handled_by_user)}`;
  if (row.comment !== null) m += `,"comment":${JSON.stringify(row.comment)}`;
  return `${m},"URL":${JSON.stringify(`${origin}/#/alerts/${row.id}`)}`;
}

/**
 * The alert object as the API returns it, as JSON text: the stored document with the current
 * state appended (splicing text avoids parsing and re-serialising every document of a page).
 */
export function alertJsonText(row: CloudAppsAlertRow, origin: string): string {
  const d = row.doc;
  return d.length > 2 ? `${d.slice(0, -1)},${stateMembers(row, origin)}}` : `{${stateMembers(row, origin)}}`;
}

/** The items of a list answer (see envelopeBytes): the stored documents with the state spliced in. */
export function alertListItems(rows: AlertView[], origin: string): SplicedItem[] {
  return rows.map((row) => ({ doc: row.doc, members: stateMembers(row, origin) }));
}
