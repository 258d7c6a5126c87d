import { errors } from '../http/errors.js';

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

// $filter: clause ( "and" clause )*, where a clause is `p eq v`, `p in (v, …)` or
// `startswith(p, 'v')`; values are 'strings' ('' escapes a quote), true, false, null, numbers or GUIDs.
// The value alternatives never match the same text (a GUID needs its dashes), and `in` lists are
// read by a scanner, not by one regex with a repeated group: `x in (<36 digits>, …` without its
// closing parenthesis took seconds at 22 values and doubled with each one more.
const STRING = "'(?:[^']|'')*'";
const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const VALUE = `(?:${STRING}|true|false|null|${GUID}|-?\\d+(?:\\.\\d+)?)`;
/** Most values in one `in (…)` list (Graph allows 15 on most properties; we are more lenient). */
export const GRAPH_MAX_IN_VALUES = 100;
const CLAUSES: Array<{ re: RegExp; op: FilterOperator | 'advanced' }> = [
  { re: new RegExp(`^([A-Za-z]\\w*)\\s+eq\\s+(${VALUE})$`, 'i'), op: 'eq' },
  { re: new RegExp(`^([A-Za-z]\\w*)\\s+in\\s+\\(([^]*)\\)$`, 'i'), op: 'in' },
  { re: new RegExp(`^startswith\\(\\s*([A-Za-z]\\w*)\\s*,\\s*(${STRING})\\s*\\)$`, 'i'), op: 'startswith' },
];

function literal(text: string): unknown {
  if (text.startsWith("'")) return text.slice(1, -1).replace(/''/g, "'");
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  if (/^null$/i.test(text)) return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

const same = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : (a ?? null) === (b ?? null);

function parseFilter(filter: string, spec: CollectionQuery, advanced: boolean): (item: Record<string, unknown>) => boolean {
  const predicates = splitAnd(filter).map((clause) => {
    const c = clause.trim();
    const advancedOp = /^(?:not\s*\(|endswith\s*\()|^[A-Za-z]\w*\s+(ne|ge|le|gt|lt)\s/i.exec(c);
    if (advancedOp || /\s+or\s+/i.test(c)) {
      const name = advancedOp ? (advancedOp[1] ?? (c.toLowerCase().startsWith('not') ? 'not' : 'endsWith')) : 'or';
      if (!advanced) throw errors.unsupportedQuery(`Operator '${name}' ${ADVANCED_HINT}`);
      throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified: '${c}'.`);
    }
    for (const { re, op } of CLAUSES) {
      const m = re.exec(c);
      if (!m) continue;
      const property = canonical(Object.keys(spec.filter), m[1]!);
      const allowed = property === undefined ? undefined : spec.filter[property];
      // `in` works wherever `eq` does.
      if (!property || !allowed || !(allowed.includes(op as FilterOperator) || (op === 'in' && allowed.includes('eq')))) {
        throw errors.unsupportedQuery(
          `Unsupported or invalid query filter clause specified for property '${m[1]}' of resource '${spec.resource}'.`,
        );
      }
      if (op === 'startswith') {
        const prefix = String(literal(m[2]!)).toLowerCase();
        return (item: Record<string, unknown>) =>
          typeof item[property] === 'string' && (item[property] as string).toLowerCase().startsWith(prefix);
      }
      const values = op === 'in' ? splitValues(m[2]!, c).map(literal) : [literal(m[2]!)];
      return (item: Record<string, unknown>) => values.some((v) => same(item[property], v));
    }
    throw errors.unsupportedQuery(`Invalid filter clause: '${c}'.`);
  });
  return (item) => predicates.every((p) => p(item));
}

/** Splits on ` and ` outside quotes and parentheses. */
function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i]!;
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && /\s/.test(ch)) {
      const m = /^\s+and\s+/i.exec(filter.slice(i));
      if (m) {
        parts.push(filter.slice(start, i));
        i += m[0].length - 1;
        start = i + 1;
      }
    }
  }
  parts.push(filter.slice(start));
  return parts;
}

const VALUE_AT = new RegExp(`\\s*(${VALUE})(?![\\w-])\\s*(,|$)`, 'iy');

/** The values of an `in (…)` list, read left to right in linear time; anything else is a 400. */
function splitValues(list: string, clause: string): string[] {
  const out: string[] = [];
  VALUE_AT.lastIndex = 0;
  for (;;) {
    const m = VALUE_AT.exec(list);
    if (!m) throw errors.unsupportedQuery(`Invalid filter clause: '${clause.length > 200 ? `${clause.slice(0, 200)}…` : clause}'.`);
    out.push(m[1]!);
    if (out.length > GRAPH_MAX_IN_VALUES)
      throw errors.unsupportedQuery(`Too many values in an 'in' list: at most ${GRAPH_MAX_IN_VALUES} are allowed.`);
    if (m[2] === '') break;
  }
  return out;
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
