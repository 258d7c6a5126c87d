import { EntraError } from '../../http/errors.js';

/**
 * Fair admission by key (issue 12): at most `concurrency` operations of one key run at once, the
 * next `queue` wait their turn in arrival order, past that 429 AADSTS50196 with Retry-After. Keys
 * are tenants on the token endpoint (`admission`) and source addresses for password checks
 * (`passwordChecks`, see credential-check.ts).
 *
 * Per-tenant fairness on the token endpoint: at most `concurrency` token requests of
 * one tenant run at once in this process; the next `queue` wait their turn in arrival order, and
 * past that the tenant is answered 429 AADSTS50196 with Retry-After. A flood against one tenant
 * (wrong secrets, unknown client ids, password sprays through ROPC, whose scrypt runs on the
 * thread pool) therefore holds at most `concurrency` database connections and thread-pool slots,
 * and another tenant's request never waits behind it: its own slots are free. Waiting is bounded
 * by `queue`, so memory is too. The gate is per process: each process of a scale-out installation
 * has its own (docs/scale-out.md), which is what bounds that process's pool.
 */
export class AdmissionGate {
  private readonly tenants = new Map<string, { running: number; waiting: (() => void)[] }>();

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    /** What the key is, for the log line of a refusal. */
    private readonly what = 'tenant',
  ) {}

  /** Waits for a slot of the key's; returns the function that gives it back (call it once). */
  async acquire(tenantId: string): Promise<() => void> {
    let t = this.tenants.get(tenantId);
    if (!t) this.tenants.set(tenantId, (t = { running: 0, waiting: [] }));
    if (t.running < this.concurrency) {
      t.running++;
    } else if (t.waiting.length < this.queue) {
      // The releasing request hands its slot over: `running` stays as it is.
      await new Promise<void>((resolve) => t.waiting.push(resolve));
    } else {
      throw new EntraError('tooManyFailedAttempts', { retryAfter: 1 }, `${this.what} ${tenantId}: over the admission queue`, {
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

  /** Runs fn in one of the key's slots. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Operations of a key running and waiting now (for tests and diagnostics). */
  load(tenantId: string): { running: number; waiting: number } {
    const t = this.tenants.get(tenantId);
    return { running: t?.running ?? 0, waiting: t?.waiting.length ?? 0 };
  }
}
