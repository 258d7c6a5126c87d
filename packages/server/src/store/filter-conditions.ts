import type { FilterOperator } from '@appwarden/protocol';

// The validated filter model: what the API layer's parse -> validate produces and what the stores
// compile to SQL. It sits here, beside the store interfaces that take it, so that the stores need
// nothing from the API layer.

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

/**
 * One validated condition. Values are normalised to lists of the field's type; `isset: false` became
 * `isnotset`, `gte_ndays`/`lte_ndays` became absolute `gte`/`lte` timestamps, so that compiling is pure.
 */
export interface FilterCondition {
  field: string;
  op: FilterOperator;
  values: FilterValue[];
}
