import type { Kysely } from 'kysely';

/** Columns of disc_aggregates that 0015 drops (`db copy` leaves them out of an older source). */
export const DROPPED_USAGE_LABELS = ['ip_category', 'ip_tags', 'organization'] as const;

// Cloud Discovery usage buckets stop carrying copies of their source IP's labels (issue 12). Every
// bucket held the category, the JSON list of tags and the organization of the tenant's IP ranges
// that contain its address: a range with 2000 tags made each bucket of its addresses kilobytes
// long, and no report read them. The source IP is the reference; labels are looked up in the IP
// ranges when needed. Both backends: SQLite (3.35+) drops columns in place; on PostgreSQL the
// partitioned parent drops them from every month partition.
//
// SQLite only: the index disc_aggregates_day (tenant_id, day) goes too. Its planner never uses it
// (reports and deletes by stream search the primary key, tenant_id + stream_id + day; retention's
// `day < ?` cannot use an index led by tenant_id and scans either way), and it cost a third B-tree
// insert per bucket: without it a job's write is ~25% faster and the table ~22% smaller
// (bench/discovery-usage.mjs, docs/benchmarks.md). PostgreSQL keeps its per-partition index.
const isSqlite = (db: Kysely<unknown>): boolean => /Sqlite/i.test(db.getExecutor().adapter.constructor.name);

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const c of DROPPED_USAGE_LABELS) await db.schema.alterTable('disc_aggregates').dropColumn(c).execute();
  if (isSqlite(db)) await db.schema.dropIndex('disc_aggregates_day').ifExists().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (isSqlite(db)) await db.schema.createIndex('disc_aggregates_day').on('disc_aggregates').columns(['tenant_id', 'day']).execute();
  await db.schema.alterTable('disc_aggregates').addColumn('ip_category', 'integer').execute();
  await db.schema
    .alterTable('disc_aggregates')
    .addColumn('ip_tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('disc_aggregates').addColumn('organization', 'text').execute();
}
