import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrozenClock } from '../../packages/server/src/clock.js';
import { ACTIVITIES, maintainPartitions, partitionName, monthOf } from '../../packages/server/src/store/postgres/partitions.js';
import { openPostgres, type PostgresDatabase } from '../../packages/server/src/store/postgres/database.js';
import { postgresStores } from '../../packages/server/src/store/postgres/stores.js';
import type { Stores } from '../../packages/server/src/store/interfaces.js';
import { testDatabaseUrl } from '../support/test-database.js';
import { activityRow } from '../support/activity-row.js';

/** PostgreSQL only: activities partitioned by month, created on demand and ahead, dropped by retention. */
const T0 = Date.UTC(2025, 5, 15, 12);
const DAY = 86_400_000;
let opened: PostgresDatabase;
let stores: Stores;

const activity = (id: string, timestamp: number) => activityRow('tenant-p', id, timestamp);

const partitions = async () =>
  (
    await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'ca_activities'::regclass ORDER BY 1`.execute(opened.db)
  ).rows.map((r) => r.name);

describe.skipIf(process.env.STORE !== 'postgres')('PostgreSQL activity partitions', () => {
  beforeAll(async () => {
    opened = await openPostgres(testDatabaseUrl()!, { clock: new FrozenClock(T0) });
    stores = postgresStores(opened);
    await opened.db
      .insertInto('tenants')
      .values({ id: 'tenant-p', name: 'p', domain: 'p.test', display_name: 'P', created_at: T0, settings: '{}' })
      .execute();
  });
  afterAll(() => opened?.close());

  it('creates this month and three ahead at open, and older months when rows need them', async () => {
    const ahead = [0, 1, 2, 3].map((i) => partitionName(ACTIVITIES, monthOf(T0) + i));
    expect(await partitions()).toEqual(expect.arrayContaining(ahead));
    await stores.transaction((tx) =>
      tx.activities.upsert([
        activity('a-jan', Date.UTC(2025, 0, 3)),
        activity('a-mar', Date.UTC(2025, 2, 31, 23, 59)),
        activity('a-jun', T0),
      ]),
    );
    expect(await partitions()).toEqual(expect.arrayContaining(['ca_activities_y2025m01', 'ca_activities_y2025m03']));
    expect(await stores.activities.count('tenant-p')).toBe(3);
  });

  it('a transaction that already wrote activities can add a month it needs (no wait on its own lock)', async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('still waiting after 20 s')), 20_000)));
    const write = stores.transaction(async (tx) => {
      await tx.activities.upsert([activity('b-jun', T0 + DAY)]);
      await tx.activities.upsert([activity('b-2023', Date.UTC(2023, 6, 4))]);
    });
    await Promise.race([write, late]).finally(() => clearTimeout(timer));
    expect(await partitions()).toContain('ca_activities_y2023m07');
    expect((await stores.activities.get('tenant-p', 'b-2023'))!.timestamp).toBe(Date.UTC(2023, 6, 4));
    await opened.db.deleteFrom('ca_activities').where('id', 'in', ['b-jun', 'b-2023']).execute();
  });

  it('keeps one row per id when a record comes back with another time (it moves partition)', async () => {
    await stores.activities.upsert([activity('a-jan', Date.UTC(2025, 1, 10))]);
    expect(await stores.activities.count('tenant-p')).toBe(3);
    expect((await stores.activities.get('tenant-p', 'a-jan'))!.timestamp).toBe(Date.UTC(2025, 1, 10));
  });

  it('retention drops the months entirely older than the cutoff, and nothing else', async () => {
    // 100 days before 2025-06-15 is 2025-03-07: February ends before it, March does not.
    const dropped = await maintainPartitions(opened.db, T0, 100);
    expect(dropped).toEqual(expect.arrayContaining(['ca_activities_y2025m01', 'ca_activities_y2025m02']));
    expect(dropped).not.toContain('ca_activities_y2025m03');
    const left = await stores.activities.list('tenant-p', { conditions: [], sortField: '', sortDirection: 'asc', skip: 0, limit: 10 });
    expect(left.rows.map((r) => r.id)).toEqual(['a-mar', 'a-jun']);
    // Maintenance without retention keeps everything.
    expect(await maintainPartitions(opened.db, T0 + 400 * DAY, 0)).toEqual([]);
  });
});
