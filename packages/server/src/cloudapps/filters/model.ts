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
