// Daily usage rollup: one bucket per (UTC day, app, user, source IP) with the counters of the
// McasShadowItReporting schema (transactions, blocked, uploaded, downloaded, total bytes).
// Unclassified traffic is kept under appId null so a report can show or drop it; unknown
// destinations are also counted by registrable domain for "suggest a new app".
//
// Hot path: users and source IPs are interned to small integers (see interner.ts), and the four
// integer key parts index an open-addressing table whose counters live in typed arrays - no
// string keys, Maps or objects per transaction. Strings come back once, in rows().
import type { CatalogApp } from './catalog/apps.js';
import { Interner } from './interner.js';
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

/** An unclassified destination with the position of its first transaction (for merging partial rollups). */
export interface UnclassifiedEntry extends UnclassifiedDestination {
  first: number;
}

/** A rollup in transferable form (typed arrays and string tables), for merging across threads. */
export interface PartialRollup {
  users: string[];
  ips: string[];
  appIds: (number | null)[];
  /** count x (day, app index, user id or -1, ip id). */
  keys: Int32Array;
  /** count x (transactions, blocked, up, down, total). */
  counts: Float64Array;
  unclassified: UnclassifiedEntry[];
  /**
   * The buckets of catalogued apps in row order (sortedBuckets), when the producer sorted them:
   * the parse worker does, so that the thread storing the rows does not sort a million buckets.
   */
  order?: Int32Array;
}

/**
 * A private copy of a string. Values parsed from a line can be V8 slices of the whole decoded
 * chunk; a key that is a slice would keep that chunk alive for the life of the rollup.
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

const NONE = -1;

function hashKey(day: number, app: number, user: number, ip: number): number {
  let h = Math.imul(day, 0x9e3779b1) ^ Math.imul(app + 1, 0x85ebca77) ^ Math.imul(user, 0xc2b2ae3d) ^ Math.imul(ip, 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

export class TrafficAggregator {
  /** Users (id NONE = no user) and source IPs; shared with byte-level fast paths. */
  readonly users = new Interner();
  readonly ips = new Interner();
  // appId -> small index; index 0 is "no app".
  private readonly appIndex = new Map<number, number>();
  private readonly appIds: (number | null)[] = [null];

  // Open addressing: slot -> bucket index + 1 (0 = empty). Buckets are dense rows of the
  // key (day, app, user, ip) and counter arrays.
  private slots = new Int32Array(1 << 12);
  private keys = new Int32Array(4 << 10);
  private counts = new Float64Array(5 << 10);
  private count = 0;

  private readonly unclassified = new Map<string, UnclassifiedEntry>();
  private readonly maxUnclassifiedKeys: number;
  /** Position of the current transaction, for ordering unclassified keys across partial rollups. */
  position = 0;

  constructor(options: { maxUnclassifiedKeys?: number } = {}) {
    this.maxUnclassifiedKeys = options.maxUnclassifiedKeys ?? 10_000;
  }

  /** Small index of an app (0 for none), for addIds. */
  appIdx(app: CatalogApp | undefined): number {
    return app ? this.appIdxOf(app.id) : 0;
  }

  private appIdxOf(appId: number | null): number {
    if (appId === null) return 0;
    let idx = this.appIndex.get(appId);
    if (idx === undefined) {
      idx = this.appIds.length;
      this.appIds.push(appId);
      this.appIndex.set(appId, idx);
    }
    return idx;
  }

  add(record: ParsedRecord, app: CatalogApp | undefined, unclassifiedKey?: string): void {
    const user = record.user;
    this.addIds(
      Math.floor(record.timestamp / MS_PER_DAY),
      app ? this.appIdxOf(app.id) : 0,
      user === undefined ? NONE : this.users.idOf(user),
      this.ips.idOf(record.srcIp),
      record.action === 'blocked',
      record.bytesUp,
      record.bytesDown,
      record.bytesTotal,
    );
    if (!app && unclassifiedKey) this.addUnclassified(unclassifiedKey, 1, record.bytesTotal, this.position);
  }

  /** The integer form of add(), for fast paths: user NONE (-1) = no user. */
  addIds(dayIndex: number, appIdx: number, userId: number, ipId: number, blocked: boolean, up: number, down: number, total: number): void {
    const o = this.bucket(dayIndex, appIdx, userId, ipId) * 5;
    const c = this.counts;
    c[o]!++;
    if (blocked) c[o + 1]!++;
    c[o + 2]! += up;
    c[o + 3]! += down;
    c[o + 4]! += total;
  }

  /** Index of the bucket for a key, created when new. */
  private bucket(dayIndex: number, appIdx: number, userId: number, ipId: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    const keys = this.keys;
    let s = hashKey(dayIndex, appIdx, userId, ipId) & mask;
    for (;;) {
      const v = slots[s]!;
      if (v === 0) return this.newBucket(dayIndex, appIdx, userId, ipId, s);
      const k = (v - 1) * 4;
      if (keys[k + 3] === ipId && keys[k + 2] === userId && keys[k] === dayIndex && keys[k + 1] === appIdx) return v - 1;
      s = (s + 1) & mask;
    }
  }

  private newBucket(dayIndex: number, appIdx: number, userId: number, ipId: number, slot: number): number {
    const b = this.count++;
    if (b * 4 >= this.keys.length) {
      const k = new Int32Array(this.keys.length * 2);
      k.set(this.keys);
      this.keys = k;
      const c = new Float64Array(this.counts.length * 2);
      c.set(this.counts);
      this.counts = c;
    }
    const k = b * 4;
    this.keys[k] = dayIndex;
    this.keys[k + 1] = appIdx;
    this.keys[k + 2] = userId;
    this.keys[k + 3] = ipId;
    this.slots[slot] = b + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
    return b;
  }

  private rehash(): void {
    const n = this.slots.length * 2;
    const slots = new Int32Array(n);
    const mask = n - 1;
    const keys = this.keys;
    for (let b = 0; b < this.count; b++) {
      const k = b * 4;
      let s = hashKey(keys[k]!, keys[k + 1]!, keys[k + 2]!, keys[k + 3]!) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = b + 1;
    }
    this.slots = slots;
  }

  /** Counts an unknown destination; `first` orders keys when the key cap is reached across merges. */
  addUnclassified(key: string, transactions: number, bytesTotal: number, first: number): void {
    let u = this.unclassified.get(key);
    if (!u) {
      if (this.unclassified.size >= this.maxUnclassifiedKeys) return;
      u = { key: own(key), transactions: 0, bytesTotal: 0, first };
      this.unclassified.set(u.key, u);
    }
    u.transactions += transactions;
    u.bytesTotal += bytesTotal;
  }

  /**
   * This rollup in transferable form (see mergePartial). The key and counter arrays are views of
   * this aggregator's own storage when it is mostly used, else exact-size copies (the storage
   * grows by doubling: up to half of it is empty, and whoever receives the transferred buffers
   * would hold that too). The aggregator must not be used afterwards.
   */
  exportPartial(): PartialRollup {
    const fit = <T extends Int32Array | Float64Array>(a: T, n: number): T =>
      n * 4 >= a.length * 3 ? (a.subarray(0, n) as T) : (a.slice(0, n) as T);
    return {
      users: Array.from({ length: this.users.size }, (_, i) => this.users.get(i)),
      ips: Array.from({ length: this.ips.size }, (_, i) => this.ips.get(i)),
      appIds: [...this.appIds],
      keys: fit(this.keys, this.count * 4),
      counts: fit(this.counts, this.count * 5),
      unclassified: this.unclassifiedEntries(),
    };
  }

  /** Adds the buckets of another rollup (unknown destinations are merged by the caller). */
  mergePartial(p: PartialRollup): void {
    const users = p.users.map((u) => this.users.idOf(u));
    const ips = p.ips.map((ip) => this.ips.idOf(ip));
    const apps = p.appIds.map((id) => this.appIdxOf(id));
    const n = p.keys.length / 4;
    for (let b = 0; b < n; b++) {
      const k = b * 4;
      const user = p.keys[k + 2]!;
      const o = this.bucket(p.keys[k]!, apps[p.keys[k + 1]!]!, user === NONE ? NONE : users[user]!, ips[p.keys[k + 3]!]!) * 5;
      const c = this.counts;
      const q = b * 5;
      for (let i = 0; i < 5; i++) c[o + i]! += p.counts[q + i]!;
    }
  }

  /** Rows sorted by day, app, user, source IP (deterministic output for tests and storage). */
  rows(): AggregateRow[] {
    return rollupRows({
      users: Array.from({ length: this.users.size }, (_, i) => this.users.get(i)),
      ips: Array.from({ length: this.ips.size }, (_, i) => this.ips.get(i)),
      appIds: this.appIds,
      keys: this.keys.subarray(0, this.count * 4),
      counts: this.counts.subarray(0, this.count * 5),
      unclassified: [],
    });
  }

  /** Most-used unknown destinations first. */
  unclassifiedDestinations(limit = 100): UnclassifiedDestination[] {
    return [...this.unclassified.values()]
      .sort((a, b) => b.transactions - a.transactions || cmp(a.key, b.key))
      .slice(0, limit)
      .map((u) => ({ key: u.key, transactions: u.transactions, bytesTotal: u.bytesTotal }));
  }

  /** Every unknown destination kept, with its first position (for merging partial rollups). */
  unclassifiedEntries(): UnclassifiedEntry[] {
    return [...this.unclassified.values()].map((u) => ({ ...u }));
  }

  get bucketCount(): number {
    return this.count;
  }
}

/**
 * The bucket indices of a rollup with unique keys (one aggregator's export) in row order: day,
 * app, user, source IP, strings in code-unit order. `keepApp` (by app index) leaves buckets out
 * before sorting. Only integers are sorted: users, addresses and apps are ranked once.
 */
export function sortedBuckets(p: PartialRollup, keepApp?: (appIdx: number) => boolean): Int32Array {
  const keys = p.keys;
  const n = keys.length / 4;
  let order = new Int32Array(n);
  let m = 0;
  for (let b = 0; b < n; b++) if (!keepApp || keepApp(keys[b * 4 + 1]!)) order[m++] = b;
  if (m < n) order = order.slice(0, m);
  const rank = (strings: string[]): Int32Array => {
    const ids = Array.from({ length: strings.length }, (_, i) => i).sort((a, b) => cmp(strings[a]!, strings[b]!));
    const r = new Int32Array(strings.length);
    ids.forEach((id, k) => (r[id] = k));
    return r;
  };
  const userRank = rank(p.users);
  const ipRank = rank(p.ips);
  const appOrder = Int32Array.from(p.appIds, (id) => id ?? -1);
  // No user sorts as the empty string: before every user name.
  const userKey = (id: number): number => (id === NONE ? -1 : userRank[id]!);
  order.sort((a, b) => {
    const ka = a * 4;
    const kb = b * 4;
    return (
      keys[ka]! - keys[kb]! ||
      appOrder[keys[ka + 1]!]! - appOrder[keys[kb + 1]!]! ||
      userKey(keys[ka + 2]!) - userKey(keys[kb + 2]!) ||
      ipRank[keys[ka + 3]!]! - ipRank[keys[kb + 3]!]!
    );
  });
  return order;
}

/** One bucket of a rollup as a row; `days` caches the day strings. */
export function rollupRow(p: PartialRollup, b: number, days: Map<number, string>): AggregateRow {
  const k = b * 4;
  const o = b * 5;
  const keys = p.keys;
  const c = p.counts;
  const dayIndex = keys[k]!;
  const userId = keys[k + 2]!;
  let day = days.get(dayIndex);
  if (day === undefined) days.set(dayIndex, (day = dayString(dayIndex)));
  return {
    day,
    appId: p.appIds[keys[k + 1]!]!,
    user: userId === NONE ? null : p.users[userId]!,
    srcIp: p.ips[keys[k + 3]!]!,
    transactions: c[o]!,
    blockedTransactions: c[o + 1]!,
    bytesUp: c[o + 2]!,
    bytesDown: c[o + 3]!,
    bytesTotal: c[o + 4]!,
  };
}

/** Every row of a rollup with unique keys, sorted as TrafficAggregator.rows(). */
export function rollupRows(p: PartialRollup): AggregateRow[] {
  const days = new Map<number, string>();
  return Array.from(sortedBuckets(p), (b) => rollupRow(p, b, days));
}
