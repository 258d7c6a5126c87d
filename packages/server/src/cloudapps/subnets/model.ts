import crypto from 'node:crypto';
import { BUILT_IN_IP_TAGS, IP_CATEGORY, OBJECT_ID_PATTERN } from '@appwarden/protocol';
import type { NormalisedSubnet } from '../../discovery/subnets.js';
import type { IpRangeRow, IpTagRow } from '../../store/discovery-schema.js';
import type { ItemFieldMap } from '../filters/evaluate.js';

/** A Mongo-style ObjectId: 4 bytes of seconds, then 8 random bytes (24 lower-case hex digits). */
export function newObjectId(now: number): string {
  const head = Math.floor(now / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8);
  return head + crypto.randomBytes(8).toString('hex');
}

/** Built-in tags: `Anonymous_proxy` -> name "Anonymous proxy". */
export const BUILT_IN_TAGS: readonly { id: string; name: string; key: string }[] = Object.entries(BUILT_IN_IP_TAGS).map(([key, id]) => ({
  id,
  key,
  name: key.replace(/_/g, ' ').replace(/\bCnC\b/, 'C&C'),
}));
const BUILT_IN_BY_ID = new Map(BUILT_IN_TAGS.map((t) => [t.id, t]));

export interface TagObject {
  _id: string;
  id: string;
  target: number;
  type: number;
  name: string;
  nameTemplate?: { template: string };
  description: string | null;
  visibility: number;
  status: number;
  builtIn: boolean;
  _tid: number;
}

/** A tag as the API shows it inside a range (reference §7.5). */
export function tagObject(id: string, custom: ReadonlyMap<string, IpTagRow>, tid: number): TagObject | undefined {
  const b = BUILT_IN_BY_ID.get(id);
  if (b) {
    const key = b.key.toUpperCase();
    return {
      _id: id,
      id,
      target: 1,
      type: 2,
      name: b.name,
      nameTemplate: { template: `SAGE_BUILTIN_TAG_${key}_NAME` },
      description: null,
      visibility: 0,
      status: 0,
      builtIn: true,
      _tid: tid,
    };
  }
  const c = custom.get(id);
  if (!c) return undefined;
  return { _id: id, id, target: 1, type: 0, name: c.name, description: null, visibility: 0, status: 0, builtIn: false, _tid: tid };
}

/** Result of resolving the `tags` the client sent: ids to store, and custom tags to create. */
export interface ResolvedTags {
  ids: string[];
  create: IpTagRow[];
}

/**
 * Tags arrive as names (docs: `"existing tag"`), ids (the docs' manage script:
 * `"000000290000000000000000"`), or objects from a previous fetch (`{id}`, `{_id}`, `{name}`,
 * the oldest docs' `{text}`). Names match built-in and custom tags case-insensitively; an unknown
 * name creates a custom tag (as the portal does); an unknown 24-hex id is an error.
 */
/**
 * Bounds on IP address ranges (docs/configuration.md). Every usage row of Cloud Discovery carries
 * its source IP's tags: 2000 tags on one range multiplied the database ~1000x the upload.
 */
export const IP_RANGE_LIMITS = {
  tagsPerRange: 50,
  tagNameLength: 128,
  subnetsPerRange: 1000,
  rangesPerTenant: 5000,
  customTagsPerTenant: 1000,
} as const;

export function resolveTags(
  input: unknown,
  custom: readonly IpTagRow[],
  tenantId: string,
  now: number,
): { ok: true; tags: ResolvedTags } | { ok: false; value: unknown; message: string } {
  if (input === undefined || input === null) return { ok: true, tags: { ids: [], create: [] } };
  if (!Array.isArray(input)) return { ok: false, value: input, message: 'tags must be a list of tag names or ids' };
  if (input.length > IP_RANGE_LIMITS.tagsPerRange)
    return { ok: false, value: null, message: `a range has at most ${IP_RANGE_LIMITS.tagsPerRange} tags (got ${input.length})` };
  const byId = new Map(custom.map((t) => [t.id, t]));
  const byName = new Map<string, string>();
  for (const t of BUILT_IN_TAGS) {
    byName.set(t.name.toLowerCase(), t.id);
    byName.set(t.key.toLowerCase(), t.id);
  }
  for (const t of custom) byName.set(t.name.toLowerCase(), t.id);
  const ids: string[] = [];
  const create: IpTagRow[] = [];
  for (const item of input) {
    let text: unknown = item;
    if (item && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      text = o.id ?? o._id ?? o.name ?? o.text;
    }
    if (typeof text !== 'string' || text.trim() === '')
      return { ok: false, value: item, message: `'${JSON.stringify(item)}' is not a valid tag` };
    const t = text.trim();
    if (t.length > IP_RANGE_LIMITS.tagNameLength)
      return { ok: false, value: null, message: `a tag name is at most ${IP_RANGE_LIMITS.tagNameLength} characters` };
    let id: string | undefined;
    if (BUILT_IN_BY_ID.has(t) || byId.has(t)) id = t;
    else id = byName.get(t.toLowerCase());
    if (!id) {
      if (OBJECT_ID_PATTERN.test(t)) return { ok: false, value: t, message: `${t} is not a valid tag id` };
      if (custom.length + create.length >= IP_RANGE_LIMITS.customTagsPerTenant)
        return { ok: false, value: t, message: `a tenant has at most ${IP_RANGE_LIMITS.customTagsPerTenant} custom tags` };
      const row: IpTagRow = { tenant_id: tenantId, id: newObjectId(now), name: t, created_at: now };
      create.push(row);
      byName.set(t.toLowerCase(), row.id);
      id = row.id;
    }
    if (!ids.includes(id)) ids.push(id);
  }
  return { ok: true, tags: { ids, create } };
}

export const VALID_CATEGORIES: readonly number[] = Object.values(IP_CATEGORY).filter((c) => c >= 1);

/** The subnet object of the API (reference §7.5), keys in the published order. */
export function ipRangeJson(row: IpRangeRow, custom: ReadonlyMap<string, IpTagRow>, tid: number) {
  const tagIds = JSON.parse(row.tags) as string[];
  return {
    _id: row.id,
    name: row.name,
    subnets: JSON.parse(row.subnets) as NormalisedSubnet[],
    location: row.location === null ? null : (JSON.parse(row.location) as unknown),
    organization: row.organization,
    tags: tagIds.map((id) => tagObject(id, custom, tid)).filter((t): t is TagObject => !!t),
    category: row.category,
    lastModified: row.last_modified,
    builtIn: false,
    _tid: tid,
  };
}

export type IpRangeJson = ReturnType<typeof ipRangeJson>;

/** How the `subnets` filter fields read a range (registry: SUBNET_FILTER_FIELDS); a tag by id or name. */
export const SUBNET_FIELDS: ItemFieldMap<IpRangeJson> = {
  category: { read: (r) => r.category },
  tags: { read: (r) => r.tags.flatMap((t) => [t.id, t.name]) },
  builtIn: { read: (r) => r.builtIn },
};
