import { EntraError } from '../../http/errors.js';

/**
 * Per-tenant fairness on the token endpoint (issue 12). At most `concurrency` token requests of
 * one tenant run at once in this process; the next `queue` wait their turn in arrival order, and
 * past that the tenant is answered 429 AADSTS50196 with Retry-After. A flood against one tenant
 * (wrong secrets, unknown client ids, password sprays through ROPC, whose scrypt runs on the
 * thread pool) therefore holds at most `concurrency` database connections and thread-pool slots,
 * and another tenant's request never waits behind it: its own slots are free. Waiting is bounded
 * by `queue`, so memory is too. The gate is per process: each process of a scale-out installation
 * has its own (docs/scale-out.md), which is what bounds that process's pool.
 */
export class TenantAdmission {
  private readonly tenants = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  /** Waits for a slot of the tenant's; returns the function that gives it back (call it once). */
  async acquire(tenantId: string): Promise<() => void> {
    let t = this.tenants.get(tenantId);
    if (!t) this.tenants.set(tenantId, (t = { running: 0, waiting: [] }));
    if (t.running < this.concurrency) {
      t.running++;
    } else if (t.waiting.length < this.queue) {
      // The releasing request hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => t.waiting.push(resolve));
    } else {
      throw new EntraError('tooManyFailedAttempts', { retryAfter: 1 }, `tenant ${tenantId}: token requests over the admission queue`, {
        'Retry-After': '1',
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = t.waiting.shift();
      if (next) next();
      else if (--t.running === 0) this.tenants.delete(tenantId);
    };
  }

  /** Requests of a tenant running and waiting now (for tests and diagnostics). */
  load(tenantId: string): { running: number; waiting: number } {
    const t = this.tenants.get(tenantId);
    return { running: t?.running ?? 0, waiting: t?.waiting.length ?? 0 };
  }
}
