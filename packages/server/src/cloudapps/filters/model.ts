import { InvalidInput } from '../../http/errors.js';
export type { EntityPk, FilterCondition, FilterValue, TimeRange } from '../../store/filter-conditions.js';

/** One raw operator on one field, as the client sent it. */
export interface ParsedCondition {
  field: string;
  op: string;
  raw: unknown;
}

/** A filter error names the offending field; it is a 400 about the `filters` parameter. */
export class FilterError extends InvalidInput {
  constructor(
    readonly field: string,
    message: string,
    value?: unknown,
  ) {
    super(message, 'filters', value);
  }
}

export const DAY_MS = 86_400_000;

/**
 * Bounds on one filter (docs/configuration.md, "Request limits"). Each value of a pattern operator
 * (`startswith`, `contains`, …) and each `range` becomes one term of an OR chain, which SQLite
 * refuses past 1000 levels of expression depth; `eq` lists become one IN list of bound
 * parameters, which both databases cap (32 766 and 65 535). Past these a 400, never a 500.
 */
export const FILTER_LIMITS = {
  /** Values of one list operator such as `eq`, `neq`, `deq`. */
  listValues: 1000,
  /** Values of one pattern operator (`startswith`, `contains`, `endswith`, `descendantof`, …) or ranges of one `range`. */
  patternValues: 100,
  /** Characters of one string value. */
  valueLength: 4096,
} as const;
