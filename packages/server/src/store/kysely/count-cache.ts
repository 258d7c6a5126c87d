/** Most capped counts remembered (the cache is emptied when it is full). */
const MAX_CACHED_COUNTS = 1000;

/**
 * Capped list totals by query, valid while the change feed's data stamp stays put: it moves on
 * every write of this process and on every commit of another one, so a cached total is always the
 * total a fresh count would give. Paging through one filter (same WHERE, another `skip`) counts once.
 */
export class CountCache {
  private stamp: string | undefined;
  private readonly entries = new Map<string, number>();

  constructor(private readonly changeStamp: () => string) {}

  async get(key: string, load: () => Promise<number>): Promise<number> {
    const stamp = this.changeStamp();
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
    } else {
      const hit = this.entries.get(key);
      if (hit !== undefined) return hit;
    }
    const n = await load();
    if (this.changeStamp() === stamp && this.stamp === stamp) {
      if (this.entries.size >= MAX_CACHED_COUNTS) this.entries.clear();
      this.entries.set(key, n);
    }
    return n;
  }
}
