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
 * The part of a caller's address that failures are counted against: the whole IPv4 address, the
 * /64 prefix of an IPv6 one (one host usually owns a /64, so counting single v6 addresses would
 * let it rotate past the lockout).
 */
export function lockoutSource(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1]!;
  const [head] = address.toLowerCase().split('%');
  const halves = head!.split('::');
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length > 1 ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Brute-force protection on client authentication: more than `limit` failed attempts for one
 * client in one tenant from one source (see lockoutSource) within a clock minute lock that source
 * out for that client until the minute is over (429 with Retry-After). Counting per source is what
 * keeps the lockout from being a weapon: client ids are public (`appid` claims, consent links), so
 * a lockout per client alone would let anyone who knows one lock the real daemon out; here the
 * daemon, calling from its own address, never pays for someone else's failures. Successful
 * attempts do not reset the window, so guessing from one source stays bounded. The counters are
 * shared by every process of the installation (see CounterStore); this process's own failures are
 * seen at once, other processes' within PEEK_TTL_MS.
 */
export class ClientAuthThrottle {
  private readonly seen = new Map<string, { at: number; window: number; failures: number }>();

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly counters: CounterStore,
  ) {}

  private key(tenantId: string, clientId: string, source: string | undefined) {
    return `client-auth:${tenantId}/${clientId.toLowerCase()}/${lockoutSource(source)}`;
  }

  /** Throws when the client is locked out for this source address. */
  async check(tenantId: string, clientId: string, source: string | undefined): Promise<void> {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    const k = this.key(tenantId, clientId, source);
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

  async recordFailure(tenantId: string, clientId: string, source: string | undefined): Promise<void> {
    const now = this.clock.now();
    const k = this.key(tenantId, clientId, source);
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
