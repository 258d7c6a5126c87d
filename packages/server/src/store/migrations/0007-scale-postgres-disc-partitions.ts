import { sql, type Kysely } from 'kysely';
import { AGGREGATES, ensureAhead, ensureMonths, monthOf } from '../postgres/partitions.js';

// Named with the `-scale-` infix of the scale-out work so that it cannot collide with other
// migrations added meanwhile; it touches only PostgreSQL and only its own objects.

/**
 * PostgreSQL only (SQLite keeps 0004 as is): disc_aggregates becomes range-partitioned by month on
 * `day` (see postgres/partitions.ts), so that the discovery retention drops whole months instead of
 * deleting millions of buckets. The primary key already holds `day`; key, index and foreign key
 * stay the same. Existing rows are kept (`db copy` or an earlier version may have filled the table).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = db.getExecutor().adapter.constructor.name;
  if (!/Postgres/i.test(dialect)) return;

  await sql`ALTER TABLE disc_aggregates RENAME TO disc_aggregates_unpartitioned`.execute(db);
  await sql`ALTER TABLE disc_aggregates_unpartitioned RENAME CONSTRAINT disc_aggregates_pk TO disc_aggregates_unpartitioned_pk`.execute(db);
  await sql`DROP INDEX disc_aggregates_day`.execute(db);
  await sql`CREATE TABLE disc_aggregates (LIKE disc_aggregates_unpartitioned INCLUDING DEFAULTS) PARTITION BY RANGE (day)`.execute(db);
  await sql`ALTER TABLE disc_aggregates
    ADD CONSTRAINT disc_aggregates_pk PRIMARY KEY (tenant_id, stream_id, day, app_id, user_name, ip),
    ADD CONSTRAINT disc_aggregates_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE`.execute(db);
  // Reports read a window of days over one or all streams.
  await sql`CREATE INDEX disc_aggregates_day ON disc_aggregates (tenant_id, day)`.execute(db);

  const days = await sql<{ day: number }>`SELECT DISTINCT day FROM disc_aggregates_unpartitioned`.execute(db);
  if (days.rows.length > 0) {
    await ensureMonths(db, AGGREGATES, new Set(days.rows.map((r) => monthOf(Number(r.day)))));
    // LIKE made the same columns in the same order.
    await sql`INSERT INTO disc_aggregates SELECT * FROM disc_aggregates_unpartitioned`.execute(db);
  }
  await sql`DROP TABLE disc_aggregates_unpartitioned`.execute(db);
  await ensureAhead(db, AGGREGATES, Date.now());
}
