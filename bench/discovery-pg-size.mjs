// Disk per Cloud Discovery bucket on PostgreSQL, and retention by partition drop vs DELETE:
//   npm run build && node bench/discovery-pg-size.mjs [buckets=300000] [drop|delete] [postgres url]
// Adds `buckets` distinct buckets (3 streams, 90 days from 2026-09-01, 400 apps, 2000 e-mail users,
// private IPs) through the PostgreSQL usage store in a fresh schema, prints pg_total_relation_size
// over the partitions per bucket, then removes the buckets before 2026-10-15 with the store's
// deleteBefore (`drop`) or a plain DELETE (`delete`) and prints the time and the size after VACUUM.
import crypto from 'node:crypto';
const D = new URL('../packages/server/dist', import.meta.url).pathname;
const { sql } = await import('kysely');
const { openPostgres } = await import(D + '/store/postgres/database.js');
const { postgresStores } = await import(D + '/store/postgres/stores.js');
const N = Number(process.argv[2] ?? 300000);
const base = new URL(process.argv[4] ?? process.env.APPWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
const schema = `size_${Date.now().toString(36)}`;
base.searchParams.set('schema', schema);
const opened = await openPostgres(base.toString());
const stores = postgresStores(opened);
const tenant = crypto.randomUUID();
await stores.tenants.insert({ id: tenant, name: 'x', domain: 'x.test', display_name: 'X', created_at: 1, settings: '{}' });
const streams = Array.from({ length: 3 }, () => crypto.randomBytes(12).toString('hex'));
const DAY = 86_400_000;
const start = Date.UTC(2026, 8, 1); // 90 days: Sep..Nov
let x = 1;
const rnd = (n) => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % n;
const t0 = Date.now();
let batch = [];
const seen = new Set();
let made = 0;
while (made < N) {
  const day = start + rnd(90) * DAY,
    app = 10000 + rnd(400),
    user = rnd(5) === 0 ? '' : `user${rnd(2000)}@contoso.com`;
  const ip = `10.${rnd(4)}.${rnd(64)}.${rnd(250)}`,
    stream = streams[rnd(3)];
  const k = `${stream}|${day}|${app}|${user}|${ip}`;
  if (seen.has(k)) continue;
  seen.add(k);
  const t = 1 + rnd(500);
  batch.push({
    tenant_id: tenant,
    stream_id: stream,
    day,
    app_id: app,
    user_name: user,
    ip,
    transactions: t,
    blocked: rnd(10) === 0 ? t : 0,
    bytes_up: t * rnd(5000),
    bytes_down: t * rnd(50000),
    bytes_total: t * 30000,
    ip_category: rnd(3) === 0 ? 1 : null,
    ip_tags: rnd(3) === 0 ? '["Corporate"]' : '[]',
    organization: rnd(3) === 0 ? 'Contoso' : null,
  });
  made++;
  if (batch.length === 5000) {
    await stores.transaction((tx) => tx.discovery.usage.add(batch));
    batch = [];
  }
}
if (batch.length) await stores.transaction((tx) => tx.discovery.usage.add(batch));
const loadMs = Date.now() - t0;
await sql`VACUUM ANALYZE disc_aggregates`.execute(opened.db);
const r = await sql`SELECT count(*)::bigint AS n,
  (SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('disc_aggregates')) AS total,
  (SELECT sum(pg_relation_size(relid))::bigint FROM pg_partition_tree('disc_aggregates')) AS heap,
  (SELECT sum(pg_indexes_size(relid))::bigint FROM pg_partition_tree('disc_aggregates')) AS idx
  FROM disc_aggregates`.execute(opened.db);
const { n, total, heap, idx } = r.rows[0];
const parts = await sql`SELECT count(*)::int AS p FROM pg_partition_tree('disc_aggregates') WHERE isleaf`.execute(opened.db);
console.log(
  JSON.stringify({
    rows: Number(n),
    partitions: parts.rows[0].p,
    totalMB: +(total / 1e6).toFixed(1),
    bytesPerRow: Math.round(total / n),
    heapPerRow: Math.round(heap / n),
    indexPerRow: Math.round(idx / n),
    loadMs,
    rowsPerSec: Math.round((N / loadMs) * 1000),
  }),
);
// Retention on this data: cutoff in the middle of October drops September.
const t1 = Date.now();
const removed =
  process.argv[3] === 'delete'
    ? Number(
        (
          await opened.db
            .deleteFrom('disc_aggregates')
            .where('day', '<', Date.UTC(2026, 9, 15))
            .executeTakeFirst()
        ).numDeletedRows,
      )
    : await stores.discovery.usage.deleteBefore(Date.UTC(2026, 9, 15));
const ms = Date.now() - t1;
await sql`VACUUM disc_aggregates`.execute(opened.db);
const after =
  await sql`SELECT (SELECT sum(pg_total_relation_size(relid))::bigint FROM pg_partition_tree('disc_aggregates')) AS total`.execute(
    opened.db,
  );
console.log(JSON.stringify({ deleteBefore: removed, ms, totalMBAfterVacuum: +(after.rows[0].total / 1e6).toFixed(1) }));
await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(opened.db);
await opened.close();
