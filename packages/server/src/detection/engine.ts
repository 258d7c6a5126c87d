import { alertRowFromDocument } from '../cloudapps/alerts/model.js';
import type { Clock } from '../clock.js';
import type { Stores } from '../store/interfaces.js';
import type { CloudAppsAlertRow } from '../store/schema.js';
import { ActivityFacts } from './activity-facts.js';
import { alertDocument, alertId } from './alert-document.js';
import { BUILT_IN_DETECTORS, type Detector, type Raised, type StateView } from './detectors.js';
import { policyDetector, policyFromRow } from './policies.js';
import type { DetectionSettings } from './settings.js';
import { serveInTurn, WorkerLoop } from '../worker-loop.js';

export interface DetectionEngineOptions {
  /** Queued activities one transaction evaluates for one tenant. */
  batchSize: number;
  /** How often an idle engine looks for queued activities (other processes enqueue too). */
  pollMs: number;
  /** Most activities named in one alert (`audits`). */
  maxAlertActivities: number;
}

export const DEFAULT_ENGINE_OPTIONS: DetectionEngineOptions = { batchSize: 2000, pollMs: 250, maxAlertActivities: 1000 };

type Log = { info(o: object, msg: string): void; error(o: object, msg: string): void };
const silent: Log = { info: () => undefined, error: () => undefined };

/** The tenant's state for one batch: what was loaded, what changed. */
class StateCache implements StateView {
  readonly dirty = new Set<string>();
  readonly deleted = new Set<string>();
  constructor(private readonly values: Map<string, unknown>) {}
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.values.set(key, value);
    this.dirty.add(key);
    this.deleted.delete(key);
  }
  delete(key: string): void {
    this.values.delete(key);
    this.dirty.delete(key);
    this.deleted.add(key);
  }
}

/**
 * Evaluates stored activities exactly once. Activities are queued by the activity stores in the
 * transaction that inserts them; this engine takes one tenant at a time (round robin), locks it
 * (one evaluator per tenant across processes), evaluates a batch in timestamp order against the
 * built-in detections and the tenant's enabled policies, and in the same transaction writes the
 * new alerts (deterministic ids, insert-if-absent), the detector state and removes the batch from
 * the queue. A crash rolls all of it back; the batch is evaluated again, to the same alerts.
 */
export class DetectionEngine {
  private turn = 0;
  private log: Log = silent;
  private readonly loop: WorkerLoop<number>;
  /** Activities evaluated and alerts written by this process. */
  readonly stats = { evaluated: 0, alerts: 0, batches: 0, errors: 0 };

  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly settingsOf: (tenantId: string) => Promise<DetectionSettings>,
    private readonly options: DetectionEngineOptions = DEFAULT_ENGINE_OPTIONS,
  ) {
    this.loop = new WorkerLoop({
      pollMs: options.pollMs,
      round: () => this.round(),
      busy: (n) => n > 0,
      onError: (e) => {
        this.stats.errors += 1;
        this.log.error({ err: e }, 'detection run failed');
      },
    });
  }

  /** Starts the background loop. */
  start(log?: Log): void {
    if (log) this.log = log;
    this.loop.start();
  }

  /** Stops the loop; a batch in progress finishes (or rolls back with the process). */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Wakes the loop now (an import just queued activities). */
  notify(): void {
    this.loop.wake();
  }

  /** One round: a batch of each tenant with queued activities. Single-flight per process. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  private async round(): Promise<number> {
    const tenants = await this.stores.detection.queuedTenants(10_000);
    if (tenants.length === 0) return 0;
    tenants.sort();
    const counts = await serveInTurn(tenants, this.turn++, 1, (t) => this.evaluateBatch(t));
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Evaluates until nothing is queued (in any tenant). With another process holding a tenant, waits
   * for it. For tests and the demo seed: await this instead of polling the alerts.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0 && (await this.stores.detection.queueDepth()) === 0 && !this.loop.roundInFlight) return;
      if (Date.now() > until) throw new Error('detection queue did not drain in time');
      if (n === 0) await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Resolves once every activity stored so far has been evaluated. */
  whenIdle(timeoutMs?: number): Promise<void> {
    return this.drain(timeoutMs);
  }

  /** One batch of one tenant in one transaction; the number of activities evaluated (0: nothing or locked elsewhere). */
  async evaluateBatch(tenantId: string): Promise<number> {
    const settings = await this.settingsOf(tenantId);
    const now = this.clock.now();
    const detectors: Detector[] = [...BUILT_IN_DETECTORS];
    for (const row of await this.stores.detection.listPolicies(tenantId)) {
      if (row.enabled !== 1) continue;
      try {
        detectors.push(policyDetector(policyFromRow(row), now));
      } catch (e) {
        this.log.error({ err: e, tenant: tenantId, policy: row.id }, 'activity policy skipped: its filters no longer validate');
      }
    }
    const result = await this.stores.transaction(async (tx) => {
      if (!(await tx.detection.lockTenant(tenantId, now))) return { evaluated: 0, alerts: 0 };
      const { rows, missing } = await tx.detection.claim(tenantId, this.options.batchSize);
      if (rows.length === 0 && missing.length === 0) return { evaluated: 0, alerts: 0 };
      const facts = rows
        .map((r) => new ActivityFacts(r))
        .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const keys = new Set<string>();
      for (const a of facts) for (const d of detectors) for (const k of d.keys(a, settings)) keys.add(k);
      const loaded = await tx.detection.loadState(tenantId, [...keys]);
      const values = new Map<string, unknown>();
      for (const [k, v] of loaded) values.set(k, JSON.parse(v));
      const state = new StateCache(values);
      const raised: Raised[] = [];
      const ctx = { tenantId, settings, state, raise: (r: Raised) => raised.push(r) };
      for (const a of facts) {
        for (const d of detectors) {
          try {
            d.evaluate(a, ctx);
          } catch (e) {
            this.log.error({ err: e, tenant: tenantId, activity: a.id }, 'detector failed on an activity');
          }
        }
      }
      const alerts = await this.alertRows(tx, tenantId, raised, facts, state);
      const existing = await tx.alerts.existingIds(
        tenantId,
        alerts.map((r) => r.id),
      );
      const fresh = alerts.filter((r) => !existing.has(r.id));
      await tx.alerts.upsert(fresh);
      await tx.detection.saveState(
        tenantId,
        [...state.dirty].map((k) => [k, JSON.stringify(state.get(k))]),
        now,
      );
      await tx.detection.deleteState(tenantId, [...state.deleted]);
      await tx.detection.complete(tenantId, [...rows.map((r) => r.id), ...missing]);
      return { evaluated: rows.length + missing.length, alerts: fresh.length };
    });
    if (result.evaluated > 0) {
      this.stats.evaluated += result.evaluated;
      this.stats.alerts += result.alerts;
      this.stats.batches += 1;
      if (result.alerts > 0)
        this.log.info({ tenant: tenantId, alerts: result.alerts, evaluated: result.evaluated }, 'detection raised alerts');
    }
    return result.evaluated;
  }

  /** Applies daily limits, drops repeats, resolves the activities and builds the alert rows. */
  private async alertRows(
    tx: Stores,
    tenantId: string,
    raised: Raised[],
    facts: ActivityFacts[],
    state: StateCache,
  ): Promise<CloudAppsAlertRow[]> {
    if (raised.length === 0) return [];
    const byId = new Map<string, Raised>();
    for (const r of raised) {
      const id = alertId(tenantId, r.rule.id, r.incidentKey);
      if (byId.has(id)) continue;
      if (r.dailyLimitKey) {
        const used = state.get<number>(r.dailyLimitKey) ?? 0;
        if (used >= (r.dailyLimit ?? Infinity)) continue;
        state.set(r.dailyLimitKey, used + 1);
      }
      byId.set(id, r);
    }
    const known = new Map(facts.map((f) => [f.id, f]));
    const wanted = new Set<string>();
    for (const r of byId.values())
      for (const id of r.activityIds.slice(-this.options.maxAlertActivities)) if (!known.has(id)) wanted.add(id);
    if (wanted.size > 0) for (const row of await tx.detection.activities(tenantId, [...wanted])) known.set(row.id, new ActivityFacts(row));
    const out: CloudAppsAlertRow[] = [];
    for (const r of byId.values()) {
      const activities = r.activityIds
        .slice(-this.options.maxAlertActivities)
        .map((id) => known.get(id))
        .filter((a): a is ActivityFacts => a !== undefined);
      if (activities.length === 0) continue;
      const doc = alertDocument(tenantId, tenantId, { ...r, activities });
      out.push(alertRowFromDocument(tenantId, doc));
    }
    return out;
  }
}
