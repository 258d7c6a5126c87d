import type { Clock } from '../identity/clock.js';

const WINDOW_MS = 60_000;

export type ThrottleResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Requests per tenant per minute, like the real service (30/min by default). Fixed one-minute
 * windows aligned on the clock: a client that waits for Retry-After always gets through.
 * TODO(issue 6): keep the counters in PostgreSQL when several processes share a database.
 */
export class TenantRateLimiter {
  private readonly windows = new Map<string, { window: number; count: number }>();

  constructor(private readonly clock: Clock) {}

  take(tenantId: string, limitPerMinute: number): ThrottleResult {
    if (limitPerMinute <= 0) return { allowed: true };
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    let w = this.windows.get(tenantId);
    if (!w || w.window !== window) {
      w = { window, count: 0 };
      this.windows.set(tenantId, w);
    }
    if (w.count >= limitPerMinute) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000)) };
    }
    w.count += 1;
    return { allowed: true };
  }
}
