import { filtersToWire } from './filters.js';
import { pagedIterator, skipFromToken, skipPage, type ListEnvelope, type PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type SortDirection = 'asc' | 'desc';

/** Options of every list call. */
export interface ListOptions<F, S extends string = string> {
  filters?: F;
  sortField?: S;
  sortDirection?: SortDirection;
  /** Records per request (the server caps it at 100). */
  maxPageSize?: number;
  signal?: AbortSignal;
}

/** A skip/limit list (POST with a JSON body, as most clients send it), paged by `skip`. */
export function listBySkip<T>(
  pipeline: RequestPipeline,
  path: string,
  options: ListOptions<object, string>,
  extraBody: Record<string, unknown> = {},
): PagedAsyncIterableIterator<T> {
  const base: Record<string, unknown> = { ...extraBody, filters: filtersToWire(options.filters) };
  if (options.sortField) base.sortField = options.sortField;
  if (options.sortDirection) base.sortDirection = options.sortDirection;
  return pagedIterator<T>(
    async (settings) => {
      const skip = skipFromToken(settings.continuationToken);
      const env = await pipeline.send<ListEnvelope<T>>({
        method: 'POST',
        url: path,
        json: { ...base, skip, limit: settings.maxPageSize ?? 100 },
        idempotent: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return skipPage(env, skip);
    },
    options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {},
  );
}

export const enc = encodeURIComponent;

/** `{ signal }` only when there is one (exactOptionalPropertyTypes-friendly spreading). */
export function withSignal(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
