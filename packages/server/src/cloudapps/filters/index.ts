import type { FilterRegistryName } from '@appwarden/protocol';
import type { FilterCondition } from './model.js';
import { parseFilters } from './parse.js';
import { validateFilters } from './validate.js';

/** parse -> validate; a FilterError is already the API's 400 about `filters`, naming the field. */
export function readFilters(input: unknown, resource: FilterRegistryName, now: number): FilterCondition[] {
  return validateFilters(parseFilters(input), resource, now);
}

export { FilterError, type EntityPk, type FilterCondition, type FilterValue } from './model.js';
