import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FrozenClock } from '../../packages/server/src/clock.js';
import { ClientAuthThrottle } from '../../packages/server/src/identity/token/client-auth-throttle.js';
import { TenantRateLimiter } from '../../packages/server/src/cloudapps/throttling.js';
import type { CounterStore } from '../../packages/server/src/store/interfaces.js';
import { PostgresCounterStore } from '../../packages/server/src/store/postgres/counter-store.js';
import { openPostgres } from '../../packages/server/src/store/postgres/database.js';
import { RedisCounterStore } from '../../packages/server/src/store/redis/counter-store.js';
import { SqliteCounterStore } from '../../packages/server/src/store/sqlite/counter-store.js';
import { TEST_REDIS_URL, TIER, workspace } from '../support/harness.js';

/** The same fixed-window semantics on every counter backend, on a frozen clock. */
const T0 = Date.UTC(2025, 2, 1, 12, 0, 10);
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const backends: [string, () => Promise<CounterStore>][] = [
  [
    'sqlite',
    async () => {
      const { dataDir } = workspace('aw-counters-');
      cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
      return new SqliteCounterStore(path.join(dataDir, 'counters.sqlite'));
    },
  ],
];
if (TIER === 'postgres') {
  backends.push([
    'postgres',
    async () => {
      const opened = await openPostgres(workspace('aw-counters-').databaseUrl!);
      cleanups.push(() => opened.close());
      return new PostgresCounterStore(opened.pool as pg.Pool);
    },
  ]);
}
if (TEST_REDIS_URL) {
  backends.push(['redis', async () => new RedisCounterStore(TEST_REDIS_URL!, `appwarden-test:${process.pid}:${Date.now()}:`).connect()]);
}

describe.each(backends)('%s counters', (_name, open) => {
  it('count per key and per window, aligned on the clock', async () => {
    const c = await open();
    cleanups.push(() => c.close());
    expect(await c.peek('k', 60_000, T0)).toBe(0);
    expect(await c.hit('k', 60_000, T0)).toBe(1);
    expect(await c.hit('k', 60_000, T0 + 49_000)).toBe(2);
    expect(await c.hit('other', 60_000, T0)).toBe(1);
    expect(await c.peek('k', 60_000, T0 + 1)).toBe(2);
    // 12:01:00 starts a new window.
    expect(await c.peek('k', 60_000, T0 + 50_000)).toBe(0);
    expect(await c.hit('k', 60_000, T0 + 50_000)).toBe(1);
  });

  it('drive the tenant rate limit and the client-auth lockout', async () => {
    const c = await open();
    cleanups.push(() => c.close());
    const clock = new FrozenClock(T0);
    const limiter = new TenantRateLimiter(clock, c);
    for (let i = 0; i < 3; i++) expect((await limiter.take('t1', 3)).allowed).toBe(true);
    expect(await limiter.take('t1', 3)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect((await limiter.take('t2', 3)).allowed).toBe(true);
    clock.advance(50_000);
    expect((await limiter.take('t1', 3)).allowed).toBe(true);

    const throttle = new ClientAuthThrottle(2, clock, c);
    await throttle.check('t1', 'App', '203.0.113.7');
    await throttle.recordFailure('t1', 'app', '203.0.113.7');
    await throttle.recordFailure('t1', 'APP', '::ffff:203.0.113.7');
    await expect(throttle.check('t1', 'app', '203.0.113.7')).rejects.toMatchObject({ headers: { 'Retry-After': '60' } });
    await throttle.check('t1', 'app', '198.51.100.2');
    clock.advance(60_000);
    await throttle.check('t1', 'app', '203.0.113.7');
  });
});
