import type { FilterOperator } from '@appwarden/protocol';
import { entityPkKey } from '../../store/kysely/filter-sql.js';
import type { FilterCondition, FilterValue, TimeRange } from './model.js';

/** One value of an item's field, as a stored column would hold it. */
export type ItemValue = string | number | boolean | null;

/**
 * How one filter field reads an in-memory item. `read` answers a scalar (`null` when the item has
 * no value) or, for list-valued fields, the elements. `fold` brings strings of both sides to one
 * form before comparing (case folding, id prefixes); it must be idempotent.
 */
export interface ItemField<T> {
  read(item: T): ItemValue | readonly ItemValue[];
  fold?(s: string): string;
}

export type ItemFieldMap<T> = Readonly<Record<string, ItemField<T>>>;

/** Operators that hold when no value (or no element) satisfies the positive form, as in SQL. */
const NEGATIONS: Partial<Record<FilterOperator, FilterOperator>> = {
  neq: 'eq',
  ncontains: 'contains',
  doesnotstartwith: 'startswith',
  ndescendantof: 'descendantof',
};

/** Text operators fold ASCII case only, like SQLite's LIKE, so both backends and memory agree. */
const foldAscii = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

type Test = (v: ItemValue) => boolean;

/** A filter value as an item value: entity keys as the `id|saas|inst` string the columns store. */
function plain(v: FilterValue): ItemValue {
  if (v !== null && typeof v === 'object') return 'start' in v ? null : entityPkKey(v);
  return v;
}

/** The positive form of an operator over one value; a missing value satisfies none of them. */
function positive(c: FilterCondition, fold: (s: string) => string): Test {
  const norm = (v: ItemValue) => (typeof v === 'string' ? fold(v) : v);
  const values = c.values
    .map(plain)
    .filter((v): v is string | number | boolean => v !== null)
    .map(norm);
  const wanted = new Set(values);
  const texts = values.map((v) => foldAscii(String(v)));
  const text = (match: (s: string, t: string) => boolean): Test => {
    return (v) => {
      if (v === null) return false;
      const s = foldAscii(String(norm(v)));
      return texts.some((t) => match(s, t));
    };
  };
  const first = values[0]!;
  const eq: Test = (v) => v !== null && wanted.has(norm(v)!);
  switch (c.op) {
    case 'eq':
    case 'cabinetmatchedrulesequals':
      return eq;
    case 'contains':
    case 'text':
      return text((s, t) => s.includes(t));
    case 'startswith':
    case 'startswithsingle':
      return text((s, t) => s.startsWith(t));
    case 'endswith':
      return text((s, t) => s.endsWith(t));
    case 'descendantof': {
      // The value itself exactly (like eq), anything under it without case.
      const under = text((s, t) => s.startsWith(`${t}/`));
      return (v) => eq(v) || under(v);
    }
    case 'gt':
      return (v) => v !== null && norm(v)! > first;
    case 'gte':
      return (v) => v !== null && norm(v)! >= first;
    case 'lt':
      return (v) => v !== null && norm(v)! < first;
    case 'lte':
      return (v) => v !== null && norm(v)! <= first;
    case 'range': {
      const ranges = c.values as TimeRange[];
      return (v) => v !== null && ranges.some((r) => (v as number) >= r.start && (v as number) <= r.end);
    }
    default:
      throw new Error(`operator ${c.op} has no positive form`);
  }
}

/** A condition over a scalar field (see compileScalar: the same truth table). */
function scalarTest(c: FilterCondition, fold: (s: string) => string): Test {
  if (c.op === 'isset') return (v) => v !== null;
  if (c.op === 'isnotset') return (v) => v === null;
  const negated = NEGATIONS[c.op];
  if (negated) {
    const p = scalarTest({ ...c, op: negated }, fold);
    return (v) => !p(v);
  }
  if (c.op === 'deq') {
    const eq = positive({ ...c, op: 'eq' }, fold);
    return (v) => v !== null && !eq(v);
  }
  const p = positive(c, fold);
  // `null` among the values of `eq` asks for "no value".
  if (c.op === 'eq' && c.values.includes(null)) return (v) => v === null || p(v);
  return p;
}

/** A condition over a list-valued field (see compileArray: the same truth table). */
function listTest(c: FilterCondition, fold: (s: string) => string): (vs: readonly ItemValue[]) => boolean {
  if (c.op === 'isset') return (vs) => vs.length > 0;
  if (c.op === 'isnotset') return (vs) => vs.length === 0;
  const negated = NEGATIONS[c.op];
  if (negated) {
    const p = positive({ ...c, op: negated }, fold);
    return (vs) => !vs.some(p);
  }
  if (c.op === 'deq') {
    const eq = positive({ ...c, op: 'eq' }, fold);
    return (vs) => vs.some((v) => !eq(v));
  }
  const p = positive(c, fold);
  // Only `eq` can ask for "no value" (null): an empty list.
  if (c.op === 'eq' && c.values.includes(null)) return (vs) => vs.length === 0 || vs.some(p);
  return (vs) => vs.some(p);
}

const same = (s: string) => s;

/**
 * Step 3 for lists computed in memory (reports): the validated conditions, AND-ed, as a predicate
 * over items. Operators mean what the SQL compiler makes them mean, so a filter selects the same
 * things whether a store or a report answers it.
 */
export function evaluateFilters<T>(conditions: FilterCondition[], fields: ItemFieldMap<T>): (item: T) => boolean {
  const tests = conditions.map((c) => {
    const field = Object.prototype.hasOwnProperty.call(fields, c.field) ? fields[c.field] : undefined;
    if (!field) throw new Error(`no item field for filter field ${c.field}`);
    const fold = field.fold ?? same;
    const scalar = scalarTest(c, fold);
    const list = listTest(c, fold);
    return (item: T) => {
      const v = field.read(item);
      return Array.isArray(v) ? list(v as readonly ItemValue[]) : scalar(v as ItemValue);
    };
  });
  return (item) => tests.every((t) => t(item));
}
