import type { PolicyFilters } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions } from './list-request.js';
import type { Policy } from './models.js';
import type { PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type PolicySortField = 'name' | 'severity' | 'created' | 'policyType';
export type PolicyListOptions = ListOptions<PolicyFilters, PolicySortField>;

/**
 * Policies through the API that Microsoft does not document but clients use (under `/cas/api/v1/`,
 * where the real service serves it): list, read one, switch one off.
 */
export class PoliciesOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  list(options: PolicyListOptions = {}): PagedAsyncIterableIterator<Policy> {
    return listBySkip<Policy>(this.pipeline, '/cas/api/v1/policies/', options);
  }

  /** One policy; with `policyType`, through `policies/<policyType>/<id>/` (a policy of another type is a 404 there). */
  get(id: string, options: { policyType?: string; signal?: AbortSignal } = {}): Promise<Policy> {
    const path = options.policyType ? `${enc(options.policyType)}/${enc(id)}` : enc(id);
    return this.pipeline.send<Policy>({ method: 'GET', url: `/cas/api/v1/policies/${path}/`, ...withSignal(options.signal) });
  }

  /** Switches a policy off (idempotent); resolves to the policy as it now is. */
  disable(id: string, options: { signal?: AbortSignal } = {}): Promise<Policy> {
    return this.pipeline.send<Policy>({
      method: 'POST',
      url: `/cas/api/v1/policies/${enc(id)}/disable/`,
      idempotent: true,
      ...withSignal(options.signal),
    });
  }
}
