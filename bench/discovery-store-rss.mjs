// Memory of storing one upload job's usage buckets (the job's tail), without the upload:
//   npm run build && node --expose-gc bench/discovery-store-rss.mjs [buckets=280000] [cacheKiB]
// Builds a rollup of `buckets` buckets (2000 users, 12 apps, days) in a TrafficAggregator, then
// calls writeUsage on a fresh SQLite database, as the job does, and prints the process RSS before
// and after and the peak (getrusage maxRSS). `cacheKiB` overrides the connection's page cache.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const D = new URL('../packages/server/dist', import.meta.url).pathname;
const { openSqlite } = await import(D + '/store/sqlite/database.js');
const { sqliteStores } = await import(D + '/store/sqlite/stores.js');
const { TrafficAggregator } = await import(D + '/discovery/aggregation.js');
const { writeUsage } = await import(D + '/discovery/ingest/usage-writer.js');
const { IpRangeService } = await import(D + '/cloudapps/subnets/ip-range-service.js');
const [n = 280000, cache = 0] = process.argv.slice(2).map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rss-store-'));
const lite = await openSqlite(path.join(dir, 'db.sqlite'));
if (cache) lite.raw.pragma(`cache_size = -${cache}`);
const stores = sqliteStores(lite);
await stores.tenants.insert({ id: 't', name: 't', domain: 't.example', display_name: 'T', created_at: 1, settings: '{}' });
const agg = new TrafficAggregator();
const apps = [11103, 10489, 20893, 11161, 10921, 11114, 11522, 12005, 10549, 11599, 10705, 12026].map((id) => agg.appIdx({ id }));
// 2000 users x ~1.1 ips x 12 apps x days
let b = 0;
for (let d = 0; b < n; d++)
  for (let u = 0; u < 2000 && b < n; u++)
    for (const a of apps) {
      agg.addIds(
        20400 + d,
        a,
        agg.users.idOf('user' + u),
        agg.ips.idOf(`10.${u % 4}.${(u >> 2) & 255}.${1 + (u % 250)}`),
        false,
        10,
        20,
        30,
      );
      b++;
    }
/** Heap figures in MiB, after a label. */
const heap = (label, m) =>
  console.log(
    label,
    'heapTotal',
    (m.heapTotal / 1048576).toFixed(0),
    'used',
    (m.heapUsed / 1048576).toFixed(0),
    'ext',
    (m.external / 1048576).toFixed(0),
  );
global.gc?.();
heap('before', process.memoryUsage());
const r0 = process.memoryUsage().rss;
const t0 = Date.now();
const stored = await writeUsage(stores, new IpRangeService(stores), 't', 's', { rollup: agg.exportPartial() });
const m1 = process.memoryUsage();
const r1 = m1.rss;
heap('after', m1);
console.log(
  `n ${n} cache ${cache || 'default'} stored ${stored} ${Date.now() - t0} ms  rss before ${(r0 / 1048576).toFixed(0)} after ${(r1 / 1048576).toFixed(0)} maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} db ${(fs.statSync(path.join(dir, 'db.sqlite')).size / 1048576).toFixed(0)}+wal ${(fs.statSync(path.join(dir, 'db.sqlite-wal')).size / 1048576).toFixed(0)} MB`,
);
await stores.close();
fs.rmSync(dir, { recursive: true, force: true });
