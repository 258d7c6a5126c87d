import { FILTER_OPERATORS } from '@appwarden/protocol';
import { parseBoundedJson } from '../../http/json-limits.js';
import { clipped } from '../request-params.js';
import { FilterError, type ParsedCondition } from './model.js';

const OPERATORS = new Set<string>(FILTER_OPERATORS);

/**
 * Step 1: the `filters` parameter as sent — an object (JSON body) or a JSON string (query string,
 * form) — into a flat list of (field, operator, raw value). Absent, null, "" and {} mean no filter.
 */
export function parseFilters(input: unknown): ParsedCondition[] {
  let filters = input;
  if (filters === undefined || filters === null || filters === '') return [];
  if (typeof filters === 'string') {
    const text = filters;
    filters = parseBoundedJson(text, (why) => new FilterError('filters', `filters is ${why}`, clipped(text)));
    if (filters === null) return [];
  }
  if (typeof filters !== 'object' || Array.isArray(filters)) throw new FilterError('filters', 'filters must be an object', input);
  const out: ParsedCondition[] = [];
  for (const [field, ops] of Object.entries(filters as Record<string, unknown>)) {
    if (ops === null || typeof ops !== 'object' || Array.isArray(ops)) {
      throw new FilterError(field, `${field}: expected an object of operators such as {"eq": [...]}`, ops);
    }
    for (const [op, raw] of Object.entries(ops as Record<string, unknown>)) {
      if (!OPERATORS.has(op)) throw new FilterError(field, `${field}: unknown operator '${op}'`, raw);
      out.push({ field, op, raw });
    }
  }
  return out;
}
