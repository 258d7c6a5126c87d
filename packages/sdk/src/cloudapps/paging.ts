/** Paging as the Azure SDKs do it: an async iterable of items with `.byPage()`. */

export interface PageSettings {
  /** Resume where an earlier page left off (its `continuationToken`). */
  continuationToken?: string;
  /** Records per request (the server caps it: 100 for lists, 500–5000 for activity scans). */
  maxPageSize?: number;
}

/** One page: the list envelope of the API plus the token that fetches the next page. */
export interface ListPage<T> {
  data: T[];
  /** Records matching the filters (a lower bound when `moreThanTotal`). */
  total: number;
  hasNext: boolean;
  moreThanTotal: boolean;
  /** Largest page the server allows for this request. */
  max: number;
  /** Pass to `byPage({ continuationToken })` to continue; absent on the last page. */
  continuationToken?: string;
}

export interface PagedAsyncIterableIterator<T, PageT = ListPage<T>, Settings = PageSettings> {
  next(): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<T, PageT, Settings>;
  byPage(settings?: Settings): AsyncIterableIterator<PageT>;
}

/** The list envelope as it comes off the wire. */
export interface ListEnvelope<T> {
  data: T[];
  hasNext: boolean;
  total?: number;
  max?: number;
  moreThanTotal?: boolean;
  nextQueryFilters?: Record<string, unknown>;
}

/** Builds the iterator from a function that fetches one page for given settings. */
export function pagedIterator<T>(
  fetchPage: (settings: PageSettings) => Promise<ListPage<T>>,
  defaults: PageSettings = {},
): PagedAsyncIterableIterator<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<ListPage<T>> {
    let token = settings.continuationToken ?? defaults.continuationToken;
    const maxPageSize = settings.maxPageSize ?? defaults.maxPageSize;
    for (;;) {
      const page = await fetchPage({
        ...(token !== undefined ? { continuationToken: token } : {}),
        ...(maxPageSize !== undefined ? { maxPageSize } : {}),
      });
      yield page;
      if (page.continuationToken === undefined) return;
      token = page.continuationToken;
    }
  }
  async function* items(): AsyncIterableIterator<T> {
    for await (const page of pages()) yield* page.data;
  }
  const iter = items();
  const paged: PagedAsyncIterableIterator<T> = {
    next: () => iter.next(),
    [Symbol.asyncIterator]: () => paged,
    byPage: (settings?: PageSettings) => pages(settings),
  };
  return paged;
}

/** Page of a skip/limit list: the next skip is the continuation token. */
export function skipPage<T>(env: ListEnvelope<T>, skip: number): ListPage<T> {
  const next = skip + env.data.length;
  const more = env.hasNext && env.data.length > 0;
  return {
    data: env.data,
    total: env.total ?? next,
    hasNext: env.hasNext,
    moreThanTotal: env.moreThanTotal ?? false,
    max: env.max ?? env.data.length,
    ...(more ? { continuationToken: String(next) } : {}),
  };
}

export function skipFromToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number(token);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`invalid continuation token '${token}'`);
  return n;
}
