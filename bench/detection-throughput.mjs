// Detection engine throughput: activities/s of the import alone vs the import with the detection
// engine running (all built-in detections and 20 enabled activity policies) until every activity is
// evaluated, in one run on this machine; the evaluation alone (imported first, then drained); and
// what the outboxes (detection queue, SIEM export) add to the activity write path.
// Usage: npm run build && node bench/detection-throughput.mjs [--lines 50000] [--runs 3] [--baseline DIR]
// Each run imports the same JSON Lines into a fresh SQLite data directory (STORE-independent: SQLite).
// --baseline DIR: also measure another build of the server (a copy of packages/server/dist kept
// inside this checkout, so that it resolves the same node_modules), interleaved run by run with this
// one: before/after figures under the same machine load.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { lines: { type: 'string', default: '50000' }, runs: { type: 'string', default: '3' }, baseline: { type: 'string' } },
});
const LINES = Number(args.lines);
const RUNS = Number(args.runs);

/** The modules the bench uses, from one build of the server. */
async function build(label, dist) {
  const mod = (p) => import(path.join(path.resolve(dist), p));
  const detectionStore = await mod('store/kysely/detection-store.js');
  return {
    label,
    ...(await mod('config.js')),
    ...(await mod('wiring.js')),
    ...(await mod('cloudapps/import.js')),
    ...(await mod('cloudapps/activities/model.js')),
    ...(await mod('detection/policies.js')),
    // The activity write's outbox inserts (detection queue and SIEM outbox; older builds: the queue).
    outboxes: detectionStore.enqueueNewActivities ?? detectionStore.enqueueForDetection,
  };
}
const builds = [await build('this build', new URL('../packages/server/dist/', import.meta.url).pathname)];
if (args.baseline) builds.push(await build('baseline', args.baseline));
const { generateDemoData } = await import(new URL('../packages/server/dist/demo/cloudapps-data.js', import.meta.url).pathname);

let text = '';
for await (const b of generateDemoData('bench-tenant', {
  activities: LINES,
  alerts: 1,
  seed: 'detect-bench',
  endTime: Date.UTC(2025, 0, 1),
})) {
  if (b.resource === 'activities') text += b.documents.map((d) => JSON.stringify(d)).join('\n') + '\n';
}
console.log(`${LINES} activities, ${(text.length / 1e6).toFixed(0)} MB of JSON Lines`);

// 20 policies of the kinds tenants write: repeated-activity thresholds on file and sign-in events
// and single-event policies on rare, risky conditions (admin activity, risky IPs, external shares).
const EVENTS = [
  'EVENT_CATEGORY_DOWNLOAD_FILE',
  'EVENT_CATEGORY_UPLOAD_FILE',
  'EVENT_CATEGORY_SHARE_FILE',
  'EVENT_CATEGORY_DELETE_FILE',
  'EVENT_CATEGORY_LOGIN',
];
const POLICIES = [
  ...EVENTS.flatMap((e, i) => [
    {
      name: `repeated ${e} per ${['user', 'ip', 'app'][i % 3]}`,
      filters: { 'activity.eventType': { eq: [e] } },
      matchParameters: { type: 'repeated', minRepeated: 30 + i * 5, windowMinutes: 10, groupBy: ['user', 'ip', 'app'][i % 3] },
      alertsPerDay: 20,
    },
    {
      name: `repeated ${e} outside corporate`,
      filters: { 'activity.eventType': { eq: [e] }, 'ip.category': { neq: [1] }, 'location.country': { neq: ['US'] } },
      matchParameters: { type: 'repeated', minRepeated: 20, windowMinutes: 30, groupBy: 'user' },
      alertsPerDay: 20,
    },
  ]),
  ...Array.from({ length: 10 }, (_, i) => ({
    name: `single ${i}`,
    filters: [
      { 'activity.type': { eq: true } },
      { 'ip.category': { eq: [3] } },
      { 'activity.eventType': { eq: ['EVENT_CATEGORY_FAILED_LOGIN'] }, 'location.country': { neq: ['US', 'GB'] } },
      { 'activity.eventType': { eq: ['EVENT_CATEGORY_CREATE_RULE'] } },
      { 'activity.impersonated': { eq: true } },
    ][i % 5],
    alertsPerDay: 10,
  })),
];

async function fresh(m) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-detect-bench-'));
  const services = await m.createServices(m.loadConfig({ dataDir: dir, logLevel: 'silent' }, {}), { env: {} });
  const tenant = await services.tenants.create({ name: 'bench' });
  return { dir, services, tenant };
}
async function done({ dir, services }) {
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const m of builds)
  Object.assign(m, { alone: [], withEngine: [], alertsRaised: [], cpuAlone: [], cpuWith: [], evaluation: [], cpuEvaluation: [] });
// CPU time of the process (all threads): on a shared machine it moves far less than wall time.
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
for (let r = 0; r < RUNS; r++) {
  for (const m of builds) {
    {
      const env = await fresh(m);
      const t = performance.now();
      const c = process.cpuUsage();
      await m.importJsonLines(env.services.stores, env.tenant.id, 'activities', text);
      m.alone.push(performance.now() - t);
      m.cpuAlone.push(cpuMs(c));
      await done(env);
    }
    {
      const env = await fresh(m);
      const now = Date.now();
      for (const p of POLICIES) {
        const policy = m.readPolicy(p, Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24), now);
        await env.services.stores.detection.putPolicy(m.policyRow(env.tenant.id, policy));
      }
      const s = await env.services.cloudApps.settings.get(env.tenant.id);
      await env.services.cloudApps.settings.update(env.tenant.id, { detection: { ...s.detection, detectionsSkipLearning: true } });
      env.services.detection.start();
      const t = performance.now();
      const c = process.cpuUsage();
      await m.importJsonLines(env.services.stores, env.tenant.id, 'activities', text);
      await env.services.detection.whenIdle(600_000);
      m.withEngine.push(performance.now() - t);
      m.cpuWith.push(cpuMs(c));
      m.alertsRaised.push(env.services.detection.stats.alerts);
      await done(env);
    }
    {
      // The engine alone: the same activities imported with the engine stopped, then evaluated.
      const env = await fresh(m);
      const now = Date.now();
      for (const p of POLICIES) {
        const policy = m.readPolicy(p, Math.random().toString(16).slice(2).padEnd(24, '0').slice(0, 24), now);
        await env.services.stores.detection.putPolicy(m.policyRow(env.tenant.id, policy));
      }
      const s = await env.services.cloudApps.settings.get(env.tenant.id);
      await env.services.cloudApps.settings.update(env.tenant.id, { detection: { ...s.detection, detectionsSkipLearning: true } });
      await m.importJsonLines(env.services.stores, env.tenant.id, 'activities', text);
      const t = performance.now();
      const c = process.cpuUsage();
      await env.services.detection.drain(600_000);
      m.evaluation.push(performance.now() - t);
      m.cpuEvaluation.push(cpuMs(c));
      await done(env);
    }
    console.log(
      `run ${r + 1}, ${m.label}: evaluation alone ${(m.evaluation[r] / 1000).toFixed(2)} s (CPU ${(m.cpuEvaluation[r] / 1000).toFixed(2)} s)`,
    );
    console.log(
      `run ${r + 1}, ${m.label}: import alone ${(m.alone[r] / 1000).toFixed(2)} s, import + detection ${(m.withEngine[r] / 1000).toFixed(2)} s (ratio ${(m.alone[r] / m.withEngine[r]).toFixed(2)}), ${m.alertsRaised[r]} alerts; CPU ${(m.cpuAlone[r] / 1000).toFixed(2)} s vs ${(m.cpuWith[r] / 1000).toFixed(2)} s (ratio ${(m.cpuAlone[r] / m.cpuWith[r]).toFixed(2)})`,
    );
  }
}
for (const m of builds) {
  const a = LINES / (median(m.alone) / 1000);
  const w = LINES / (median(m.withEngine) / 1000);
  console.log(
    `${m.label}: evaluation alone: ${Math.round(LINES / (median(m.evaluation) / 1000))} activities/s (median CPU ${(median(m.cpuEvaluation) / 1000).toFixed(2)} s)`,
  );
  console.log(
    `${m.label}: import alone: ${Math.round(a)} activities/s; import + evaluation (20 policies, all detections): ${Math.round(w)} activities/s; ratio ${(w / a).toFixed(2)}x; CPU-time ratio ${(median(m.cpuAlone) / median(m.cpuWith)).toFixed(2)}x`,
  );
}

// The write path: one import batch with and without the outbox inserts (same rows, fresh ids).
for (const m of builds) {
  const env = await fresh(m);
  const docs = text
    .split('\n')
    .filter(Boolean)
    .slice(0, 100)
    .map((l) => JSON.parse(l));
  const timings = { 1: [], 100: [] };
  const outbox = { 1: [], 100: [] };
  let k = 0;
  for (let i = 0; i < 200; i++) {
    for (const n of [1, 100]) {
      const rows = docs.slice(0, n).map((d) => m.activityRowFromDocument(env.tenant.id, { ...d, _id: `lat-${k++}` }));
      let t = performance.now();
      await env.services.stores.transaction((tx) => tx.activities.upsert(rows));
      timings[n].push(performance.now() - t);
      const more = rows.map((r) => ({ ...r, id: `lat-${k++}` }));
      t = performance.now();
      // The outbox inserts alone, in their own transaction (rolled back).
      await env.services.stores
        .transaction(async (tx) => {
          const t0 = performance.now();
          await m.outboxes(tx.detection.db, more);
          outbox[n].push(performance.now() - t0);
          throw new Error('rollback');
        })
        .catch(() => undefined);
    }
  }
  for (const n of [1, 100]) {
    console.log(
      `${m.label}: write of ${n} activit${n === 1 ? 'y' : 'ies'} in a transaction: median ${median(timings[n]).toFixed(2)} ms, of which the outbox inserts ${median(outbox[n]).toFixed(3)} ms`,
    );
  }
  await done(env);
}
