import { LIST_LIMITS } from '@appwarden/protocol';
import { invalidParameter } from '../errors.js';
import { intParam, stringParam, skipParam } from '../request-params.js';

/**
 * Paging and sorting of the discovery lists, which are computed in memory (reports) or short
 * (data sources, upload jobs), unlike the stored lists of list-envelope.ts.
 */

export function pageParams(p: Record<string, unknown>): { skip: number; limit: number } {
  const skip = skipParam(p);
  const limit = Math.min(Math.max(intParam(p, 'limit', LIST_LIMITS.defaultLimit), 1), LIST_LIMITS.maxLimit);
  return { skip, limit };
}

export function sortDirection(p: Record<string, unknown>, fallback: 'asc' | 'desc'): 1 | -1 {
  const dir = (stringParam(p, 'sortDirection') ?? fallback).toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', dir);
  return dir === 'asc' ? 1 : -1;
}

/** Sorts in place by `key` in the direction `sign`; equal keys keep a stable order by `tie`. */
export function sortBy<T>(items: T[], key: (x: T) => number | string, sign: 1 | -1, tie: (x: T) => number | string): T[] {
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    const s = tie(a);
    const t = tie(b);
    return s < t ? -1 : s > t ? 1 : 0;
  });
}

/** One page of a whole list, in the list envelope (the total is exact). */
export function pageOf<T, R = T>(items: readonly T[], skip: number, limit: number, render?: (x: T) => R) {
  const page = items.slice(skip, skip + limit);
  const data = render ? page.map(render) : (page as unknown as R[]);
  return { data, hasNext: skip + data.length < items.length, max: LIST_LIMITS.maxLimit, total: items.length, moreThanTotal: false };
}
