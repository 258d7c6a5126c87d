import { OBJECT_ID_PATTERN } from '@appwarden/protocol';
import type { CloudAppsEntityRow } from '../../store/schema.js';
import { DocumentError, obj, optBool, optInt, optString, optTime, reqInt, reqString, stringList, type Doc } from '../document-fields.js';
import type { EntityPk } from '../filters/model.js';

/** `<id>|<saas>|<inst>`: the stored form of an entity key. */
export const pkString = (pk: Required<EntityPk>) => `${pk.id}|${pk.saas}|${pk.inst}`;

/** The base64 key of entity fetch: compact JSON of `{id, saas, inst}`, standard base64. */
export function encodeEntityKey(pk: Required<EntityPk>): string {
  return Buffer.from(JSON.stringify({ id: pk.id, saas: pk.saas, inst: pk.inst })).toString('base64');
}

/**
 * Decodes an entity key tolerantly: standard or URL-safe base64, padding optional, any JSON
 * spacing; undefined when it is not such a key.
 */
export function decodeEntityKey(key: string): Required<EntityPk> | undefined {
  let text: string;
  try {
    text = Buffer.from(decodeURIComponent(key).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return undefined;
  }
  try {
    const o = obj(JSON.parse(text));
    if (!o || typeof o.id !== 'string') return undefined;
    const saas = o.saas === undefined || o.saas === null ? 11161 : Number(o.saas);
    const inst = o.inst === undefined || o.inst === null ? 0 : Number(o.inst);
    if (!Number.isInteger(saas) || !Number.isInteger(inst)) return undefined;
    return { id: o.id, saas, inst };
  } catch {
    return undefined;
  }
}

/**
 * Validates a user or account entity (reference §7.3) and derives its row. An account may carry
 * `parent: {id, saas, inst}` naming its user (an import-only key, not returned).
 */
export function entityRowFromDocument(tenantId: string, doc: Doc): CloudAppsEntityRow {
  const oid = reqString(doc, '_id', OBJECT_ID_PATTERN);
  const id = reqString(doc, 'id');
  const type = reqInt(doc, 'type');
  if (type !== 1 && type !== 2) throw new DocumentError("'type' must be 1 (account) or 2 (user)");
  const appData = obj(doc.appData);
  const saas = optInt(appData, 'saas') ?? optInt(appData, 'appId') ?? 11161;
  const inst = optInt(appData, 'instance') ?? 0;
  const parent = obj(doc.parent);
  let parentPk: string | null = null;
  if (parent) {
    if (typeof parent.id !== 'string') throw new DocumentError("'parent.id' must be a string");
    parentPk = pkString({ id: parent.id, saas: optInt(parent, 'saas') ?? 11161, inst: optInt(parent, 'inst') ?? 0 });
  }
  const external = optBool(doc, 'isExternal');
  const groups = Array.isArray(doc.userGroups) ? doc.userGroups.map((g) => (obj(g)?.id as string | undefined) ?? String(g)) : [];
  const { parent: _parent, ...stored } = doc;
  return {
    tenant_id: tenantId,
    oid,
    id,
    saas,
    inst,
    pk: pkString({ id, saas, inst }),
    parent_pk: parentPk,
    type,
    status: optInt(doc, 'status') ?? 2,
    is_admin: optBool(doc, 'isAdmin') ? 1 : 0,
    is_external: external === null ? null : external ? 1 : 0,
    domain: optString(doc, 'domain'),
    organization: optString(doc, 'organization'),
    display_name: optString(doc, 'displayName') ?? id,
    username: optString(doc, 'email') ?? (id.includes('@') ? id : null),
    last_seen: optTime(doc, 'lastSeen'),
    threat_score: optInt(doc, 'threatScore'),
    user_groups: JSON.stringify(stringList(groups, 'userGroups')),
    doc: JSON.stringify(stored),
  };
}

export function entityJson(row: CloudAppsEntityRow): Doc {
  return JSON.parse(row.doc) as Doc;
}
