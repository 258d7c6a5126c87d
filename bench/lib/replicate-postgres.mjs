#!/usr/bin/env node
// Grows a generated PostgreSQL Cloud Apps bench data set to millions of activities inside
// PostgreSQL (INSERT … SELECT), where generating them through the demo generator would take an
// hour (~2 300 records/s here).
//
//   node bench/scale-out.mjs --store postgres --activities 333334 --alerts 50000 --data-dir D --load-only
//   until flock /tmp/appwarden-heavy.lock node bench/lib/replicate-postgres.mjs D/postgres 10000000; do :; done
//
// The first run freezes the generated activities (B rows, 30 days ending at the generator's end
// time) in an UNLOGGED table `bench_replicate_base` of the bench schema. Copy k (k = 1 … ⌈N/B⌉-1)
// inserts them again with new ids (the uuid's first 8 hex digits become k) and times shifted back
// by (k mod 6) × 30 days + ⌊k/6⌋ × 4 h 7 min: the N activities cover about 180 days (six monthly
// partitions and the edges), evenly dense. In each copied document `_id`, `timestamp(Raw)`,
// `created(Raw)` and `instantiation(Raw)` follow (text replacement of the unique values, so the
// documents keep the generator's key order). The last copy takes only the newest rows needed to
// reach N. Then VACUUM (ANALYZE, PROCESS_TOAST FALSE) of every partition (the visibility map for
// index-only counts; the TOAST tables, two thirds of the bytes, have nothing to clean) and
// ANALYZE of the partitioned table.
//
// Each copy is one transaction recorded in `bench_replicate`, so a run stopped anywhere resumes.
// A run stops starting new steps after --max-seconds (default 420) and exits 3 when work remains,
// 0 when the data set is complete: run it under the heavy-job lock in a loop as above so that
// other jobs get turns between runs. Each copy takes about 1.3 GB (heap, TOAST and indexes); when
// the file system of the current directory has less than --min-free-gb (default 12) free before a
// copy, copying stops there for good (recorded as the step `disk`) and the data set is completed
// (vacuumed) at the size reached.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'max-seconds': { type: 'string', default: '420' }, 'min-free-gb': { type: 'string', default: '12' } },
});
const [dir, wanted] = positionals;
if (!dir || !wanted) {
  console.error('usage: replicate-postgres.mjs <data-dir of scale-out.mjs>/postgres <activities> [--max-seconds 420]');
  process.exit(2);
}
const N = Number(wanted);
const started = Date.now();
const budgetLeft = () => Date.now() - started < Number(opts['max-seconds']) * 1000;
const DAY = 86_400_000;

const saved = JSON.parse(fs.readFileSync(path.join(dir, 'scale-out.json'), 'utf8'));
const url = new URL(saved.env.DATABASE_URL);
const schema = url.searchParams.get('schema');
url.searchParams.delete('schema');
const tenantId = saved.demo.tenants.contoso.tenantId;
const db = new pg.Client({ connectionString: url.toString(), options: `-c search_path="${schema}"` });
await db.connect();
await db.query('SET synchronous_commit = off');
const q = async (text, params) => (await db.query(text, params)).rows;

await q(`CREATE TABLE IF NOT EXISTS bench_replicate (step text PRIMARY KEY, rows bigint NOT NULL, seconds real NOT NULL)`);
const done = new Map((await q('SELECT step, rows FROM bench_replicate')).map((r) => [r.step, Number(r.rows)]));
if (!done.has('base')) {
  await q('BEGIN');
  await q(`CREATE UNLOGGED TABLE bench_replicate_base AS SELECT * FROM ca_activities WHERE tenant_id = $1`, [tenantId]);
  const [{ n }] = await q('SELECT count(*)::bigint AS n FROM bench_replicate_base');
  await q(`INSERT INTO bench_replicate VALUES ('base', $1, 0)`, [n]);
  await q('COMMIT');
  done.set('base', Number(n));
}
const B = done.get('base');
const copies = Math.ceil(N / B) - 1;
console.log(`base: ${B} activities; ${copies} copies to reach ${N}; ${[...done.keys()].filter((s) => s.startsWith('copy')).length} done`);

const cols = (
  await q(
    `SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'ca_activities' ORDER BY ordinal_position`,
    [schema],
  )
).map((r) => r.name);
const newId = `left(id, length(id) - 36) || lpad(to_hex($1::int), 8, '0') || right(id, 28)`;
const expr = (c) =>
  c === 'id'
    ? newId
    : c === 'timestamp'
      ? 'timestamp - $2::bigint'
      : c === 'created'
        ? 'created - $2::bigint'
        : c === 'doc'
          ? `replace(replace(replace(replace(doc, id, ${newId}), timestamp::text, (timestamp - $2::bigint)::text),
               created::text, (created - $2::bigint)::text), (created - 2000)::text, (created - 2000 - $2::bigint)::text)`
          : `"${c}"`;
const insert = `INSERT INTO ca_activities (${cols.map((c) => `"${c}"`).join(', ')})
  SELECT ${cols.map(expr).join(', ')} FROM bench_replicate_base ORDER BY timestamp DESC LIMIT $3`;

function monthStart(m) {
  return Date.UTC(1970 + Math.floor(m / 12), m % 12, 1);
}
const monthOf = (ms) => new Date(ms).getUTCFullYear() * 12 + new Date(ms).getUTCMonth() - 1970 * 12;
async function ensurePartitions(lo, hi) {
  for (let m = monthOf(lo); m <= monthOf(hi); m++) {
    const name = `ca_activities_y${1970 + Math.floor(m / 12)}m${String((m % 12) + 1).padStart(2, '0')}`;
    await q(`CREATE TABLE IF NOT EXISTS "${name}" PARTITION OF ca_activities FOR VALUES FROM (${monthStart(m)}) TO (${monthStart(m + 1)})`);
  }
}

const [{ lo, hi }] = await q('SELECT min(timestamp)::bigint AS lo, max(timestamp)::bigint AS hi FROM bench_replicate_base');
const freeGb = () => {
  const st = fs.statfsSync('.');
  return (st.bavail * st.bsize) / 2 ** 30;
};
for (let k = 1; k <= copies && budgetLeft() && !done.has('disk'); k++) {
  const step = `copy ${String(k).padStart(3, '0')}`;
  if (done.has(step)) continue;
  if (freeGb() < Number(opts['min-free-gb'])) {
    const [{ n }] = await q('SELECT count(*)::bigint AS n FROM ca_activities WHERE tenant_id = $1', [tenantId]);
    await q(`INSERT INTO bench_replicate VALUES ('disk', $1, 0)`, [n]);
    done.set('disk', Number(n));
    console.log(`stopping before ${step}: ${freeGb().toFixed(1)} GB free; the data set stays at ${n} activities`);
    break;
  }
  const shift = (k % 6) * 30 * DAY + Math.floor(k / 6) * (4 * 3_600_000 + 7 * 60_000);
  const limit = k < copies ? B : N - B * copies;
  const t = performance.now();
  await ensurePartitions(Number(lo) - shift, Number(hi) - shift);
  await q('BEGIN');
  const r = await db.query(insert, [k, shift, limit]);
  const seconds = (performance.now() - t) / 1000;
  await q('INSERT INTO bench_replicate VALUES ($1, $2, $3)', [step, r.rowCount, seconds]);
  await q('COMMIT');
  done.set(step, r.rowCount);
  console.log(`${step}: ${r.rowCount} rows in ${seconds.toFixed(1)} s (${Math.round(r.rowCount / seconds)} rows/s)`);
}

if (done.has('disk') || [...Array(copies)].every((_, i) => done.has(`copy ${String(i + 1).padStart(3, '0')}`))) {
  const parts = (
    await q(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'ca_activities' AND p.relnamespace = $1::regnamespace ORDER BY 1`,
      [schema],
    )
  ).map((r) => r.name);
  for (const p of parts) {
    if (done.has(`vacuum ${p}`) || !budgetLeft()) continue;
    const t = performance.now();
    await q(`VACUUM (ANALYZE, PROCESS_TOAST FALSE) "${p}"`);
    const seconds = (performance.now() - t) / 1000;
    await q('INSERT INTO bench_replicate VALUES ($1, 0, $2)', [`vacuum ${p}`, seconds]);
    done.set(`vacuum ${p}`, 0);
    console.log(`vacuum ${p}: ${seconds.toFixed(1)} s`);
  }
  if (parts.every((p) => done.has(`vacuum ${p}`)) && budgetLeft()) {
    await q('ANALYZE ca_activities');
    await q('DROP TABLE IF EXISTS bench_replicate_base');
    const [{ n }] = await q('SELECT count(*)::bigint AS n FROM ca_activities WHERE tenant_id = $1', [tenantId]);
    const [{ size }] = await q(
      `SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) AS size FROM pg_class c
      WHERE c.relnamespace = $1::regnamespace`,
      [schema],
    );
    console.log(`complete: ${n} activities; schema ${schema} takes ${size}`);
    await db.end();
    process.exit(0);
  }
}
await db.end();
process.exit(3);
