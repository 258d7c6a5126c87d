import { Redis } from 'ioredis';
import type { CounterStore } from '../interfaces.js';

/**
 * Counters in Redis (REDIS_URL): INCR and PEXPIRE in one MULTI per hit, keyed by name and window.
 * Keys outlive their window by one window (wall-clock TTL) and then vanish on their own.
 */
export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly redis: Redis;

  constructor(url: string, prefix = 'appwarden:') {
    // Fail fast rather than queue commands while Redis is away: a request must not hang on a counter.
    this.redis = new Redis(url, { keyPrefix: prefix, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  }

  async connect(): Promise<this> {
    await this.redis.connect();
    return this;
  }

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const k = `${key}@${Math.floor(now / windowMs)}`;
    const r = await this.redis
      .multi()
      .incr(k)
      .pexpire(k, 2 * windowMs)
      .exec();
    const [err, count] = r?.[0] ?? [new Error('redis transaction aborted'), 0];
    if (err) throw err;
    return Number(count);
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    return Number((await this.redis.get(`${key}@${Math.floor(now / windowMs)}`)) ?? 0);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
