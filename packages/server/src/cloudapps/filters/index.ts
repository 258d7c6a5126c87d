import type { FilterResource } from '@appwarden/protocol';
import { invalidParameter } from '../errors.js';
import { FilterError, type FilterCondition } from './model.js';
import { parseFilters } from './parse.js';
import { validateFilters } from './validate.js';

/** parse -> validate, with filter errors turned into the API's 400 naming the field. */
export function readFilters(input: unknown, resource: FilterResource, now: number): FilterCondition[] {
  try {
    return validateFilters(parseFilters(input), resource, now);
  } catch (e) {
    if (e instanceof FilterError) throw invalidParameter('filters', e.message, e.value);
    throw e;
  }
}

export { FilterError, type EntityPk, type FilterCondition, type FilterValue } from './model.js';
