import type { SubnetFilters } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions } from './list-request.js';
import type { Subnet, SubnetInput } from './models.js';
import type { PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type SubnetSortField = 'category' | 'tags' | 'name';
export type SubnetListOptions = ListOptions<SubnetFilters, SubnetSortField>;

/** IP address ranges (the "subnet" data-enrichment API, reference §6.5). */
export class SubnetsOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  list(options: SubnetListOptions = {}): PagedAsyncIterableIterator<Subnet> {
    return listBySkip<Subnet>(this.pipeline, '/api/v1/subnet/', options);
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<Subnet> {
    return this.pipeline.send<Subnet>({ method: 'GET', url: `/api/v1/subnet/${enc(id)}/`, ...withSignal(options.signal) });
  }

  /** Creates a range; resolves to its new id. Not retried after a 5xx: it could create it twice. */
  async create(input: SubnetInput, options: { signal?: AbortSignal } = {}): Promise<string> {
    const id = await this.pipeline.send<unknown>({
      method: 'POST',
      url: '/api/v1/subnet/create_rule/',
      json: input,
      idempotent: false,
      ...withSignal(options.signal),
    });
    return typeof id === 'string' ? id : String((id as { _id?: string; id?: string })?._id ?? (id as { id?: string })?.id ?? id);
  }

  /** Replaces a range: omitted optional fields become empty, as the API documents. */
  async update(id: string, input: SubnetInput, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({
      method: 'POST',
      url: `/api/v1/subnet/${enc(id)}/update_rule/`,
      json: input,
      idempotent: true,
      ...withSignal(options.signal),
    });
  }

  async delete(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({ method: 'DELETE', url: `/api/v1/subnet/${enc(id)}/`, ...withSignal(options.signal) });
  }
}
