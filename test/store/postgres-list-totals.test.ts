import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatabase } from '../../packages/server/src/store/postgres/database.js';
import { postgresStores } from '../../packages/server/src/store/postgres/stores.js';
import type { ListQuery, Stores } from '../../packages/server/src/store/interfaces.js';
import { testDatabaseUrl } from '../support/test-database.js';
import { activityRow } from '../support/activity-row.js';

/**
 * PostgreSQL only: list totals are remembered per process until the Cloud Apps data changes, in
 * this process (at once) or in another one sharing the database (within the notification latency).
 */
const T0 = Date.UTC(2025, 5, 15, 12);
let a: PostgresDatabase;
let b: PostgresDatabase;
let storesA: Stores;
let storesB: Stores;

const activity = (id: string, timestamp: number) => activityRow('tenant-t', id, timestamp, { actor_keys: '[]' });

// Page 2 of 1-row pages: the total comes from a count, not from the page.
const query: ListQuery = {
  conditions: [{ field: 'service', op: 'eq', values: [11161] }],
  sortField: 'date',
  sortDirection: 'desc',
  skip: 1,
  limit: 1,
};
const total = async (s: Stores) => (await s.activities.list('tenant-t', query)).total;

describe.skipIf(process.env.STORE !== 'postgres')('PostgreSQL list totals', () => {
  beforeAll(async () => {
    const url = testDatabaseUrl()!;
    a = await openPostgres(url);
    b = await openPostgres(url);
    storesA = postgresStores(a);
    storesB = postgresStores(b);
    await a.db
      .insertInto('tenants')
      .values({ id: 'tenant-t', name: 't', domain: 't.test', display_name: 'T', created_at: T0, settings: '{}' })
      .execute();
    await storesA.activities.upsert([1, 2, 3].map((i) => activity(`a${i}`, T0 + i)));
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('follow this process’s writes at once', async () => {
    expect(await total(storesA)).toBe(3);
    await storesA.activities.upsert([activity('a4', T0 + 4)]);
    expect(await total(storesA)).toBe(4);
    await storesA.transaction((tx) => tx.activities.upsert([activity('a5', T0 + 5)]));
    expect(await total(storesA)).toBe(5);
  });

  it('follow another process’s writes once notified, and leave the token path’s stamp alone', async () => {
    expect(await total(storesA)).toBe(5);
    const stamp = a.changeFeed.stamp();
    await storesB.activities.upsert([activity('b1', T0 + 6)]);
    const until = Date.now() + 5000;
    while ((await total(storesA)) !== 6 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(await total(storesA)).toBe(6);
    expect(a.changeFeed.stamp()).toBe(stamp);
  });

  it('are remembered while no write is notified (a row written with triggers off is not counted)', async () => {
    expect(await total(storesA)).toBe(6);
    const c = await a.pool.connect();
    try {
      await c.query('SET session_replication_role = replica');
      const row = activity('hidden', T0 + 7);
      const list = Object.keys(row)
        .map((k) => `"${k}"`)
        .join(', ');
      await c.query(`INSERT INTO ca_activities (${list}) SELECT ${list} FROM json_populate_record(NULL::ca_activities, $1::json)`, [
        JSON.stringify({
          ...row,
          actor_keys: [],
          user_tags: [],
          ip_tags: [],
          device_tags: [],
          ua_tags: [],
          policy_ids: [],
          file_ids: [],
          file_labels: [],
          object_ids: [],
        }),
      ]);
    } finally {
      await c.query('RESET session_replication_role');
      c.release();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await total(storesA)).toBe(6);
    expect(await total(storesB)).toBe(7); // B had not counted this filter yet
  });
});
