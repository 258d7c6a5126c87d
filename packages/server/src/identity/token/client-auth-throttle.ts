import { EntraError } from '../../http/errors.js';
import type { CounterStore } from '../../store/interfaces.js';
import type { Clock } from '../../clock.js';

const WINDOW_MS = 60_000;
/**
 * How long this process trusts a count it read from shared counters. Bounds what a lockout
 * costs the token path (one counter read per client per second, not per request) and how late
 * another process's failures lock a client out here: at most this long.
 */
const PEEK_TTL_MS = 1_000;

/**
 * Brute-force protection on client authentication: more than `limit` failed attempts for one
 * client in one tenant within a clock minute lock that client out until the minute is over (429
 * with Retry-After). Successful attempts do not reset the window, so guessing stays bounded. The
 * counters are shared by every process of the installation (see CounterStore); this process's
 * own failures are seen at once, other processes' within PEEK_TTL_MS.
 */
export class ClientAuthThrottle {
  private readonly seen = new Map<string, { at: number; window: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly counters: CounterStore,
  ) {}

  private key(tenantId: string, clientId: string) {
    return `client-auth:${tenantId}/${clientId.toLowerCase()}`;
  }

  /** Throws when the client is locked out. */
  async check(tenantId: string, clientId: string): Promise<void> {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    const k = this.key(tenantId, clientId);
    let failures: number;
    const s = this.seen.get(k);
    if (this.counters.kind === 'sqlite') {
      failures = await this.counters.peek(k, WINDOW_MS, now);
    } else if (s && s.window === window && now >= s.at && now - s.at < PEEK_TTL_MS) {
      failures = s.failures;
    } else {
      failures = await this.counters.peek(k, WINDOW_MS, now);
      this.remember(k, { at: now, window, failures }, now);
    }
    if (failures >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * WINDOW_MS - now) / 1000));
      throw new EntraError('tooManyFailedAttempts', { retryAfter }, `client ${clientId} locked out`, { 'Retry-After': String(retryAfter) });
    }
  }

  async recordFailure(tenantId: string, clientId: string): Promise<void> {
    const now = this.clock.now();
    const k = this.key(tenantId, clientId);
    const failures = await this.counters.hit(k, WINDOW_MS, now);
    this.remember(k, { at: now, window: Math.floor(now / WINDOW_MS), failures }, now);
  }

  private remember(k: string, s: { at: number; window: number; failures: number }, now: number): void {
    if (this.seen.size > 10_000) {
      for (const [key, v] of this.seen) if (now - v.at >= PEEK_TTL_MS) this.seen.delete(key);
    }
    this.seen.set(k, s);
  }
}
