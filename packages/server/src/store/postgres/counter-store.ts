import type pg from 'pg';
import type { CounterStore } from '../interfaces.js';

/** Expired windows are deleted by one hit in this many, so the UNLOGGED table stays small. */
const SWEEP_EVERY = 500;

/**
 * Counters in the `counters` table (migration 0005-scale-postgres, UNLOGGED): one atomic UPSERT per
 * hit, keyed by name and window. Straight on the pool rather than through Kysely, so that these
 * writes do not move the change stamp (which would empty the token path's read caches).
 */
export class PostgresCounterStore implements CounterStore {
  readonly kind = 'postgres';
  private hits = 0;

  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    if (++this.hits % SWEEP_EVERY === 0) {
      void this.pool.query('DELETE FROM counters WHERE expires_at < $1', [now]).catch(() => undefined);
    }
    const r = await this.pool.query<{ count: number }>({
      name: 'appwarden_counter_hit',
      text: `INSERT INTO counters (key, count, expires_at) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET count = counters.count + 1 RETURNING count`,
      values: [`${key}@${window}`, (window + 1) * windowMs],
    });
    return Number(r.rows[0]!.count);
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    const r = await this.pool.query<{ count: number }>({
      name: 'appwarden_counter_peek',
      text: 'SELECT count FROM counters WHERE key = $1',
      values: [`${key}@${Math.floor(now / windowMs)}`],
    });
    return Number(r.rows[0]?.count ?? 0);
  }

  async close(): Promise<void> {}
}
