import { errors } from '../http/errors.js';
import {
  ODataFilterError,
  parseODataFilter,
  type ODataFilterLimits,
  type ODataFilterNode,
  type ODataValue,
} from './odata-filter-parser.js';

/**
 * Microsoft Graph's query options on a collection (`$select`, `$top` + `$skiptoken`, `$count`,
 * `$filter`, `$orderby`), evaluated over the collection's JSON representations so that every
 * GraphRoute list gets them the same way. What a collection allows is declared in a
 * `CollectionQuery`, after Graph's own rules: `in` wherever `eq` works; `ne`, `not` and `endsWith`
 * only as "advanced queries" (header `ConsistencyLevel: eventual` plus `$count=true`), which
 * Appwarden does not evaluate; `$orderby` on some properties only in advanced queries, and never
 * together with `$filter` outside them.
 */
export type FilterOperator = 'eq' | 'in' | 'startswith';

export interface CollectionQuery {
  /** Graph's resource name in error messages (`Application`, `ServicePrincipal`, `User`). */
  resource: string;
  /** Filterable properties and their operators outside advanced queries. */
  filter: Readonly<Record<string, readonly FilterOperator[]>>;
  /** Sortable properties: `default` in any query, `advanced` only in an advanced query. */
  orderby: Readonly<Record<string, 'default' | 'advanced'>>;
}

/** The options of one list request, validated. */
export interface GraphQueryOptions {
  select: string[] | undefined;
  top: number;
  skip: number;
  /** `$count=true` with `ConsistencyLevel: eventual`: the answer carries `@odata.count`. */
  count: boolean;
  where: (item: Record<string, unknown>) => boolean;
  order: { property: string; descending: boolean } | undefined;
}

/** `$top` default and maximum (Graph uses 100 and 999 on directory lists). */
export const GRAPH_DEFAULT_TOP = 100;
export const GRAPH_MAX_TOP = 999;

const KNOWN = new Set(['$select', '$top', '$skiptoken', '$count', '$filter', '$orderby', '$search', '$expand', '$skip', '$format']);
const ADVANCED_HINT =
  'is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information';

/** Whether the request is an advanced query: Graph wants both the header and `$count=true`. */
export function isEventual(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  const v = headers.consistencylevel;
  return (Array.isArray(v) ? v[0] : v)?.toLowerCase() === 'eventual';
}

/** Reads and validates the query options of a list request; Graph's 400 for what is not supported. */
export function readGraphQuery(
  query: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  spec: CollectionQuery,
): GraphQueryOptions {
  for (const key of Object.keys(query)) {
    if (!key.startsWith('$')) continue;
    if (!KNOWN.has(key.toLowerCase())) throw errors.invalidInput(`Query option '${key}' is not allowed.`);
  }
  const q = (name: string) => Object.entries(query).find(([k]) => k.toLowerCase() === name)?.[1];
  const eventual = isEventual(headers);
  const countParam = q('$count');
  if (countParam !== undefined && !/^(true|false)$/i.test(countParam))
    throw errors.invalidInput(`Invalid value '${countParam}' for $count.`);
  const countRequested = countParam?.toLowerCase() === 'true';
  const advanced = eventual && countRequested;

  if (q('$search') !== undefined) {
    if (!eventual)
      throw errors.unsupportedQuery(
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      );
    throw errors.unsupportedQuery('$search is not supported by this server; use $filter.');
  }
  if (q('$expand') !== undefined) throw errors.unsupportedQuery(`$expand is not supported on this collection.`);
  if (q('$skip') !== undefined) throw errors.invalidInput(`'$skip' is not supported by this API. Use the @odata.nextLink.`);
  if (q('$format') !== undefined) throw errors.unsupportedQuery(`$format is not supported; the answer is JSON.`);

  const topRaw = q('$top');
  const top = topRaw === undefined ? GRAPH_DEFAULT_TOP : Number(topRaw);
  if (!Number.isSafeInteger(top) || top < 1 || top > GRAPH_MAX_TOP)
    throw errors.invalidInput(`Invalid page size specified: '${topRaw}'. Must be between 1 and ${GRAPH_MAX_TOP} inclusive.`);
  const skipRaw = q('$skiptoken');
  const skip = skipRaw === undefined ? 0 : Number(skipRaw);
  if (!Number.isSafeInteger(skip) || skip < 0) throw errors.invalidInput('Invalid $skiptoken.');

  const select = parseSelect(q('$select'));

  const filterRaw = q('$filter');
  const where = filterRaw === undefined || filterRaw.trim() === '' ? () => true : parseFilter(filterRaw, spec, advanced);

  const orderRaw = q('$orderby');
  let order: GraphQueryOptions['order'];
  if (orderRaw !== undefined && orderRaw.trim() !== '') {
    const m = /^\s*([A-Za-z][\w]*)(?:\s+(asc|desc))?\s*$/i.exec(orderRaw);
    if (!m) throw errors.unsupportedQuery('Sorting not supported for current query.');
    const property = canonical(Object.keys(spec.orderby), m[1]!);
    if (property === undefined) throw errors.unsupportedQuery(`Unsupported sort property '${m[1]}' for '${spec.resource}'.`);
    const needsAdvanced = spec.orderby[property] === 'advanced' || filterRaw !== undefined;
    if (needsAdvanced && !advanced) throw errors.unsupportedQuery('Sorting not supported for current query.');
    order = { property, descending: m[2]?.toLowerCase() === 'desc' };
  }
  return { select, top, skip, count: advanced, where, order };
}

/** One page of a collection after the options: the items to show, whether more follow, the count. */
export function applyGraphQuery<T extends Record<string, unknown>>(
  items: readonly T[],
  options: GraphQueryOptions,
): { value: Record<string, unknown>[]; more: boolean; count: number } {
  let matched = items.filter(options.where);
  if (options.order) {
    const { property, descending } = options.order;
    matched = [...matched].sort((a, b) => compare(a[property], b[property]) * (descending ? -1 : 1));
  }
  const page = matched.slice(options.skip, options.skip + options.top);
  const value = options.select ? page.map((item) => project(item, options.select!)) : page;
  return { value, more: matched.length > options.skip + options.top, count: matched.length };
}

function project(item: Record<string, unknown>, select: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of select) {
    const key = canonical(Object.keys(item), name);
    if (key !== undefined) out[key] = item[key];
  }
  return out;
}

function compare(a: unknown, b: unknown): number {
  // Graph sorts missing values first in ascending order.
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'string' && typeof b === 'string') return a.localeCompare(b, 'en', { sensitivity: 'base' });
  return a < b ? -1 : 1;
}

/** The declared spelling of a property named case-insensitively, as Graph matches them. */
function canonical(names: readonly string[], name: string): string | undefined {
  return names.find((n) => n.toLowerCase() === name.toLowerCase());
}

// $filter: read by the shared OData parser (odata-filter-parser.ts), then mapped here. The
// directory collections take clause ( "and" clause )*, where a clause is `p eq v`, `p in (v, …)`
// or `startswith(p, 'v')`; values are 'strings' ('' escapes a quote), true, false, null, numbers
// or GUIDs. `ne`, `gt`, `ge`, `lt`, `le`, `not`, `endswith` and `or` are Graph's advanced queries,
// refused with Graph's hint; parentheses and any other function or value form are refused too.

/** Most values in one `in (…)` list (Graph allows 15 on most properties; we are more lenient). */
export const GRAPH_MAX_IN_VALUES = 100;
/**
 * Bounds of a directory `$filter`. The length is Node's 16 KiB limit on a request's head, which a
 * longer filter cannot pass over HTTP; clauses and depth are far above anything Graph serves.
 */
export const GRAPH_FILTER_LIMITS: ODataFilterLimits = {
  maxLength: 16_384,
  maxClauses: 1000,
  maxDepth: 32,
  maxInValues: GRAPH_MAX_IN_VALUES,
};

const IDENTIFIER = /^[A-Za-z]\w*$/;
const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** The bare values a clause takes (a quoted string is the other form). */
const BARE_VALUE = new RegExp(`^(?:true|false|null|${GUID}|-?\\d+(?:\\.\\d+)?)$`, 'i');
const ADVANCED_OPERATORS = new Set(['ne', 'ge', 'le', 'gt', 'lt']);

function literal(v: ODataValue): unknown {
  if (v.kind === 'string') return v.value;
  if (/^(true|false)$/i.test(v.value)) return v.value.toLowerCase() === 'true';
  if (/^null$/i.test(v.value)) return null;
  if (/^-?\d+(\.\d+)?$/.test(v.value)) return Number(v.value);
  return v.value;
}

const isValue = (v: ODataValue) => v.kind === 'string' || BARE_VALUE.test(v.value);
const isIdentifier = (v: ODataValue) => v.kind === 'word' && IDENTIFIER.test(v.value);

const same = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null);

const quoted = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
const invalidClause = (text: string) => errors.unsupportedQuery(`Invalid filter clause: '${quoted(text)}'.`);

function parseFilter(filter: string, spec: CollectionQuery, advanced: boolean): (item: Record<string, unknown>) => boolean {
  let ast: ODataFilterNode;
  try {
    ast = parseODataFilter(filter, GRAPH_FILTER_LIMITS);
  } catch (err) {
    if (!(err instanceof ODataFilterError)) throw err;
    if (err.kind === 'in-values')
      throw errors.unsupportedQuery(`Too many values in an 'in' list: at most ${GRAPH_MAX_IN_VALUES} are allowed.`);
    throw invalidClause(filter.trim());
  }
  // The clauses joined by a top-level `and`, judged left to right.
  const clauses = ast.kind === 'and' && !ast.grouped ? ast.items : [ast];
  const predicates = clauses.map((node) => clausePredicate(node, filter.slice(node.start, node.end), spec, advanced));
  return (item) => predicates.every((p) => p(item));
}

/** The advanced-query operator a clause uses, named as Graph names it in its hint. */
function advancedOperator(node: ODataFilterNode): string | undefined {
  return leadingOperator(node) ?? (hasOr(node) ? 'or' : undefined);
}

/** The advanced operator the clause begins with: `not (`, `endswith(` or `p ne …`. */
function leadingOperator(node: ODataFilterNode): string | undefined {
  if (node.grouped) return undefined;
  switch (node.kind) {
    case 'not':
      return startsGrouped(node.item) ? 'not' : undefined;
    case 'call':
      return node.name.toLowerCase() === 'endswith' ? 'endsWith' : undefined;
    case 'compare':
      return ADVANCED_OPERATORS.has(node.op) && isIdentifier(node.property) ? node.opText : undefined;
    case 'in':
      return undefined;
    default:
      return leadingOperator(node.items[0]!);
  }
}

function startsGrouped(node: ODataFilterNode): boolean {
  return node.grouped || ((node.kind === 'and' || node.kind === 'or') && startsGrouped(node.items[0]!));
}

function hasOr(node: ODataFilterNode): boolean {
  if (node.kind === 'or') return true;
  if (node.kind === 'and') return node.items.some(hasOr);
  return node.kind === 'not' && hasOr(node.item);
}

function clausePredicate(
  node: ODataFilterNode,
  text: string,
  spec: CollectionQuery,
  advanced: boolean,
): (item: Record<string, unknown>) => boolean {
  const operator = advancedOperator(node);
  if (operator !== undefined) {
    if (!advanced) throw errors.unsupportedQuery(`Operator '${operator}' ${ADVANCED_HINT}`);
    throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified: '${quoted(text)}'.`);
  }
  if (node.grouped) throw invalidClause(text);
  /** The declared property, when `op` is allowed on it (`in` works wherever `eq` does). */
  const allowed = (name: ODataValue, op: FilterOperator): string => {
    const property = canonical(Object.keys(spec.filter), name.value);
    const ops = property === undefined ? undefined : spec.filter[property];
    if (!property || !ops || !(ops.includes(op) || (op === 'in' && ops.includes('eq')))) {
      throw errors.unsupportedQuery(
        `Unsupported or invalid query filter clause specified for property '${name.value}' of resource '${spec.resource}'.`,
      );
    }
    return property;
  };
  if (node.kind === 'compare' && node.op === 'eq' && isIdentifier(node.property) && isValue(node.value)) {
    const property = allowed(node.property, 'eq');
    const value = literal(node.value);
    return (item) => same(item[property], value);
  }
  if (node.kind === 'in' && isIdentifier(node.property)) {
    const property = allowed(node.property, 'in');
    if (!node.values.every(isValue)) throw invalidClause(text);
    const values = node.values.map(literal);
    return (item) => values.some((v) => same(item[property], v));
  }
  if (node.kind === 'call' && node.name.toLowerCase() === 'startswith' && node.args.length === 2) {
    const [name, prefixArg] = node.args as [ODataValue, ODataValue];
    if (isIdentifier(name) && prefixArg.kind === 'string') {
      const property = allowed(name, 'startswith');
      const prefix = prefixArg.value.toLowerCase();
      return (item) => typeof item[property] === 'string' && (item[property] as string).toLowerCase().startsWith(prefix);
    }
  }
  throw invalidClause(text);
}

// Collections the store filters itself (users, oauth2PermissionGrants, roleAssignments) take a
// smaller subset of the same grammar, read by the same parser: `p eq 'v'` and, where declared,
// `startswith(p, 'v')`, joined by a top-level `and`; the values are quoted strings.

/** One clause of a store-evaluated `$filter`; `property` in its declared spelling. */
export interface StoreFilterClause {
  property: string;
  op: 'eq' | 'startswith';
  value: string;
}

export interface StoreFilterSpec {
  /** Filterable properties and their operators. */
  filter: Readonly<Record<string, readonly StoreFilterClause['op'][]>>;
  /** Most clauses joined by `and` (1: a single clause). */
  maxClauses: number;
}

const storeClauseRefused = (text: string) =>
  errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${quoted(text)}'.`);

/**
 * Reads a store-evaluated `$filter` to its clauses, left to right (none for an absent or blank
 * filter); Graph's 400 naming the first clause outside the subset, or the whole filter when it
 * cannot be read or has too many clauses.
 */
export function readStoreFilter(filter: string | undefined, spec: StoreFilterSpec): StoreFilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  let ast: ODataFilterNode;
  try {
    ast = parseODataFilter(filter, GRAPH_FILTER_LIMITS);
  } catch (err) {
    if (!(err instanceof ODataFilterError)) throw err;
    throw storeClauseRefused(filter.trim());
  }
  const nodes = ast.kind === 'and' && !ast.grouped ? ast.items : [ast];
  if (nodes.length > spec.maxClauses) throw storeClauseRefused(filter.trim());
  return nodes.map((node) => {
    const declared = (name: ODataValue, op: StoreFilterClause['op']) => {
      const property = canonical(Object.keys(spec.filter), name.value);
      return property !== undefined && spec.filter[property]!.includes(op) ? property : undefined;
    };
    if (!node.grouped && node.kind === 'compare' && node.op === 'eq' && node.value.kind === 'string') {
      const property = declared(node.property, 'eq');
      if (property) return { property, op: 'eq', value: node.value.value };
    }
    if (!node.grouped && node.kind === 'call' && node.name.toLowerCase() === 'startswith' && node.args.length === 2) {
      const [name, prefix] = node.args as [ODataValue, ODataValue];
      const property = name.kind === 'word' && prefix.kind === 'string' ? declared(name, 'startswith') : undefined;
      if (property) return { property, op: 'startswith', value: prefix.value };
    }
    throw storeClauseRefused(filter.slice(node.start, node.end));
  });
}

/** `$select=a, b` -> ['a', 'b']; undefined when the option is absent. */
export function parseSelect(raw: string | undefined): string[] | undefined {
  return raw === undefined
    ? undefined
    : raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
