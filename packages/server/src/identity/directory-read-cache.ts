/** Upper bound on cached lookups; past it the cache starts over (unknown client ids must not grow memory). */
const MAX_ENTRIES = 10_000;

/**
 * Memoises directory reads on the token endpoint's hot path (client application, service
 * principals, secrets, resource, role assignments) until the database changes. Every entry is
 * dropped as soon as `Stores.changeStamp()` moves, so a token request never sees data older than
 * the last committed write: a removed secret, a disabled service principal or a revoked role takes
 * effect on the next request, as without the cache. Entries are frozen because they are shared
 * between requests.
 */
export class DirectoryReadCache {
  private stamp: string | undefined;
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly changeStamp: () => string) {}

  async get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const stamp = this.changeStamp();
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
    }
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = await load();
    // Kept only if nothing was written while it loaded; otherwise it may already be stale.
    if (this.changeStamp() === stamp && this.stamp === stamp) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
      this.entries.set(key, deepFreeze(value));
    }
    return value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
