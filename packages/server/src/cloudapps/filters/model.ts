import type { FilterOperator } from '@appwarden/protocol';
import { InvalidInput } from '../../http/errors.js';

/** `{id, saas, inst}`: the primary key of a user or account entity. */
export interface EntityPk {
  id: string;
  saas?: number;
  inst?: number;
}

export interface TimeRange {
  start: number;
  end: number;
}

export type FilterValue = string | number | boolean | null | EntityPk | TimeRange;

/** One raw operator on one field, as the client sent it. */
export interface ParsedCondition {
  field: string;
  op: string;
  raw: unknown;
}

/**
 * One validated condition. Values are normalised to lists of the field's type; `isset: false` became
 * `isnotset`, `gte_ndays`/`lte_ndays` became absolute `gte`/`lte` timestamps, so that compiling is pure.
 */
export interface FilterCondition {
  field: string;
  op: FilterOperator;
  values: FilterValue[];
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
