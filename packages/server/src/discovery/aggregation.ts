// Daily usage rollup: one bucket per (UTC day, app, user, source IP) with the counters of the
// McasShadowItReporting schema (transactions, blocked, uploaded, downloaded, total bytes).
// Unclassified traffic is kept under appId null so a report can show or drop it; unknown
// destinations are also counted by registrable domain for "suggest a new app".
import type { CatalogApp } from './catalog/apps.js';
import type { ParsedRecord } from './parsers/types.js';

const MS_PER_DAY = 86_400_000;

export interface AggregateRow {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  appId: number | null;
  user: string | null;
  srcIp: string;
  transactions: number;
  blockedTransactions: number;
  bytesUp: number;
  bytesDown: number;
  bytesTotal: number;
}

export interface UnclassifiedDestination {
  key: string;
  transactions: number;
  bytesTotal: number;
}

interface Bucket {
  dayIndex: number;
  appId: number | null;
  user: string | null;
  srcIp: string;
  transactions: number;
  blocked: number;
  up: number;
  down: number;
  total: number;
}

function dayString(dayIndex: number): string {
  return new Date(dayIndex * MS_PER_DAY).toISOString().slice(0, 10);
}

export class TrafficAggregator {
  private readonly buckets = new Map<string, Bucket>();
  private readonly unclassified = new Map<string, UnclassifiedDestination>();
  private readonly maxUnclassifiedKeys: number;

  constructor(options: { maxUnclassifiedKeys?: number } = {}) {
    this.maxUnclassifiedKeys = options.maxUnclassifiedKeys ?? 10_000;
  }

  add(record: ParsedRecord, app: CatalogApp | undefined, unclassifiedKey?: string): void {
    const dayIndex = Math.floor(record.timestamp / MS_PER_DAY);
    const appId = app ? app.id : null;
    const user = record.user ?? null;
    const key = `${dayIndex}\u0000${appId ?? ''}\u0000${user ?? ''}\u0000${record.srcIp}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { dayIndex, appId, user, srcIp: record.srcIp, transactions: 0, blocked: 0, up: 0, down: 0, total: 0 };
      this.buckets.set(key, b);
    }
    b.transactions++;
    if (record.action === 'blocked') b.blocked++;
    b.up += record.bytesUp;
    b.down += record.bytesDown;
    b.total += record.bytesTotal;
    if (!app && unclassifiedKey) {
      let u = this.unclassified.get(unclassifiedKey);
      if (!u) {
        if (this.unclassified.size >= this.maxUnclassifiedKeys) return;
        u = { key: unclassifiedKey, transactions: 0, bytesTotal: 0 };
        this.unclassified.set(unclassifiedKey, u);
      }
      u.transactions++;
      u.bytesTotal += record.bytesTotal;
    }
  }

  /** Rows sorted by day, app, user, source IP (deterministic output for tests and storage). */
  rows(): AggregateRow[] {
    const out = [...this.buckets.values()].sort(
      (a, b) =>
        a.dayIndex - b.dayIndex ||
        (a.appId ?? -1) - (b.appId ?? -1) ||
        (a.user ?? '').localeCompare(b.user ?? '') ||
        a.srcIp.localeCompare(b.srcIp),
    );
    return out.map((b) => ({
      day: dayString(b.dayIndex),
      appId: b.appId,
      user: b.user,
      srcIp: b.srcIp,
      transactions: b.transactions,
      blockedTransactions: b.blocked,
      bytesUp: b.up,
      bytesDown: b.down,
      bytesTotal: b.total,
    }));
  }

  /** Most-used unknown destinations first. */
  unclassifiedDestinations(limit = 100): UnclassifiedDestination[] {
    return [...this.unclassified.values()]
      .sort((a, b) => b.transactions - a.transactions || a.key.localeCompare(b.key))
      .slice(0, limit)
      .map((u) => ({ ...u }));
  }

  get bucketCount(): number {
    return this.buckets.size;
  }
}
