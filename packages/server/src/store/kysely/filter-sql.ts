import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { EntityPk, FilterCondition, FilterValue, TimeRange } from '../filter-conditions.js';

/**
 * How a filter field is stored. `scalar`: one nullable column. `array`: a JSON array column
 * (never NULL; `[]` when empty), matched element-wise, optionally through a key prefix
 * (`service:11161`) when several fields share one array. `custom`: compiled by the store.
 */
export type ColumnSpec =
  | { kind: 'scalar'; column: string }
  | { kind: 'array'; column: string; prefix?: string }
  | { kind: 'custom'; compile: (c: FilterCondition) => RawBuilder<SqlBool> };

export type ColumnMap = Readonly<Record<string, ColumnSpec>>;

/** `{id, saas, inst}` as the `id|saas|inst` string stored in key columns; a bare id stays as is. */
export function entityPkKey(pk: EntityPk): string {
  if (pk.saas === undefined && pk.inst === undefined) return pk.id;
  return `${pk.id}|${pk.saas ?? ''}|${pk.inst ?? 0}`;
}

/** The SQL value of a filter value: booleans are 0/1, entity keys are strings. */
export function sqlValue(v: FilterValue): string | number | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'object') return 'start' in v ? null : entityPkKey(v);
  return v;
}

export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * What differs between the SQL dialects the stores speak. SQLite: 0/1 booleans, LIKE folds ASCII
 * case, JSON arrays are text read with json_each. PostgreSQL: real booleans, ILIKE for the same
 * case-insensitive match, array columns are jsonb (element test `?|` can use a GIN index).
 */
export interface FilterDialect {
  TRUE: RawBuilder<SqlBool>;
  FALSE: RawBuilder<SqlBool>;
  like: RawBuilder<unknown>;
  /** A row source of the array's elements as text, with one column `value`. */
  elements(col: RawBuilder<unknown>): RawBuilder<unknown>;
  nonEmpty(col: RawBuilder<unknown>): RawBuilder<SqlBool>;
  /** The array holds one of these strings; an indexable form where the dialect has one. */
  holdsAny?(col: RawBuilder<unknown>, values: string[]): RawBuilder<SqlBool>;
  /** A value compared with a column. */
  param(v: string | number): unknown;
  /** The JSON document's array member `member` holds `value` (a text expression). */
  docArrayHolds(doc: RawBuilder<unknown>, member: string, value: RawBuilder<unknown>): RawBuilder<SqlBool>;
}

function orIn(d: FilterDialect, parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return d.FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

function andIn(d: FilterDialect, parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return d.TRUE;
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

const not = (e: RawBuilder<SqlBool>) => sql<SqlBool>`NOT ${e}`;

/** A predicate over one value expression (a column, or `value` of the array's elements). */
function predicate(d: FilterDialect, target: RawBuilder<unknown>, c: FilterCondition, prefix = ''): RawBuilder<SqlBool> {
  const or = (parts: RawBuilder<SqlBool>[]) => orIn(d, parts);
  const FALSE = d.FALSE;
  const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
  const hasNull = c.values.some((v) => v === null);
  const pv = plain.map((v) => d.param(prefix ? `${prefix}${v}` : v));
  const strs = plain.map((v) => String(v));
  const like = (pattern: (s: string) => string) =>
    or(strs.map((s) => sql<SqlBool>`${target} ${d.like} ${`${prefix ? likeEscape(prefix) : ''}${pattern(likeEscape(s))}`} ESCAPE '\\'`));
  const inList = pv.length ? sql<SqlBool>`${target} IN (${sql.join(pv)})` : FALSE;
  switch (c.op) {
    case 'eq':
    case 'cabinetmatchedrulesequals':
      return hasNull ? or([inList, sql<SqlBool>`${target} IS NULL`]) : inList;
    case 'contains':
    case 'text':
      return like((s) => `%${s}%`);
    case 'startswith':
    case 'startswithsingle':
      return like((s) => `${s}%`);
    case 'endswith':
      return like((s) => `%${s}`);
    case 'descendantof':
      return or([inList, like((s) => `${s}/%`)]);
    case 'gt':
      return sql<SqlBool>`${target} > ${pv[0]!}`;
    case 'gte':
      return sql<SqlBool>`${target} >= ${pv[0]!}`;
    case 'lt':
      return sql<SqlBool>`${target} < ${pv[0]!}`;
    case 'lte':
      return sql<SqlBool>`${target} <= ${pv[0]!}`;
    case 'range':
      return or((c.values as TimeRange[]).map((r) => sql<SqlBool>`${target} BETWEEN ${d.param(r.start)} AND ${d.param(r.end)}`));
    default:
      throw new Error(`operator ${c.op} has no positive form`);
  }
}

/** Operators that hold when no value (or no element) satisfies the positive form. */
const NEGATIONS: Partial<Record<FilterCondition['op'], FilterCondition['op']>> = {
  neq: 'eq',
  ncontains: 'contains',
  doesnotstartwith: 'startswith',
  ndescendantof: 'descendantof',
};

function compileScalar(d: FilterDialect, column: string, c: FilterCondition): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  if (c.op === 'isset') return sql<SqlBool>`${col} IS NOT NULL`;
  if (c.op === 'isnotset') return sql<SqlBool>`${col} IS NULL`;
  const negated = NEGATIONS[c.op];
  // A missing value equals none of the listed values: negations hold on NULL.
  if (negated) return not(sql<SqlBool>`coalesce(${predicate(d, col, { ...c, op: negated })}, ${d.FALSE})`);
  if (c.op === 'deq') {
    const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
    return plain.length
      ? sql<SqlBool>`(${col} IS NOT NULL AND ${col} NOT IN (${sql.join(plain.map(d.param))}))`
      : sql<SqlBool>`${col} IS NOT NULL`;
  }
  return predicate(d, col, c);
}

function compileArray(d: FilterDialect, column: string, prefix: string | undefined, condition: FilterCondition): RawBuilder<SqlBool> {
  // Elements are strings: where the dialect types parameters, compare them as strings.
  const c = d.holdsAny ? { ...condition, values: condition.values.map((v) => (typeof v === 'number' ? String(v) : v)) } : condition;
  const col = sql.ref(column);
  const exists = (p: RawBuilder<SqlBool>) => sql<SqlBool>`EXISTS (SELECT 1 FROM ${d.elements(col)} WHERE ${p})`;
  const value = sql`value`;
  const inScope = prefix ? sql<SqlBool>`value LIKE ${`${likeEscape(prefix)}%`} ESCAPE '\\'` : d.TRUE;
  const nonEmpty = () => (prefix ? exists(inScope) : d.nonEmpty(col));
  // Exact element tests: elements are strings, so compare with strings.
  const exact = (values: (string | number)[]) => values.map((v) => (prefix ? `${prefix}${v}` : String(v)));
  if (c.op === 'isset') return nonEmpty();
  if (c.op === 'isnotset') return not(nonEmpty());
  const negated = NEGATIONS[c.op];
  const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
  if (d.holdsAny && (c.op === 'neq' || c.op === 'eq' || c.op === 'cabinetmatchedrulesequals')) {
    const holds = plain.length ? d.holdsAny(col, exact(plain)) : d.FALSE;
    if (c.op === 'neq') return not(holds);
    return c.op === 'eq' && c.values.some((v) => v === null) ? orIn(d, [holds, not(nonEmpty())]) : holds;
  }
  if (negated) return not(exists(predicate(d, value, { ...c, op: negated }, prefix)));
  if (c.op === 'deq') {
    const pv = d.holdsAny ? exact(plain) : plain.map((v) => (prefix ? `${prefix}${v}` : v));
    return exists(pv.length ? andIn(d, [inScope, sql<SqlBool>`value NOT IN (${sql.join(pv)})`]) : inScope);
  }
  // Only `eq` can ask for "no value" (null): an empty array.
  const hasNull = c.op === 'eq' && c.values.some((v) => v === null);
  const positive = exists(predicate(d, value, { ...c, values: c.values.filter((v) => v !== null) }, prefix));
  return hasNull ? orIn(d, [positive, not(nonEmpty())]) : positive;
}

/**
 * The validated conditions (the API layer's parse -> validate), AND-ed, as one SQL boolean
 * expression over the resource's columns, in the store's dialect.
 */
export function compileFilters(conditions: FilterCondition[], columns: ColumnMap, dialect: FilterDialect): Expression<SqlBool> {
  const parts = conditions.map((c) => {
    const spec = columns[c.field];
    if (!spec) throw new Error(`no column mapping for filter field ${c.field}`);
    if (spec.kind === 'custom') return spec.compile(c);
    if (spec.kind === 'array') return compileArray(dialect, spec.column, spec.prefix, c);
    return compileScalar(dialect, spec.column, c);
  });
  return andIn(dialect, parts);
}

export { not as sqlNot, orIn as sqlOr, andIn as sqlAnd };
