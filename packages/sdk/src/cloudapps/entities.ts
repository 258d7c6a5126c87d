import type { EntityFilters, EntityKey } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions } from './list-request.js';
import type { Entity, EntityTree } from './models.js';
import type { PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type EntitySortField = 'displayName' | 'username' | 'lastSeen' | 'score' | 'date' | 'severity';
export type EntityListOptions = ListOptions<EntityFilters, EntitySortField>;

/**
 * The path key of an entity: base64 of the compact JSON `{"id","saas","inst"}` (reference §6.3).
 * A string is taken as an already encoded key (or a 24-hex `_id`, which Appwarden also accepts).
 */
export function entityPathKey(key: string | EntityKey): string {
  if (typeof key === 'string') return key;
  const json = JSON.stringify({
    id: key.id,
    ...(key.saas !== undefined ? { saas: key.saas } : {}),
    ...(key.inst !== undefined ? { inst: key.inst } : {}),
  });
  const bytes = new TextEncoder().encode(json);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Entities (users and accounts): list, get, tree (reference §6.3). */
export class EntitiesOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  list(options: EntityListOptions = {}): PagedAsyncIterableIterator<Entity> {
    return listBySkip<Entity>(this.pipeline, '/api/v1/entities/', options);
  }

  get(key: string | EntityKey, options: { signal?: AbortSignal } = {}): Promise<Entity> {
    return this.pipeline.send<Entity>({
      method: 'GET',
      url: `/api/v1/entities/${enc(entityPathKey(key))}/`,
      ...withSignal(options.signal),
    });
  }

  /** A user with its accounts, or an account with its user and sibling accounts. */
  tree(key: string | EntityKey, options: { signal?: AbortSignal } = {}): Promise<EntityTree> {
    return this.pipeline.send<EntityTree>({
      method: 'GET',
      url: `/api/v1/entities/${enc(entityPathKey(key))}/retrieve_tree/`,
      ...withSignal(options.signal),
    });
  }
}
