import { LIST_LIMITS, SORT_FIELDS, type FilterResource } from '@appwarden/protocol';
import type { ListPage, ListQuery } from '../store/interfaces.js';
import { invalidParameter } from './errors.js';
import { readFilters } from './filters/index.js';
import { intParam, stringParam } from './request-params.js';
import { RawJson } from './route-definition.js';

export interface ListRequest extends ListQuery {
  /** Largest page this request may get: 100, or 5000 in activity scan mode. */
  max: number;
}

/** skip, limit (clamped), sortField, sortDirection and filters of a list request. */
export function readListRequest(params: Record<string, unknown>, resource: FilterResource, now: number, scan = false): ListRequest {
  const sorts = SORT_FIELDS[resource];
  const skip = intParam(params, 'skip', 0);
  if (skip < 0) throw invalidParameter('skip', 'skip must not be negative', skip);
  const max = scan ? LIST_LIMITS.scanMax : LIST_LIMITS.maxLimit;
  const requested = intParam(params, 'limit', scan ? LIST_LIMITS.scanDefault : LIST_LIMITS.defaultLimit);
  const limit = scan ? Math.min(Math.max(requested, LIST_LIMITS.scanMin), max) : Math.min(Math.max(requested, 1), max);
  const sortField = stringParam(params, 'sortField') ?? (scan ? 'date' : sorts.default);
  if (!sorts.fields.includes(sortField)) {
    throw invalidParameter('sortField', `sortField must be one of ${sorts.fields.join(', ')}`, sortField);
  }
  const dir = (stringParam(params, 'sortDirection') ?? sorts.direction).toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', dir);
  return { conditions: readFilters(params.filters, resource, now), sortField, sortDirection: dir, skip, limit, max };
}

/** The list envelope, keys in the published order. */
export function envelope<Row>(page: ListPage<Row>, max: number, data: unknown[]) {
  return { data, hasNext: page.hasNext, max, total: page.total, moreThanTotal: page.moreThanTotal };
}

/**
 * The envelope around items given as pieces of JSON (text or UTF-8 bytes, commas included by the
 * caller), written into one buffer: stored documents read as bytes go out without being decoded
 * into strings and encoded again.
 */
export function envelopeBytes<Row>(page: ListPage<Row>, max: number, pieces: (string | Uint8Array)[]): RawJson {
  const head = '{"data":[';
  const tail = `],"hasNext":${page.hasNext},"max":${max},"total":${page.total},"moreThanTotal":${page.moreThanTotal}}`;
  let size = head.length + tail.length;
  for (const p of pieces) size += typeof p === 'string' ? Buffer.byteLength(p) : p.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head, 0, 'latin1');
  for (const p of pieces) {
    if (typeof p === 'string') at += out.write(p, at);
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  out.write(tail, at, 'latin1');
  return new RawJson(out);
}

/** The envelope around items that are already JSON text. */
export function envelopeText<Row>(page: ListPage<Row>, max: number, items: string[], extra = ''): RawJson {
  return new RawJson(
    `{"data":[${items.join(',')}],"hasNext":${page.hasNext},"max":${max},"total":${page.total},"moreThanTotal":${page.moreThanTotal}${extra}}`,
  );
}
