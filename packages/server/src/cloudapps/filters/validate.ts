import {
  FILTER_FIELDS,
  FILTER_OPERATOR_SPECS,
  type FilterFieldSpec,
  type FilterOperator,
  type FilterRegistryName,
  type FilterValueType,
} from '@appwarden/protocol';
import {
  DAY_MS,
  FILTER_LIMITS,
  FilterError,
  type EntityPk,
  type FilterCondition,
  type FilterValue,
  type ParsedCondition,
} from './model.js';

// Operand shapes come from protocol's one operator table, shared with the SDK and the CLI.
const opsWhere = (pred: (spec: (typeof FILTER_OPERATOR_SPECS)[FilterOperator]) => boolean) =>
  new Set((Object.keys(FILTER_OPERATOR_SPECS) as FilterOperator[]).filter((op) => pred(FILTER_OPERATOR_SPECS[op])));
const LIST_OPS = opsWhere((s) => s.operand === 'list');
const SINGLE_OPS = opsWhere((s) => s.operand === 'single');
const STRING_OPS = opsWhere((s) => s.text);

function bad(field: string, what: string, value: unknown): never {
  throw new FilterError(field, `${field}: ${what}`, value);
}

/** Pattern operators and ranges compile to OR chains: they get the smaller bound. */
const PATTERN_OPS = new Set<FilterOperator>([...STRING_OPS, 'range', 'descendantof', 'ndescendantof']);

function boundedList(field: string, op: FilterOperator, raw: unknown): unknown[] {
  const list = asList(raw);
  const max = PATTERN_OPS.has(op) ? FILTER_LIMITS.patternValues : FILTER_LIMITS.listValues;
  if (list.length > max) bad(field, `operator ${op} takes at most ${max} values (got ${list.length})`, null);
  return list;
}

function toInt(field: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isInteger(n)) bad(field, `'${String(v)}' is not a valid integer`, v);
  return n;
}

function toTimestamp(field: string, v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return Math.trunc(n);
    const d = Date.parse(v);
    if (Number.isFinite(d)) return d;
  }
  return bad(field, `'${String(v)}' is not a valid timestamp (epoch milliseconds)`, v);
}

function toBool(field: string, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'True' || v === 1 || v === '1') return true;
  if (v === 'false' || v === 'False' || v === 0 || v === '0') return false;
  return bad(field, `'${String(v)}' is not a valid boolean`, v);
}

function toString(field: string, v: unknown): string | null {
  if (v === null) return null;
  if (typeof v === 'string') {
    if (v.length > FILTER_LIMITS.valueLength) bad(field, `values are at most ${FILTER_LIMITS.valueLength} characters`, null);
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return bad(field, `${JSON.stringify(v)} is not a valid string value`, v);
}

function toEntityPk(field: string, v: unknown): EntityPk {
  if (typeof v === 'string' && v !== '') return { id: toString(field, v)! };
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id === '') bad(field, 'entity keys need an "id" string', v);
    const pk: EntityPk = { id: o.id };
    if (o.saas !== undefined && o.saas !== null) pk.saas = toInt(field, o.saas);
    if (o.inst !== undefined && o.inst !== null) pk.inst = toInt(field, o.inst);
    return pk;
  }
  return bad(field, `${JSON.stringify(v)} is not a valid entity key ({"id", "saas", "inst"})`, v);
}

function toEntityType(field: string, v: unknown): number {
  if (typeof v === 'string') {
    const s = v.toLowerCase();
    if (s === 'account') return 1;
    if (s === 'user') return 2;
  }
  const n = toInt(field, v);
  if (n !== 1 && n !== 2) bad(field, `'${String(v)}' is not an entity type (1 account, 2 user)`, v);
  return n;
}

/** One value of a field's type; `null` where the field can have "no value". */
function coerce(field: string, type: FilterValueType, op: FilterOperator, v: unknown): FilterValue | undefined {
  if (STRING_OPS.has(op)) {
    if (type === 'entityPk')
      return typeof v === 'object' && v !== null ? toEntityPk(field, v).id : (toString(field, v) ?? bad(field, 'null', v));
    const s = toString(field, v);
    if (s === null) bad(field, `operator ${op} needs a string`, v);
    return s;
  }
  switch (type) {
    case 'int':
      return v === null ? null : toInt(field, v);
    case 'timestamp':
      return toTimestamp(field, v);
    case 'bool':
      return toBool(field, v);
    case 'nullableBool':
      return v === null || v === 'null' ? null : toBool(field, v);
    case 'string':
      return toString(field, v);
    case 'tag':
      // [PS] prefixes user.tags lists with a role selector object ({"role":1,"adv":true}); ignore such members.
      if (v !== null && typeof v === 'object') return undefined;
      return toString(field, v);
    case 'entityPk':
      return toEntityPk(field, v);
    case 'entityType':
      return toEntityType(field, v);
  }
}

function asList(raw: unknown): unknown[] {
  return Array.isArray(raw) ? raw : [raw];
}

/**
 * Step 2: checks each (field, operator) against the resource's registry and normalises values:
 * a scalar where a list is expected is a one-element list, numbers may arrive as strings,
 * `isset: false` means `isnotset`, and relative day windows become absolute times.
 */
export function validateFilters(parsed: ParsedCondition[], resource: FilterRegistryName, now: number): FilterCondition[] {
  const registry = FILTER_FIELDS[resource];
  const out: FilterCondition[] = [];
  for (const p of parsed) {
    const spec: FilterFieldSpec | undefined = Object.prototype.hasOwnProperty.call(registry, p.field) ? registry[p.field] : undefined;
    if (!spec) throw new FilterError(p.field, `${p.field} is not a valid filter field for ${resource}`, p.field);
    const op = p.op as FilterOperator;
    if (!spec.operators.includes(op)) {
      throw new FilterError(p.field, `${p.field}: operator '${op}' is not supported (use ${spec.operators.join(', ')})`, p.raw);
    }
    out.push(validateOne(p.field, spec, op, p.raw, now));
  }
  return out;
}

function validateOne(field: string, spec: FilterFieldSpec, op: FilterOperator, raw: unknown, now: number): FilterCondition {
  if (op === 'isset' || op === 'isnotset') {
    const v = toBool(field, Array.isArray(raw) && raw.length === 1 ? raw[0] : raw);
    return { field, op: v === (op === 'isset') ? 'isset' : 'isnotset', values: [] };
  }
  if (op === 'gte_ndays' || op === 'lte_ndays') {
    const days = Number(Array.isArray(raw) && raw.length === 1 ? raw[0] : raw);
    if (!Number.isFinite(days)) bad(field, `${op} needs a number of days`, raw);
    return { field, op: op === 'gte_ndays' ? 'gte' : 'lte', values: [Math.trunc(now - days * DAY_MS)] };
  }
  if (op === 'range') {
    const ranges = boundedList(field, op, raw).map((r) => {
      if (!r || typeof r !== 'object' || Array.isArray(r)) bad(field, 'range needs objects {"start": ..., "end": ...}', raw);
      const o = r as Record<string, unknown>;
      const conv = (x: unknown) => (spec.type === 'timestamp' ? toTimestamp(field, x) : toInt(field, x));
      return { start: conv(o.start), end: conv(o.end) };
    });
    return { field, op, values: ranges };
  }
  if (SINGLE_OPS.has(op)) {
    let v = raw;
    if (Array.isArray(raw)) {
      if (raw.length !== 1) bad(field, `operator ${op} takes a single value`, raw);
      v = raw[0];
    }
    const c = coerce(field, spec.type, op, v);
    if (c === undefined || c === null) bad(field, `operator ${op} needs a value`, raw);
    return { field, op, values: [c] };
  }
  if (LIST_OPS.has(op)) {
    // An entity key sent as a bare object ({"eq": {"id": ...}}) is one key, not a map.
    const values = boundedList(field, op, raw)
      .map((v) => coerce(field, spec.type, op, v))
      .filter((v): v is FilterValue => v !== undefined);
    return { field, op, values };
  }
  return bad(field, `operator ${op} is not supported`, raw);
}
