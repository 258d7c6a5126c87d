import { FILE_ACCESS_LEVEL, FILE_STATUS, FILE_TYPE, OBJECT_ID_PATTERN, codePair } from '@appwarden/protocol';
import type { CloudAppsFileRow } from '../../store/schema.js';
import { DocumentError, obj, optBool, optInt, optString, optTime, reqString, stringList, type Doc } from '../document-fields.js';

/**
 * A code carried as the `[code, "NAME"]` pair (`fileType`), as a bare number, or by its numeric
 * mirror (`ftype`); the pair wins when both are given.
 */
function code(doc: Doc, pairKey: string, mirrorKey: string, table: Readonly<Record<string, number>>, fallback: number): number {
  const v = doc[pairKey];
  const fromPair = Array.isArray(v) ? v[0] : v;
  const c = typeof fromPair === 'number' ? fromPair : (optInt(doc, mirrorKey) ?? fallback);
  if (!Number.isInteger(c) || !Object.values(table).includes(c)) {
    throw new DocumentError(`'${pairKey}' must be one of ${Object.values(table).join(', ')} (or a [code, "NAME"] pair)`);
  }
  return c;
}

const unique = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => typeof x === 'string' && x !== ''))];
const domainOf = (address: string) => (address.includes('@') ? address.slice(address.lastIndexOf('@') + 1).toLowerCase() : undefined);

/** Collaborators as the real objects list them: strings, or objects with `id`, `email`, `name`, `domain`. */
function collaborators(doc: Doc): { users: string[]; domains: string[] } {
  const v = doc.collaborators;
  if (v !== undefined && v !== null && !Array.isArray(v)) throw new DocumentError("'collaborators' must be an array");
  const users: string[] = [];
  const domains: string[] = [];
  for (const c of (v as unknown[] | undefined) ?? []) {
    if (typeof c === 'string') {
      users.push(c);
      continue;
    }
    const o = obj(c);
    if (!o) throw new DocumentError("'collaborators' items must be strings or objects");
    for (const k of ['id', 'email', 'name']) if (typeof o[k] === 'string') users.push(o[k]);
    if (typeof o.domain === 'string') domains.push(o.domain.toLowerCase());
  }
  for (const u of users) domains.push(domainOf(u) ?? '');
  return { users: unique(users), domains: unique(domains) };
}

/**
 * Validates a file object (reference §7.4) and derives its row. The three enumerated fields are
 * stored as both the pair and its numeric mirror, whichever the document gave. `quarantined`
 * (boolean) is Appwarden's: which field of the real object carries quarantine is not known.
 */
export function fileRowFromDocument(tenantId: string, doc: Doc): CloudAppsFileRow {
  const oid = reqString(doc, '_id', OBJECT_ID_PATTERN);
  const name = reqString(doc, 'name');
  const appId = optInt(doc, 'saasId') ?? optInt(doc, 'appId');
  if (appId === null) throw new DocumentError("'saasId' (or 'appId') must be an integer");
  const instId = optInt(doc, 'instId') ?? 0;
  const fileType = code(doc, 'fileType', 'ftype', FILE_TYPE, FILE_TYPE.OTHER);
  const sharing = code(doc, 'fileAccessLevel', 'facl', FILE_ACCESS_LEVEL, FILE_ACCESS_LEVEL.PRIVATE);
  const status = code(doc, 'fileStatus', 'fstat', FILE_STATUS, FILE_STATUS.EXISTS);
  const isFolder = optBool(doc, 'isFolder') ?? fileType === FILE_TYPE.FOLDER;
  const owner = optString(doc, 'ownerAddress');
  const extension = optString(doc, 'fileExtension') ?? (!isFolder && name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : null);
  const people = collaborators(doc);
  const groups = unique([...stringList(doc.groupIds, 'groupIds'), ...stringList(doc.groups, 'groups')]);
  const parentId = optString(doc, 'parentId');
  const stored: Doc = {
    ...doc,
    fileType: codePair(FILE_TYPE, fileType),
    ftype: fileType,
    fileAccessLevel: codePair(FILE_ACCESS_LEVEL, sharing),
    facl: sharing,
    fileStatus: codePair(FILE_STATUS, status),
    fstat: status,
  };
  return {
    tenant_id: tenantId,
    oid,
    id: optString(doc, 'id') ?? oid,
    app_id: appId,
    instance_id: instId,
    file_type: fileType,
    sharing,
    status,
    trashed: status === FILE_STATUS.EXISTS ? 0 : 1,
    is_folder: isFolder ? 1 : 0,
    quarantined: optBool(doc, 'quarantined') ? 1 : 0,
    name,
    extension: extension?.toLowerCase() ?? null,
    mime_type: optString(doc, 'mimeType'),
    file_size: optInt(doc, 'fileSize'),
    owner_username: owner,
    owner_org_unit: optString(doc, 'ownerOrgUnit'),
    owner_keys: JSON.stringify(owner ? [owner, `${owner}|${appId}|${instId}`] : []),
    collaborator_users: JSON.stringify(people.users),
    collaborator_domains: JSON.stringify(unique([...stringList(doc.domains, 'domains').map((d) => d.toLowerCase()), ...people.domains])),
    collaborator_groups: JSON.stringify(groups),
    policy_ids: JSON.stringify(unique(stringList(doc.cabinetMatchedRuleVersions, 'cabinetMatchedRuleVersions'))),
    file_labels: JSON.stringify(unique(stringList(doc.fTags, 'fTags'))),
    scan_labels: JSON.stringify(unique(stringList(doc.dlpScanResults, 'dlpScanResults'))),
    parent_ids: JSON.stringify(
      unique([parentId, ...stringList(doc.parentIds, 'parentIds'), ...stringList(doc.effectiveParents, 'effectiveParents')]),
    ),
    created_date: optTime(doc, 'createdDate'),
    modified_date: optTime(doc, 'modifiedDate'),
    snapshot_modified: optTime(doc, 'snapshotLastModifiedDate'),
    doc: JSON.stringify(stored),
  };
}
