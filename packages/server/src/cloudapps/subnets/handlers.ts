import { numericTenantId } from '../../demo/cloudapps-data.js';
import type { IpRangeRow, IpTagRow } from '../../store/discovery-schema.js';
import { invalidParameter, notFound } from '../errors.js';
import { evaluateFilters } from '../filters/evaluate.js';
import { inMemoryPage, readInMemoryListParams } from '../in-memory-list.js';
import { readFilters } from '../filters/index.js';
import { boolParam, intParam, stringParam } from '../request-params.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';
import { normaliseSubnet, type NormalisedSubnet } from '../../discovery/subnets.js';
import { IP_RANGE_LIMITS, ipRangeJson, newObjectId, resolveTags, SUBNET_FIELDS, VALID_CATEGORIES, type IpRangeJson } from './model.js';

const SORT_FIELDS = ['name', 'category', 'tags', 'date'] as const;

async function tagMap(call: CloudAppsCall): Promise<Map<string, IpTagRow>> {
  const tags = await call.services.stores.discovery.ipRanges.listTags(call.caller.tenant.id);
  return new Map(tags.map((t) => [t.id, t]));
}

async function list(call: CloudAppsCall) {
  const p = call.params;
  const page = readInMemoryListParams(p, SORT_FIELDS);
  const tid = numericTenantId(call.caller.tenant.id);
  const tags = await tagMap(call);
  const keep = evaluateFilters(readFilters(p.filters, 'subnets', call.now), SUBNET_FIELDS);
  const all = (await call.services.stores.discovery.ipRanges.list(call.caller.tenant.id))
    .map((r) => ipRangeJson(r, tags, tid))
    .filter(keep);
  const key = (r: IpRangeJson): string | number =>
    page.sortField === 'category'
      ? r.category
      : page.sortField === 'tags'
        ? r.tags.map((t) => t.name.toLowerCase()).join(',')
        : page.sortField === 'date'
          ? r.lastModified
          : r.name.toLowerCase();
  return inMemoryPage(all, key, page);
}

async function fetchOne(call: CloudAppsCall) {
  const row = await call.services.stores.discovery.ipRanges.get(call.caller.tenant.id, call.path.id!);
  if (!row) throw notFound();
  return ipRangeJson(row, await tagMap(call), numericTenantId(call.caller.tenant.id));
}

interface RangeInput {
  name: string;
  category: number;
  subnets: NormalisedSubnet[];
  organization: string | null;
  overrideOrganization: boolean;
  tags: string[];
  newTags: IpTagRow[];
}

/**
 * The body of create_rule / update_rule. Read-only keys of a previously fetched object (`_id`,
 * `_tid`, `location`, `lastModified`, `builtIn`) are ignored; subnets may be strings or objects
 * carrying `originalString`; tags names, ids or objects.
 */
async function readRangeInput(call: CloudAppsCall, selfId?: string): Promise<RangeInput> {
  const p = call.params;
  const tenantId = call.caller.tenant.id;
  const name = typeof p.name === 'string' ? p.name.trim() : '';
  if (name === '') throw invalidParameter('name', 'name is required', p.name ?? null);
  const category = intParam(p, 'category', NaN);
  if (!VALID_CATEGORIES.includes(category)) {
    throw invalidParameter('category', `${String(p.category)} is not a valid category (1 to 6)`, p.category ?? null);
  }
  const raw = typeof p.subnets === 'string' ? [p.subnets] : p.subnets;
  if (!Array.isArray(raw) || raw.length === 0)
    throw invalidParameter('subnets', 'subnets must list at least one IP address or subnet', p.subnets ?? null);
  if (raw.length > IP_RANGE_LIMITS.subnetsPerRange)
    throw invalidParameter('subnets', `a range has at most ${IP_RANGE_LIMITS.subnetsPerRange} subnets (got ${raw.length})`, null);
  const subnets: NormalisedSubnet[] = [];
  for (const item of raw) {
    const text =
      typeof item === 'string' ? item : item && typeof item === 'object' ? (item as Record<string, unknown>).originalString : undefined;
    const n = typeof text === 'string' ? normaliseSubnet(text) : undefined;
    if (!n)
      throw invalidParameter(
        'subnets',
        `${typeof text === 'string' ? text : JSON.stringify(item)} is not a valid IP address or subnet`,
        text ?? item,
      );
    if (!subnets.some((s) => s.address === n.address && s.mask === n.mask)) subnets.push(n);
  }
  const organization = stringParam(p, 'organization')?.trim() || null;
  const overrideOrganization = boolParam(p, 'overrideOrganization') ?? false;
  const store = call.services.stores.discovery.ipRanges;
  const resolved = resolveTags(p.tags, await store.listTags(tenantId), tenantId, call.now);
  if (!resolved.ok) throw invalidParameter('tags', resolved.message, resolved.value);
  const existing = await store.getByName(tenantId, name);
  if (existing && existing.id !== selfId) throw duplicateName(name);
  return { name, category, subnets, organization, overrideOrganization, tags: resolved.tags.ids, newTags: resolved.tags.create };
}

const duplicateName = (name: string) => invalidParameter('name', `An IP address range named '${name}' already exists`, name);

function toRow(tenantId: string, id: string, input: RangeInput, createdAt: number, now: number, location: string | null): IpRangeRow {
  return {
    tenant_id: tenantId,
    id,
    name: input.name,
    category: input.category,
    subnets: JSON.stringify(input.subnets),
    organization: input.organization,
    override_organization: input.overrideOrganization ? 1 : 0,
    tags: JSON.stringify(input.tags),
    location,
    created_at: createdAt,
    last_modified: now,
  };
}

/** A concurrent create with the same name loses on the unique index: same 400 as the pre-check. */
async function writeUnique(name: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (/unique|duplicate key/i.test((e as Error).message)) throw duplicateName(name);
    throw e;
  }
}

async function create(call: CloudAppsCall) {
  const input = await readRangeInput(call);
  const tenantId = call.caller.tenant.id;
  if ((await call.services.stores.discovery.ipRanges.list(tenantId)).length >= IP_RANGE_LIMITS.rangesPerTenant)
    throw invalidParameter('name', `a tenant has at most ${IP_RANGE_LIMITS.rangesPerTenant} IP address ranges`, null);
  const id = newObjectId(call.now);
  await writeUnique(input.name, () =>
    call.services.stores.transaction(async (tx) => {
      for (const t of input.newTags) await tx.discovery.ipRanges.insertTag(t);
      await tx.discovery.ipRanges.insert(toRow(tenantId, id, input, call.now, call.now, null));
    }),
  );
  call.services.discovery.ipRanges.invalidate(tenantId);
  // The new id as a JSON string literal: clients strip the quotes or json.loads it.
  return new RawJson(JSON.stringify(id));
}

async function update(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  const store = call.services.stores.discovery.ipRanges;
  const current = await store.get(tenantId, call.path.id!);
  if (!current) throw notFound();
  const input = await readRangeInput(call, current.id);
  const row = toRow(tenantId, current.id, input, current.created_at, Math.max(call.now, current.last_modified + 1), current.location);
  let found = true;
  await writeUnique(input.name, () =>
    call.services.stores.transaction(async (tx) => {
      for (const t of input.newTags) await tx.discovery.ipRanges.insertTag(t);
      found = await tx.discovery.ipRanges.replace(row);
    }),
  );
  if (!found) throw notFound();
  call.services.discovery.ipRanges.invalidate(tenantId);
  return ipRangeJson(row, await tagMap(call), numericTenantId(tenantId));
}

async function remove(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  if (!(await call.services.stores.discovery.ipRanges.delete(tenantId, call.path.id!))) throw notFound();
  call.services.discovery.ipRanges.invalidate(tenantId);
  return {};
}

/** Served under /api/v1/subnet/ and /api/subnet/ (and /cas/api/...): reference §1. */
export const SUBNET_ROUTES: CloudAppsRoute[] = [
  { methods: ['GET', 'POST'], paths: ['subnet'], rootPaths: ['subnet'], endpoint: 'subnet.list', handle: list },
  { methods: ['POST'], paths: ['subnet/create_rule'], rootPaths: ['subnet/create_rule'], endpoint: 'subnet.create', handle: create },
  { methods: ['GET'], paths: ['subnet/:id'], rootPaths: ['subnet/:id'], endpoint: 'subnet.fetch', handle: fetchOne },
  {
    methods: ['POST'],
    paths: ['subnet/:id/update_rule'],
    rootPaths: ['subnet/:id/update_rule'],
    endpoint: 'subnet.update',
    handle: update,
  },
  { methods: ['DELETE'], paths: ['subnet/:id'], rootPaths: ['subnet/:id'], endpoint: 'subnet.delete', handle: remove },
];
