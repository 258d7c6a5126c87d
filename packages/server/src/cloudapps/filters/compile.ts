import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { EntityPk, FilterCondition, FilterValue, TimeRange } from './model.js';

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

const TRUE = sql<SqlBool>`1`;
const FALSE = sql<SqlBool>`0`;

function or(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return FALSE;
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

function and(parts: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0]!;
  return sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

const not = (e: RawBuilder<SqlBool>) => sql<SqlBool>`NOT ${e}`;

/** A predicate over one value expression (a column, or `value` of json_each). */
function predicate(target: RawBuilder<unknown>, c: FilterCondition, prefix = ''): RawBuilder<SqlBool> {
  const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
  const hasNull = c.values.some((v) => v === null);
  const pv = plain.map((v) => (prefix ? `${prefix}${v}` : v));
  const strs = plain.map((v) => String(v));
  const like = (pattern: (s: string) => string) =>
    or(strs.map((s) => sql<SqlBool>`${target} LIKE ${`${prefix ? likeEscape(prefix) : ''}${pattern(likeEscape(s))}`} ESCAPE '\\'`));
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
      return or((c.values as TimeRange[]).map((r) => sql<SqlBool>`${target} BETWEEN ${r.start} AND ${r.end}`));
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

function compileScalar(column: string, c: FilterCondition): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  if (c.op === 'isset') return sql<SqlBool>`${col} IS NOT NULL`;
  if (c.op === 'isnotset') return sql<SqlBool>`${col} IS NULL`;
  const negated = NEGATIONS[c.op];
  // A missing value equals none of the listed values: negations hold on NULL.
  if (negated) return not(sql<SqlBool>`coalesce(${predicate(col, { ...c, op: negated })}, 0)`);
  if (c.op === 'deq') {
    const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
    return plain.length ? sql<SqlBool>`(${col} IS NOT NULL AND ${col} NOT IN (${sql.join(plain)}))` : sql<SqlBool>`${col} IS NOT NULL`;
  }
  return predicate(col, c);
}

function compileArray(column: string, prefix: string | undefined, c: FilterCondition): RawBuilder<SqlBool> {
  const col = sql.ref(column);
  const exists = (p: RawBuilder<SqlBool>) => sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(${col}) WHERE ${p})`;
  const value = sql`value`;
  const inScope = prefix ? sql<SqlBool>`value LIKE ${`${likeEscape(prefix)}%`} ESCAPE '\\'` : TRUE;
  if (c.op === 'isset') return prefix ? exists(inScope) : sql<SqlBool>`json_array_length(${col}) > 0`;
  if (c.op === 'isnotset') return not(prefix ? exists(inScope) : sql<SqlBool>`json_array_length(${col}) > 0`);
  const negated = NEGATIONS[c.op];
  if (negated) return not(exists(predicate(value, { ...c, op: negated }, prefix)));
  if (c.op === 'deq') {
    const plain = c.values.map(sqlValue).filter((v): v is string | number => v !== null);
    const pv = plain.map((v) => (prefix ? `${prefix}${v}` : v));
    return exists(pv.length ? and([inScope, sql<SqlBool>`value NOT IN (${sql.join(pv)})`]) : inScope);
  }
  // Only `eq` can ask for "no value" (null): an empty array.
  const hasNull = c.op === 'eq' && c.values.some((v) => v === null);
  const positive = exists(predicate(value, { ...c, values: c.values.filter((v) => v !== null) }, prefix));
  return hasNull ? or([positive, not(prefix ? exists(inScope) : sql<SqlBool>`json_array_length(${col}) > 0`)]) : positive;
}

/** Step 3: the validated conditions, AND-ed, as one SQL boolean expression over the resource's columns. */
export function compileFilters(conditions: FilterCondition[], columns: ColumnMap): Expression<SqlBool> {
  const parts = conditions.map((c) => {
    const spec = columns[c.field];
    if (!spec) throw new Error(`no column mapping for filter field ${c.field}`);
    if (spec.kind === 'custom') return spec.compile(c);
    if (spec.kind === 'array') return compileArray(spec.column, spec.prefix, c);
    return compileScalar(spec.column, c);
  });
  return and(parts);
}

export { and as sqlAnd, or as sqlOr, not as sqlNot };
