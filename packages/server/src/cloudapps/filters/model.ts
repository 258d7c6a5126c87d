export type { EntityPk, FilterCondition, FilterValue, TimeRange } from '../../store/filter-conditions.js';

/** One raw operator on one field, as the client sent it. */
export interface ParsedCondition {
  field: string;
  op: string;
  raw: unknown;
}

/** A filter error names the offending field; the route turns it into a 400 keyed by `filters`. */
export class FilterError extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly value?: unknown,
  ) {
    super(message);
  }
}

export const DAY_MS = 86_400_000;
