import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregateRow } from '../../packages/server/src/discovery/aggregation.js';
import { writeUsage } from '../../packages/server/src/discovery/ingest/usage-writer.js';
import { FrozenClock } from '../../packages/server/src/clock.js';
import { copySqliteToPostgres } from '../../packages/server/src/store/database-copy.js';
import type { DiscoveryAggregateRow } from '../../packages/server/src/store/discovery-schema.js';
import type { Stores } from '../../packages/server/src/store/interfaces.js';
import { MIGRATIONS, migrateToLatest } from '../../packages/server/src/store/migrations/index.js';
import { openPostgres, type PostgresDatabase } from '../../packages/server/src/store/postgres/database.js';
import { AGGREGATES, monthOf, partitionName } from '../../packages/server/src/store/postgres/partitions.js';
import { postgresStores } from '../../packages/server/src/store/postgres/stores.js';
import { openSqlite } from '../../packages/server/src/store/sqlite/database.js';
import { sqliteStores } from '../../packages/server/src/store/sqlite/stores.js';
import { testDatabaseUrl } from '../support/test-database.js';

/** PostgreSQL only: Cloud Discovery buckets partitioned by month on `day`, retention by dropping months. */
const T0 = Date.UTC(2025, 5, 15, 12);
const TENANT = 'tenant-dp';
let opened: PostgresDatabase;
let stores: Stores;
const dirs: string[] = [];

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

function bucket(stream: string, dayMs: number, app: number, user: string, ip: string, transactions = 1): DiscoveryAggregateRow {
  return {
    tenant_id: TENANT,
    stream_id: stream,
    day: dayMs,
    app_id: app,
    user_name: user,
    ip,
    transactions,
    blocked: 0,
    bytes_up: 10 * transactions,
    bytes_down: 20 * transactions,
    bytes_total: 30 * transactions,
  };
}

async function partitions<DB>(db: Kysely<DB>): Promise<string[]> {
  const r = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'disc_aggregates'::regclass ORDER BY 1`.execute(db);
  return r.rows.map((x) => x.name);
}

/** Rows per partition (where each row really is). */
async function placement<DB>(db: Kysely<DB>): Promise<Record<string, number>> {
  const r = await sql<{ p: string; n: number }>`SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM disc_aggregates
    GROUP BY 1 ORDER BY 1`.execute(db);
  return Object.fromEntries(r.rows.map((x) => [x.p, x.n]));
}

/** Fails instead of hanging when a write waits for a lock forever. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

function schemaUrl(prefix: string): { url: string; schema: string } {
  const base = new URL(process.env.APPWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const schema = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  base.searchParams.set('schema', schema);
  return { url: base.toString(), schema };
}

describe.skipIf(process.env.STORE !== 'postgres')('PostgreSQL discovery aggregate partitions', () => {
  beforeAll(async () => {
    opened = await openPostgres(testDatabaseUrl()!, { clock: new FrozenClock(T0) });
    stores = postgresStores(opened);
    await stores.tenants.insert({ id: TENANT, name: 'dp', domain: 'dp.test', display_name: 'DP', created_at: T0, settings: '{}' });
  });
  afterAll(async () => {
    await opened?.close();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('is partitioned by range on day, with this month and three ahead from the start', async () => {
    const kind = await sql<{ def: string }>`SELECT pg_get_partkeydef('disc_aggregates'::regclass) AS def`.execute(opened.db);
    expect(kind.rows[0]!.def).toBe('RANGE (day)');
    const ahead = [0, 1, 2, 3].map((i) => partitionName(AGGREGATES, monthOf(T0) + i));
    expect(ahead[0]).toBe('disc_aggregates_y2025m06');
    expect(await partitions(opened.db)).toEqual(expect.arrayContaining(ahead));
  });

  it('creates the months rows need; reports and upserts work across partitions', async () => {
    await stores.discovery.usage.add([
      bucket('s1', day(2025, 1, 3), 11627, 'alice', '10.0.0.1', 2),
      bucket('s1', day(2025, 3, 31), 11627, 'bob', '10.0.0.2', 3),
      bucket('s1', day(2025, 6, 15), 11627, 'alice', '10.0.0.3', 5),
      bucket('s1', day(2025, 6, 15), 10489, '', '10.0.0.1', 7),
    ]);
    expect(await partitions(opened.db)).toEqual(expect.arrayContaining(['disc_aggregates_y2025m01', 'disc_aggregates_y2025m03']));
    expect(await placement(opened.db)).toEqual({
      disc_aggregates_y2025m01: 1,
      disc_aggregates_y2025m03: 1,
      disc_aggregates_y2025m06: 2,
    });
    // The same bucket again adds up (the key holds the partition key, so ON CONFLICT works).
    await stores.discovery.usage.add([bucket('s1', day(2025, 1, 3), 11627, 'alice', '10.0.0.1', 4)]);
    const totals = (await stores.discovery.usage.appTotals(TENANT, ['s1'], 0)).sort((a, b) => a.app_id - b.app_id);
    expect(totals).toEqual([
      {
        app_id: 10489,
        transactions: 7,
        blocked: 0,
        bytes_up: 70,
        bytes_down: 140,
        bytes_total: 210,
        users: 0,
        ips: 1,
        first_day: day(2025, 6, 15),
        last_day: day(2025, 6, 15),
      },
      {
        app_id: 11627,
        transactions: 6 + 3 + 5,
        blocked: 0,
        bytes_up: 140,
        bytes_down: 280,
        bytes_total: 420,
        users: 2,
        ips: 3,
        first_day: day(2025, 1, 3),
        last_day: day(2025, 6, 15),
      },
    ]);
    // A window that starts in March leaves January out.
    const fromMarch = await stores.discovery.usage.appTotals(TENANT, ['s1'], day(2025, 3, 1));
    expect(fromMarch.find((t) => t.app_id === 11627)!.transactions).toBe(8);
    const rows = await stores.discovery.usage.rows(TENANT, ['s1'], 0, 10);
    expect(rows.map((r) => [r.day, r.app_id, r.transactions])).toEqual([
      [day(2025, 6, 15), 10489, 7],
      [day(2025, 6, 15), 11627, 5],
      [day(2025, 3, 31), 11627, 3],
      [day(2025, 1, 3), 11627, 6],
    ]);
  });

  it('a transaction that already wrote can still add a month it lacks (no wait on itself)', async () => {
    await within(
      15_000,
      stores.transaction(async (tx) => {
        await tx.discovery.usage.add([bucket('s2', day(2025, 6, 1), 11627, 'carol', '10.0.1.1')]);
        await tx.discovery.usage.add([bucket('s2', day(2025, 2, 14), 11627, 'carol', '10.0.1.1')]);
      }),
    );
    expect(await partitions(opened.db)).toContain('disc_aggregates_y2025m02');
    expect((await stores.discovery.usage.rows(TENANT, ['s2'], 0, 10)).map((r) => r.day)).toEqual([day(2025, 6, 1), day(2025, 2, 14)]);
  });

  it('an upload spanning months is stored in batches after its months were created', async () => {
    // 6000 buckets over November and December 2024, sorted by day: the second batch of 5000 is
    // in a month the first did not need.
    const aggregates: AggregateRow[] = [];
    for (let i = 0; i < 6000; i++) {
      const d = new Date(day(2024, 11, 20) + Math.floor(i / 300) * 86_400_000).toISOString().slice(0, 10);
      aggregates.push({
        day: d,
        appId: 11627,
        user: `u${i % 300}`,
        srcIp: '10.0.2.1',
        transactions: 1,
        blockedTransactions: 0,
        bytesUp: 1,
        bytesDown: 1,
        bytesTotal: 2,
      });
    }
    // The months are prepared before the write transaction starts (not created inside it).
    const calls: string[] = [];
    const usage = stores.discovery.usage;
    const watched: Stores = {
      ...stores,
      discovery: {
        ...stores.discovery,
        usage: Object.assign(Object.create(usage) as typeof usage, {
          prepare: (days: Iterable<number>) => {
            calls.push(`prepare ${[...new Set([...days].map((d) => partitionName(AGGREGATES, monthOf(d))))].join(' ')}`);
            return usage.prepare(days);
          },
        }),
      },
      transaction: (fn) => {
        calls.push('transaction');
        return stores.transaction(fn);
      },
    };
    const stored = await within(60_000, writeUsage(watched, TENANT, 's3', { aggregates }));
    expect(stored).toBe(6000);
    expect(calls).toEqual(['prepare disc_aggregates_y2024m11 disc_aggregates_y2024m12', 'transaction']);
    const where = await placement(opened.db);
    expect(where['disc_aggregates_y2024m11']).toBe(11 * 300);
    expect(where['disc_aggregates_y2024m12']).toBe(9 * 300);
  });

  it('retention drops the months before the cutoff, trims the boundary month, and counts both', async () => {
    await stores.discovery.usage.add([
      bucket('s1', day(2025, 3, 2), 11627, 'dave', '10.0.0.9'),
      bucket('s1', day(2025, 3, 9), 11627, 'dave', '10.0.0.9'),
      bucket('s1', day(2025, 3, 10), 11627, 'dave', '10.0.0.9'),
    ]);
    const cutoff = day(2025, 3, 10);
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM disc_aggregates WHERE day < ${cutoff}`.execute(opened.db);
    const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM disc_aggregates`.execute(opened.db);
    // Nov, Dec (6000), Jan (1), Feb (1), and March 2 and 9.
    expect(before.rows[0]!.n).toBe(6000 + 1 + 1 + 2);
    expect(await stores.discovery.usage.deleteBefore(cutoff)).toBe(before.rows[0]!.n);
    const left = await partitions(opened.db);
    for (const gone of ['disc_aggregates_y2024m11', 'disc_aggregates_y2024m12', 'disc_aggregates_y2025m01', 'disc_aggregates_y2025m02']) {
      expect(left).not.toContain(gone);
    }
    expect(left).toContain('disc_aggregates_y2025m03');
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM disc_aggregates`.execute(opened.db);
    expect(after.rows[0]!.n).toBe(total.rows[0]!.n - before.rows[0]!.n);
    const march = await stores.discovery.usage.rows(TENANT, ['s1'], 0, 100);
    expect(march.map((r) => r.day).filter((d) => d < day(2025, 4, 1))).toEqual([day(2025, 3, 31), day(2025, 3, 10)]);
    // Nothing more to remove: no partition to drop, no row to delete.
    expect(await stores.discovery.usage.deleteBefore(cutoff)).toBe(0);
    // A cutoff within the month only deletes.
    expect(await stores.discovery.usage.deleteBefore(day(2025, 3, 11))).toBe(1);
    expect(await partitions(opened.db)).toContain('disc_aggregates_y2025m03');
  });

  it('the migration keeps the buckets of an unpartitioned table', async () => {
    const { url, schema } = schemaUrl('discmig');
    const u = new URL(url);
    u.searchParams.delete('schema');
    const admin = new pg.Client({ connectionString: u.toString() });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: u.toString(), max: 2, options: `-c search_path="${schema}"` });
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, migrationTableSchema: schema });
      const r = await migrator.migrateTo('0006-scale-postgres-lz4');
      expect(r.error).toBeUndefined();
      expect(await partitions(db)).toEqual([]);
      await sql`INSERT INTO tenants (id, name, domain, display_name, created_at, settings) VALUES ('t', 't', 't.test', 'T', 1, '{}')`.execute(
        db,
      );
      await sql`INSERT INTO disc_aggregates (tenant_id, stream_id, day, app_id, user_name, ip, transactions, blocked, bytes_up,
        bytes_down, bytes_total, ip_category, ip_tags, organization) VALUES
        ('t', 's', ${day(2024, 1, 5)}, 1, 'a', '10.0.0.1', 1, 0, 1, 2, 3, 1, '["x"]', 'org'),
        ('t', 's', ${day(2024, 4, 30)}, 1, 'a', '10.0.0.1', 2, 0, 1, 2, 3, null, '[]', null),
        ('t', 's', ${day(2024, 4, 1)}, 2, '', '10.0.0.2', 4, 1, 1, 2, 3, null, '[]', null)`.execute(db);
      expect((await migrator.migrateTo('0007-scale-postgres-disc-partitions')).error).toBeUndefined();
      expect(await placement(db)).toEqual({ disc_aggregates_y2024m01: 1, disc_aggregates_y2024m04: 2 });
      const rows = await sql<{ ip_tags: string; organization: string | null }>`SELECT ip_tags, organization FROM disc_aggregates
        WHERE app_id = 1 AND day = ${day(2024, 1, 5)}`.execute(db);
      expect(rows.rows).toEqual([{ ip_tags: '["x"]', organization: 'org' }]);
      // 0015 drops the label copies from the parent and every month partition; counters stay.
      await migrateToLatest(db, schema);
      expect(await placement(db)).toEqual({ disc_aggregates_y2024m01: 1, disc_aggregates_y2024m04: 2 });
      const cols = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = ${schema} AND table_name LIKE 'disc_aggregates%' AND column_name IN ('ip_category', 'ip_tags', 'organization')`.execute(
        db,
      );
      expect(cols.rows).toEqual([]);
      const kept = await sql<{
        transactions: string;
      }>`SELECT transactions FROM disc_aggregates WHERE app_id = 1 AND day = ${day(2024, 1, 5)}`.execute(db);
      expect(kept.rows.map((r) => Number(r.transactions))).toEqual([1]);
      // Same key, index and foreign key as before.
      const idx = await sql<{ name: string; def: string }>`SELECT indexname AS name, indexdef AS def FROM pg_indexes
        WHERE schemaname = ${schema} AND tablename = 'disc_aggregates' ORDER BY 1`.execute(db);
      expect(idx.rows.map((x) => x.name)).toEqual(['disc_aggregates_day', 'disc_aggregates_pk']);
      expect(idx.rows[1]!.def).toMatch(/\(tenant_id, stream_id, day, app_id, user_name, ip\)/);
      await sql`DELETE FROM tenants WHERE id = 't'`.execute(db);
      expect(await placement(db)).toEqual({});
      // Partitions ahead of today exist too.
      expect(await partitions(db)).toContain(partitionName(AGGREGATES, monthOf(Date.now())));
    } finally {
      await db.destroy();
      const drop = new pg.Client({ connectionString: u.toString() });
      await drop.connect();
      await drop.query(`drop schema "${schema}" cascade`);
      await drop.end();
    }
  });

  it.each([
    ['a current source', false],
    ['a source from before migration 0015 (buckets with labels)', true],
  ])('db copy creates the months of the source buckets: %s', { timeout: 60_000 }, async (_name, labelled) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-disc-copy-'));
    dirs.push(dir);
    const file = path.join(dir, 'appwarden.sqlite');
    const lite = await openSqlite(file);
    const src = sqliteStores(lite);
    await src.tenants.insert({ id: TENANT, name: 'dp', domain: 'dp.test', display_name: 'DP', created_at: T0, settings: '{}' });
    await src.discovery.usage.add([
      bucket('s1', day(2023, 12, 31), 11627, 'alice', '10.0.0.1', 2),
      bucket('s1', day(2024, 1, 1), 11627, 'alice', '10.0.0.1', 3),
      bucket('s1', day(2024, 7, 15), 10489, '', '10.0.0.2', 4),
    ]);
    if (labelled) {
      // The columns 0015 dropped, as an older version wrote them: not copied (the target has none).
      lite.raw.exec(`ALTER TABLE disc_aggregates ADD COLUMN ip_category integer;
        ALTER TABLE disc_aggregates ADD COLUMN ip_tags text NOT NULL DEFAULT '[]';
        ALTER TABLE disc_aggregates ADD COLUMN organization text;
        UPDATE disc_aggregates SET ip_category = 1, ip_tags = '["x"]', organization = 'org'`);
    }
    await src.close();
    const { url, schema } = schemaUrl(labelled ? 'disccopyold' : 'disccopy');
    const reports = await copySqliteToPostgres(file, url);
    expect(reports.find((r) => r.table === 'disc_aggregates')).toEqual({ table: 'disc_aggregates', source: 3, target: 3 });
    const copy = await openPostgres(url);
    try {
      expect(await placement(copy.db)).toEqual({
        disc_aggregates_y2023m12: 1,
        disc_aggregates_y2024m01: 1,
        disc_aggregates_y2024m07: 1,
      });
      const copied = postgresStores(copy, async () => {});
      const totals = await copied.discovery.usage.appTotals(TENANT, ['s1'], 0);
      expect(totals.map((t) => [t.app_id, t.transactions]).sort()).toEqual([
        [10489, 4],
        [11627, 5],
      ]);
    } finally {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(copy.db);
      await copy.close();
    }
  });
});
