import { FILTER_FIELDS, FILTER_OPERATOR_SPECS, type FilterOperator, type FilterRegistryName } from '@appwarden/protocol';
import { UsageError } from './connection.js';

/** `field<op>value` shorthands of --filter, longest first. */
const SHORTHANDS: [string, FilterOperator][] = [
  ['>=', 'gte'],
  ['<=', 'lte'],
  ['!=', 'neq'],
  ['!~', 'ncontains'],
  ['^=', 'startswith'],
  ['$=', 'endswith'],
  ['=', 'eq'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['~', 'contains'],
];

function toTime(field: string, v: string): number {
  if (/^\d+$/.test(v)) return Number(v);
  // A bare date means midnight UTC, as in the portal's date pickers exported to UTC.
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (!Number.isFinite(t)) throw new UsageError(`--filter ${field}: '${v}' is not a date (YYYY-MM-DD, ISO-8601 or epoch ms)`);
  return t;
}

function coerce(field: string, type: string, op: FilterOperator, raw: string): unknown {
  const { operand, text } = FILTER_OPERATOR_SPECS[op];
  if (operand === 'days') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new UsageError(`--filter ${field}: ${op} takes a number of days`);
    return n;
  }
  if (operand === 'flag') return raw === '' || raw === 'true';
  if (text) return raw;
  switch (type) {
    case 'int': {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new UsageError(`--filter ${field}: '${raw}' is not an integer`);
      return n;
    }
    case 'bool':
    case 'nullableBool':
      if (raw === 'true' || raw === 'false') return raw === 'true';
      if (type === 'nullableBool' && raw === 'null') return null;
      throw new UsageError(`--filter ${field}: '${raw}' is not true or false`);
    case 'timestamp':
      return toTime(field, raw);
    case 'entityType':
      return /^\d+$/.test(raw) ? Number(raw) : raw;
    case 'entityPk': {
      // id or id:saas:inst
      const [id, saas, inst] = raw.split(':');
      return { id, ...(saas ? { saas: Number(saas) } : {}), ...(inst ? { inst: Number(inst) } : {}) };
    }
    default:
      return raw;
  }
}

function closest(word: string, options: string[]): string | undefined {
  const dist = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  const best = options.map((o) => [o, dist(word.toLowerCase(), o.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 3 ? best[0] : undefined;
}

/**
 * Parses --filter expressions against the protocol's field registry of a resource:
 * `severity=2`, `severity=1,2`, `date>=2026-01-01`, `ip.address^=10.`, `user.username~admin`,
 * `date:gte_ndays=7`, `location.country:isset`, `date=2026-01-01..2026-02-01` (range).
 */
export function parseFilterExpressions(resource: FilterRegistryName, expressions: string[], raw?: string): Record<string, unknown> {
  const registry = FILTER_FIELDS[resource];
  let out: Record<string, Record<string, unknown>> = {};
  if (raw) {
    try {
      out = JSON.parse(raw) as Record<string, Record<string, unknown>>;
    } catch (e) {
      throw new UsageError(`--filters is not JSON: ${(e as Error).message}`);
    }
  }
  for (const expr of expressions) {
    let field: string;
    let op: FilterOperator;
    let value: string;
    const explicit = /^([A-Za-z0-9_.]+):([a-z_]+)(?:=(.*))?$/s.exec(expr);
    if (explicit) {
      field = explicit[1]!;
      op = explicit[2] as FilterOperator;
      value = explicit[3] ?? '';
    } else {
      const m = /^([A-Za-z0-9_.]+)\s*(>=|<=|!=|!~|\^=|\$=|=|>|<|~)(.*)$/s.exec(expr);
      if (!m) throw new UsageError(`--filter '${expr}': expected field<op>value, e.g. severity=2 or date>=2026-01-01`);
      field = m[1]!;
      op = SHORTHANDS.find(([s]) => s === m[2])![1];
      value = m[3]!.trim();
    }
    const spec = registry[field];
    if (!spec) {
      const hint = closest(field, Object.keys(registry));
      throw new UsageError(`--filter: ${resource} have no field '${field}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
    let values: unknown;
    if (op === 'eq' && spec.operators.includes('range') && value.includes('..')) {
      const [start, end] = value.split('..');
      op = 'range';
      values = [{ start: coerce(field, spec.type, op, start!), end: coerce(field, spec.type, op, end!) }];
    } else if (!spec.operators.includes(op)) {
      throw new UsageError(`--filter: '${field}' does not support ${op}; it supports ${spec.operators.join(', ')}`);
    } else if (FILTER_OPERATOR_SPECS[op].operand === 'list') {
      values = value.split(',').map((v) => coerce(field, spec.type, op, v.trim()));
    } else {
      values = coerce(field, spec.type, op, value);
    }
    out[field] = { ...(out[field] ?? {}), [op]: values };
  }
  return out;
}
