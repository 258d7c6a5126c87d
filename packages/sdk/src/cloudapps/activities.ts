import { LIST_LIMITS } from '@appwarden/protocol';
import type { ActivityFilters } from './filters.js';
import { filtersToWire } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions, type SortDirection } from './list-request.js';
import type { Activity } from './models.js';
import { pagedIterator, type ListEnvelope, type PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type ActivitySortField = 'date' | 'created';
export type ActivityListOptions = ListOptions<ActivityFilters, ActivitySortField>;

export interface ActivityScanOptions {
  filters?: ActivityFilters;
  /** Walk the date axis down (default) or up. */
  sortDirection?: SortDirection;
  /** Records per request: 500 to 5000 (default 500). */
  maxPageSize?: number;
  signal?: AbortSignal;
}

export interface ActivityFeedback {
  /** The docs' sample sends it as a string ("0"). */
  feedbackValue: string | number;
  feedbackText?: string;
  allowContact?: boolean;
  contactEmail?: string;
}

/** Activities: list, scan, get, feedback (reference §6.2). */
export class ActivitiesOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  /** Every matching activity by skip/limit paging (fine up to a few thousand records). */
  list(options: ActivityListOptions = {}): PagedAsyncIterableIterator<Activity> {
    return listBySkip<Activity>(this.pipeline, '/api/v1/activities/', options);
  }

  /**
   * Scan mode for large exports: each request sends the previous answer's `nextQueryFilters`, so
   * records neither repeat nor go missing while new ones arrive. The continuation token is that
   * filter object as JSON.
   */
  scan(options: ActivityScanOptions = {}): PagedAsyncIterableIterator<Activity> {
    const first = filtersToWire(options.filters);
    return pagedIterator<Activity>(
      async (settings) => {
        const filters = settings.continuationToken ? (JSON.parse(settings.continuationToken) as Record<string, unknown>) : first;
        const body: Record<string, unknown> = { filters, isScan: true, limit: settings.maxPageSize ?? LIST_LIMITS.scanDefault };
        if (options.sortDirection) body.sortDirection = options.sortDirection;
        const env = await this.pipeline.send<ListEnvelope<Activity>>({
          method: 'POST',
          url: '/api/v1/activities/',
          json: body,
          idempotent: true,
          ...withSignal(options.signal),
        });
        const next = env.hasNext && env.nextQueryFilters ? JSON.stringify(env.nextQueryFilters) : undefined;
        return {
          data: env.data,
          total: env.total ?? env.data.length,
          hasNext: env.hasNext,
          moreThanTotal: env.moreThanTotal ?? false,
          max: env.max ?? LIST_LIMITS.scanMax,
          ...(next !== undefined ? { continuationToken: next } : {}),
        };
      },
      options.maxPageSize !== undefined ? { maxPageSize: options.maxPageSize } : {},
    );
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<Activity> {
    return this.pipeline.send<Activity>({ method: 'GET', url: `/api/v1/activities/${enc(id)}/`, ...withSignal(options.signal) });
  }

  /** Feedback on an activity (the docs' path has no trailing slash). */
  async feedback(id: string, feedback: ActivityFeedback, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({
      method: 'POST',
      url: `/api/v1/activities/${enc(id)}/feedback`,
      json: feedback,
      idempotent: true,
      ...withSignal(options.signal),
    });
  }
}
