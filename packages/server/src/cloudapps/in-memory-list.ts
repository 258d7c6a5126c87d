// Lists a route builds in memory (IP ranges, policies: a tenant holds few of them): the paging and
// sort parameters of every Cloud Apps list, read once, and the page cut from the sorted items.
import { LIST_LIMITS } from '@appwarden/protocol';
import { invalidParameter } from './errors.js';
import { intParam, skipParam, stringParam } from './request-params.js';

export interface InMemoryListParams<Field extends string> {
  skip: number;
  limit: number;
  sortField: Field;
  direction: 'asc' | 'desc';
}

/** skip, limit (1..max), sortField (one of `fields`, default the first) and sortDirection (asc|desc). */
export function readInMemoryListParams<Field extends string>(
  p: Record<string, unknown>,
  fields: readonly Field[],
): InMemoryListParams<Field> {
  const skip = skipParam(p);
  const limit = Math.min(Math.max(intParam(p, 'limit', LIST_LIMITS.defaultLimit), 1), LIST_LIMITS.maxLimit);
  const sortField = stringParam(p, 'sortField') ?? fields[0]!;
  if (!(fields as readonly string[]).includes(sortField)) {
    throw invalidParameter('sortField', `sortField must be one of ${fields.join(', ')}`, sortField);
  }
  const direction = (stringParam(p, 'sortDirection') ?? 'asc').toLowerCase();
  if (direction !== 'asc' && direction !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', direction);
  return { skip, limit, sortField: sortField as Field, direction };
}

/** The page of `all` sorted by `key`, ties broken by id so that pages never overlap; the list envelope. */
export function inMemoryPage<T extends { _id: string }>(
  all: T[],
  key: (item: T) => string | number,
  { skip, limit, direction }: InMemoryListParams<string>,
) {
  const sign = direction === 'asc' ? 1 : -1;
  all.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : a._id < b._id ? -1 : 1) * sign;
  });
  const data = all.slice(skip, skip + limit);
  return { data, hasNext: skip + data.length < all.length, max: LIST_LIMITS.maxLimit, total: all.length, moreThanTotal: false };
}
