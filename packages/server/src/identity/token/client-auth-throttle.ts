import { EntraError } from '../../http/errors.js';
import type { Clock } from '../clock.js';

/**
 * Brute-force protection on client authentication: more than `limit` failed attempts for one
 * client in one tenant within a minute locks that client out until the minute is over (429 with
 * Retry-After). Successful attempts do not reset the window, so guessing stays bounded.
 * State is per process.
 * TODO(issue 6): share the counters through PostgreSQL/Redis when several processes serve one database.
 */
export class ClientAuthThrottle {
  private readonly windows = new Map<string, { start: number; failures: number }>();
  private lastSweep = 0;

  constructor(
    private readonly limit: number,
    private readonly clock: Clock,
  ) {}

  private key(tenantId: string, clientId: string) {
    return `${tenantId}/${clientId.toLowerCase()}`;
  }

  /** Throws when the client is locked out. */
  check(tenantId: string, clientId: string): void {
    const now = this.clock.now();
    const w = this.windows.get(this.key(tenantId, clientId));
    if (w && now - w.start < 60_000 && w.failures >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      throw new EntraError('tooManyFailedAttempts', { retryAfter }, `client ${clientId} locked out`, { 'Retry-After': String(retryAfter) });
    }
  }

  recordFailure(tenantId: string, clientId: string): void {
    const now = this.clock.now();
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      for (const [k, w] of this.windows) if (now - w.start >= 60_000) this.windows.delete(k);
    }
    const k = this.key(tenantId, clientId);
    const w = this.windows.get(k);
    if (!w || now - w.start >= 60_000) this.windows.set(k, { start: now, failures: 1 });
    else w.failures += 1;
  }
}
