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

/**
 * A private copy of a string. Values parsed from a line can be V8 slices of the whole decoded
 * chunk; a bucket key that is a slice would keep that chunk alive for the life of the rollup.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

function dayString(dayIndex: number): string {
  return new Date(dayIndex * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Code-unit order: deterministic and much cheaper than localeCompare on large rollups. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class TrafficAggregator {
  // day -> app -> user -> source IP -> bucket. Nested maps avoid building a composite string
  // key per transaction, which dominated the profile.
  private readonly buckets = new Map<number, Map<number | null, Map<string | null, Map<string, Bucket>>>>();
  private count = 0;
  private readonly unclassified = new Map<string, UnclassifiedDestination>();
  private readonly maxUnclassifiedKeys: number;

  constructor(options: { maxUnclassifiedKeys?: number } = {}) {
    this.maxUnclassifiedKeys = options.maxUnclassifiedKeys ?? 10_000;
  }

  add(record: ParsedRecord, app: CatalogApp | undefined, unclassifiedKey?: string): void {
    const dayIndex = Math.floor(record.timestamp / MS_PER_DAY);
    const appId = app ? app.id : null;
    const user = record.user ?? null;
    let byApp = this.buckets.get(dayIndex);
    if (!byApp) this.buckets.set(dayIndex, (byApp = new Map()));
    let byUser = byApp.get(appId);
    if (!byUser) byApp.set(appId, (byUser = new Map()));
    let byIp = byUser.get(user);
    if (!byIp) byUser.set(user === null ? null : own(user), (byIp = new Map()));
    let b = byIp.get(record.srcIp);
    if (!b) {
      const srcIp = own(record.srcIp);
      b = { dayIndex, appId, user: user === null ? null : own(user), srcIp, transactions: 0, blocked: 0, up: 0, down: 0, total: 0 };
      byIp.set(srcIp, b);
      this.count++;
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
        u = { key: own(unclassifiedKey), transactions: 0, bytesTotal: 0 };
        this.unclassified.set(u.key, u);
      }
      u.transactions++;
      u.bytesTotal += record.bytesTotal;
    }
  }

  /** Rows sorted by day, app, user, source IP (deterministic output for tests and storage). */
  rows(): AggregateRow[] {
    const all: Bucket[] = [];
    for (const byApp of this.buckets.values()) {
      for (const byUser of byApp.values()) for (const byIp of byUser.values()) for (const b of byIp.values()) all.push(b);
    }
    const out = all.sort(
      (a, b) => a.dayIndex - b.dayIndex || (a.appId ?? -1) - (b.appId ?? -1) || cmp(a.user ?? '', b.user ?? '') || cmp(a.srcIp, b.srcIp),
    );
    const days = new Map<number, string>();
    return out.map((b) => ({
      day: days.get(b.dayIndex) ?? days.set(b.dayIndex, dayString(b.dayIndex)).get(b.dayIndex)!,
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
      .sort((a, b) => b.transactions - a.transactions || cmp(a.key, b.key))
      .slice(0, limit)
      .map((u) => ({ ...u }));
  }

  get bucketCount(): number {
    return this.count;
  }
}
