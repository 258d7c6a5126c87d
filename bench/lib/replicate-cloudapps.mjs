// Grows a partly generated Cloud Apps bench data set to its full size inside SQLite, for machines
// where generating millions of records through the demo generator takes too long.
// Usage: node bench/lib/replicate-cloudapps.mjs <dataDir> <activities> <alerts> [maxSeconds]
// With maxSeconds, stops after the copy chunk that crosses it (rerun to resume; each chunk of
// CHUNK source rows is one transaction, and the progress is kept in cloudapps-replicate.json).
// The demo generator walks back in time from endTime over 30 days, so a run stopped after B of N
// activities holds the newest B/N of the span. Copy k (k = 1, 2, ...) shifts that slice back by k
// slices (new ids, `_id`/`timestamp`/`created` in the documents updated), until N activities and
// the wanted number of alerts exist; copied alerts older than 7 days are closed with the
// generator's odds (60 %, resolution 3/4/5, read). Then ANALYZE.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

const [dataDir, activities, alerts, maxSeconds] = process.argv.slice(2);
const CHUNK = 250_000;
const deadline = maxSeconds ? performance.now() + Number(maxSeconds) * 1000 : Infinity;
const N = Number(activities);
const A = Number(alerts);
const DAY = 86_400_000;
const endTime = Date.UTC(2025, 0, 1);
const demo = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo.json'), 'utf8'));
const { tenantId, domain } = demo.tenants.contoso;
const db = new SQLite(path.join(dataDir, 'appwarden.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('cache_size = -262144');
db.pragma('wal_autocheckpoint = 16384');

const t0 = performance.now();
// The generated slice, recorded on the first run so that an interrupted run resumes.
const stateFile = path.join(dataDir, 'cloudapps-replicate.json');
const count = (table) => db.prepare(`SELECT count(*) AS n, max(rowid) AS r FROM ${table} WHERE tenant_id = ?`).get(tenantId);
if (!fs.existsSync(stateFile)) {
  const baseAct = count('ca_activities');
  const baseAlert = count('ca_alerts');
  fs.writeFileSync(stateFile, JSON.stringify({ baseAct, baseAlert, slice: Math.floor((30 * DAY * baseAct.n) / N) }) + '\n');
}
const { baseAct, baseAlert, slice } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
console.log(`base: ${baseAct.n} activities, ${baseAlert.n} alerts; slice ${(slice / DAY).toFixed(2)} days`);

const actCols = db
  .prepare('SELECT name FROM pragma_table_info(?)')
  .all('ca_activities')
  .map((c) => c.name);
const actSelect = actCols
  .map((c) =>
    c === 'id'
      ? `id || '_c' || @k`
      : c === 'timestamp'
        ? 'timestamp - @shift'
        : c === 'created'
          ? 'created - @shift'
          : c === 'doc'
            ? `json_set(doc, '$._id', id || '_c' || @k, '$.uid', id || '_c' || @k, '$.timestamp', timestamp - @shift, '$.created', created - @shift)`
            : `"${c}"`,
  )
  .join(', ');
const copyActivities = db.prepare(
  `INSERT INTO ca_activities (${actCols.map((c) => `"${c}"`).join(', ')})
   SELECT ${actSelect} FROM ca_activities WHERE tenant_id = @tenantId AND rowid > @lo AND rowid <= @hi
   ORDER BY rowid LIMIT @limit ON CONFLICT DO NOTHING`,
);
const copyAlerts = db.prepare(
  `INSERT INTO ca_alerts (tenant_id, id, id_value, timestamp, severity, resolution_status, status_value, resolve_time,
     handled_by_user, comment, reason_id, threat_score, alert_type, source, entity_keys, doc)
   SELECT tenant_id, nid, id_value, ts, severity,
     CASE WHEN closed THEN 3 + r % 3 ELSE resolution_status END,
     CASE WHEN closed THEN 1 ELSE status_value END,
     CASE WHEN closed THEN ts + 3600000 + r2 % (3 * 86400000 - 3600000) ELSE resolve_time END,
     CASE WHEN closed THEN @handler ELSE handled_by_user END,
     CASE WHEN closed THEN 'Reviewed during triage' ELSE comment END,
     reason_id, threat_score, alert_type, source, entity_keys,
     json_set(doc, '$._id', nid, '$.timestamp', ts)
   FROM (SELECT *, printf('%08x', @k) || substr(id, 9) AS nid, timestamp - @shift AS ts,
           abs(random()) % 1000 AS r, abs(random()) AS r2,
           (timestamp - @shift < @closedBefore AND abs(random()) % 1000 < 600) AS closed
         FROM ca_alerts WHERE tenant_id = @tenantId AND rowid > @lo AND rowid <= @hi ORDER BY rowid LIMIT @limit)
   WHERE 1 ON CONFLICT DO NOTHING`,
);

// Alerts first (the list under test), then activities; one transaction per chunk. The generator
// wrote the newest records first, so rowid order is newest-first within the generated slice.
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
state.progress ??= {};
const minRowid = (table) => db.prepare(`SELECT min(rowid) AS m FROM ${table} WHERE tenant_id = ?`).get(tenantId).m;
for (const [table, base, wantedRows, copy] of [
  ['ca_alerts', baseAlert, A, copyAlerts],
  ['ca_activities', baseAct, N, copyActivities],
]) {
  const first = minRowid(table) - 1;
  let { k, lo } = state.progress[table] ?? { k: 1, lo: first };
  for (let have = count(table).n; have < wantedRows && performance.now() < deadline; have = count(table).n) {
    const hi = Math.min(lo + CHUNK, base.r);
    const t = performance.now();
    const r = copy.run({
      k,
      shift: k * slice,
      tenantId,
      lo,
      hi,
      limit: wantedRows - have,
      ...(table === 'ca_alerts' ? { closedBefore: endTime - 7 * DAY, handler: `admin@${domain}` } : {}),
    });
    console.log(`${table} copy ${k} rowid (${lo}, ${hi}]: +${r.changes} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
    lo = hi;
    if (lo >= base.r) [k, lo] = [k + 1, first];
    state.progress[table] = { k, lo };
    fs.writeFileSync(stateFile, JSON.stringify(state) + '\n');
  }
}
if (performance.now() >= deadline) {
  console.log('stopped at maxSeconds; rerun to resume');
  db.close();
  process.exit(0);
}
let t = performance.now();
db.exec('ANALYZE ca_alerts; ANALYZE ca_activities; ANALYZE ca_entities');
console.log(`ANALYZE in ${((performance.now() - t) / 1000).toFixed(0)} s`);
db.pragma('wal_checkpoint(TRUNCATE)');
const counts = {
  entities: db.prepare('SELECT count(*) AS n FROM ca_entities WHERE tenant_id = ?').get(tenantId).n,
  activities: db.prepare('SELECT count(*) AS n FROM ca_activities WHERE tenant_id = ?').get(tenantId).n,
  alerts: db.prepare('SELECT count(*) AS n FROM ca_alerts WHERE tenant_id = ?').get(tenantId).n,
};
db.close();
const seconds = (performance.now() - t0) / 1000;
const wanted = { tenantId, alerts: A, activities: N, seed: 'bench', endTime };
const load = {
  counts,
  seconds,
  recordsPerSecond: Math.round((counts.activities + counts.alerts - baseAct.n - baseAlert.n) / seconds),
  replicatedFrom: { activities: baseAct.n, alerts: baseAlert.n },
};
fs.writeFileSync(path.join(dataDir, 'cloudapps-bench.json'), JSON.stringify({ wanted, load }, null, 2) + '\n');
console.log(JSON.stringify(load));
