import type { Clock } from '../clock.js';
import type { CounterStore } from '../store/interfaces.js';

const WINDOW_MS = 60_000;

export type ThrottleResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per tenant per minute, like the real service (30/min by default). Fixed one-minute
 * windows aligned on the clock: a client that waits for Retry-After always gets through. The
 * counters are shared by every process of the installation (see CounterStore); a refused request
 * counts too, which changes nothing: the window is over the limit either way.
 */
export class TenantRateLimiter {
  constructor(
    private readonly clock: Clock,
    private readonly counters: CounterStore,
  ) {}

  async take(tenantId: string, limitPerMinute: number): Promise<ThrottleResult> {
    if (limitPerMinute <= 0) return { allowed: true };
    const now = this.clock.now();
    const count = await this.counters.hit(`ca-rate:${tenantId}`, WINDOW_MS, now);
    if (count > limitPerMinute) {
      const end = (Math.floor(now / WINDOW_MS) + 1) * WINDOW_MS;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((end - now) / 1000)) };
    }
    return { allowed: true };
  }
}
