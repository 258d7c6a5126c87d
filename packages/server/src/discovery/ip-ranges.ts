// IP -> range(s) lookup for subnet tags (corporate, VPN, cloud provider...) and for matching
// IP-only log sources to catalog apps.
//
// Build: every range becomes an interval of 128-bit addresses (IPv4 as IPv4-mapped IPv6, the
// same normalisation the subnet API shows: mask + 96). A sweep over the sorted interval
// boundaries cuts the address space into disjoint segments, each holding the (pre-built, shared)
// list of ranges that cover it, most specific first. Overlapping and nested ranges are fine.
// Lookup: binary search for the last segment start <= address. Addresses are four unsigned
// 32-bit words compared lexicographically - no BigInt on the lookup path. IPv4 lookups use a
// separate table of plain 32-bit starts, and dotted quads are parsed by hand; ipaddr.js parses
// the ranges and IPv6 addresses (and is the oracle in the tests).
import ipaddr from 'ipaddr.js';

type Words = [number, number, number, number];

const EMPTY: readonly never[] = Object.freeze([]);

/** Dotted quad -> unsigned 32-bit value, or -1. */
export function parseIpv4Number(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let acc = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = acc * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || digits === 3) return -1;
      octet = octet * 10 + d;
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + octet;
}

function wordsOf(addr: ipaddr.IPv4 | ipaddr.IPv6): Words {
  if (addr.kind() === 'ipv4') {
    const o = addr.toByteArray();
    return [0, 0, 0xffff, ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0];
  }
  const p = (addr as ipaddr.IPv6).parts;
  return [((p[0]! << 16) | p[1]!) >>> 0, ((p[2]! << 16) | p[3]!) >>> 0, ((p[4]! << 16) | p[5]!) >>> 0, ((p[6]! << 16) | p[7]!) >>> 0];
}

function compareWords(a: Words, b: Words): number {
  for (let i = 0; i < 4; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/** a + 1, or undefined on overflow past 2^128 - 1. */
function increment(a: Words): Words | undefined {
  const r: Words = [a[0], a[1], a[2], a[3]];
  for (let i = 3; i >= 0; i--) {
    if (r[i] === 0xffffffff) r[i] = 0;
    else {
      r[i] = r[i]! + 1;
      return r;
    }
  }
  return undefined;
}

/** Network start and last address of a prefix. */
function prefixBounds(start: Words, bits: number): [Words, Words] {
  const lo: Words = [0, 0, 0, 0];
  const hi: Words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const keep = Math.max(0, Math.min(32, bits - i * 32));
    const mask = keep === 0 ? 0 : keep === 32 ? 0xffffffff : (0xffffffff << (32 - keep)) >>> 0;
    lo[i] = (start[i]! & mask) >>> 0;
    hi[i] = (lo[i]! | (~mask >>> 0)) >>> 0;
  }
  return [lo, hi];
}

/** Approximate size (as a float) to order overlapping ranges from most to least specific. */
function spanOf(lo: Words, hi: Words): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v = v * 4294967296 + (hi[i]! - lo[i]!);
  return v;
}

export interface ParsedRange {
  start: Words;
  end: Words;
}

/**
 * Parses `a.b.c.d/n`, `v6::/n`, a bare address, or `first-last` (PAN-OS style) into an
 * inclusive 128-bit interval. Returns undefined when the text is not a range.
 */
export function parseRange(text: string): ParsedRange | undefined {
  const t = text.trim();
  try {
    const dash = t.indexOf('-');
    if (dash > 0) {
      const a = wordsOf(ipaddr.parse(t.slice(0, dash).trim()));
      const b = wordsOf(ipaddr.parse(t.slice(dash + 1).trim()));
      return compareWords(a, b) <= 0 ? { start: a, end: b } : undefined;
    }
    if (t.indexOf('/') >= 0) {
      const [addr, bits] = ipaddr.parseCIDR(t);
      const w = wordsOf(addr);
      const [start, end] = prefixBounds(w, addr.kind() === 'ipv4' ? bits + 96 : bits);
      return { start, end };
    }
    const w = wordsOf(ipaddr.parse(t));
    return { start: w, end: w };
  } catch {
    return undefined;
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint16Array(8);

/**
 * Plain IPv6 text (hex groups, at most one `::`) -> words, by hand. Returns undefined for
 * anything else - dotted-quad tails (ipaddr.js reads `::a.b.c.d` as IPv4-mapped), zone ids,
 * invalid text - and the caller asks ipaddr.js, which stays the authority (and the test oracle).
 */
export function parseIpv6Fast(s: string): Words | undefined {
  const n = s.length;
  if (n < 2 || n > 45) return undefined;
  let count = 0;
  let gap = -1; // group index where `::` stands
  let i = 0;
  if (s.charCodeAt(0) === 58) {
    if (s.charCodeAt(1) !== 58) return undefined;
    gap = 0;
    i = 2;
    if (i === n) return [0, 0, 0, 0];
  }
  for (;;) {
    if (count === 8) return undefined;
    let v = 0;
    const start = i;
    for (; i < n; i++) {
      const d = hexDigit(s.charCodeAt(i));
      if (d < 0) break;
      v = v * 16 + d;
    }
    const len = i - start;
    if (len === 0 || len > 4) return undefined;
    groups[count++] = v;
    if (i === n) break;
    if (s.charCodeAt(i) !== 58) return undefined;
    i++;
    if (i < n && s.charCodeAt(i) === 58) {
      if (gap >= 0) return undefined;
      gap = count;
      i++;
      if (i === n) break;
    } else if (i === n) return undefined;
  }
  if (gap < 0) {
    if (count !== 8) return undefined;
  } else {
    if (count > 7) return undefined;
    // Move the groups after `::` to the end and zero the gap.
    const shift = 8 - count;
    for (let k = 7; k >= gap + shift; k--) groups[k] = groups[k - shift]!;
    for (let k = gap; k < gap + shift; k++) groups[k] = 0;
  }
  return [
    ((groups[0]! << 16) | groups[1]!) >>> 0,
    ((groups[2]! << 16) | groups[3]!) >>> 0,
    ((groups[4]! << 16) | groups[5]!) >>> 0,
    ((groups[6]! << 16) | groups[7]!) >>> 0,
  ];
}

/** Address text -> words, or undefined. IPv4 (and IPv4-mapped IPv6) land in ::ffff:0:0/96. */
export function parseAddressWords(ip: string): Words | undefined {
  const v4 = parseIpv4Number(ip);
  if (v4 >= 0) return [0, 0, 0xffff, v4];
  const fast = parseIpv6Fast(ip);
  if (fast) return fast;
  try {
    return wordsOf(ipaddr.IPv6.parse(ip));
  } catch {
    return undefined;
  }
}

export interface RangeEntry<T> {
  /** CIDR, bare address, or `first-last`. */
  range: string;
  value: T;
}

export class IpRangeTable<T> {
  private readonly starts6: Uint32Array;
  private readonly lists6: (readonly T[])[];
  private readonly starts4: Uint32Array;
  private readonly lists4: (readonly T[])[];
  /** Entries whose range text did not parse, for the caller to report. */
  readonly rejected: readonly RangeEntry<T>[];
  readonly size: number;

  private constructor(
    starts6: Uint32Array,
    lists6: (readonly T[])[],
    starts4: Uint32Array,
    lists4: (readonly T[])[],
    rejected: RangeEntry<T>[],
    size: number,
  ) {
    this.starts6 = starts6;
    this.lists6 = lists6;
    this.starts4 = starts4;
    this.lists4 = lists4;
    this.rejected = rejected;
    this.size = size;
  }

  static build<T>(entries: Iterable<RangeEntry<T>>): IpRangeTable<T> {
    interface Item {
      start: Words;
      end: Words;
      span: number;
      order: number;
      value: T;
    }
    const items: Item[] = [];
    const rejected: RangeEntry<T>[] = [];
    for (const e of entries) {
      const r = parseRange(e.range);
      if (!r) rejected.push(e);
      else items.push({ start: r.start, end: r.end, span: spanOf(r.start, r.end), order: items.length, value: e.value });
    }
    // Events: open at start, close at end + 1.
    type Ev = { at: Words; open: boolean; item: Item };
    const events: Ev[] = [];
    for (const it of items) {
      events.push({ at: it.start, open: true, item: it });
      const after = increment(it.end);
      if (after) events.push({ at: after, open: false, item: it });
    }
    events.sort((a, b) => compareWords(a.at, b.at));
    const segStarts: Words[] = [[0, 0, 0, 0]];
    const segLists: (readonly T[])[] = [EMPTY];
    const active = new Set<Item>();
    for (let i = 0; i < events.length;) {
      const at = events[i]!.at;
      while (i < events.length && compareWords(events[i]!.at, at) === 0) {
        const ev = events[i]!;
        if (ev.open) active.add(ev.item);
        else active.delete(ev.item);
        i++;
      }
      const list: readonly T[] =
        active.size === 0 ? EMPTY : Object.freeze([...active].sort((a, b) => a.span - b.span || a.order - b.order).map((x) => x.value));
      if (compareWords(segStarts[segStarts.length - 1]!, at) === 0) segLists[segLists.length - 1] = list;
      else {
        segStarts.push(at);
        segLists.push(list);
      }
    }
    const starts6 = new Uint32Array(segStarts.length * 4);
    segStarts.forEach((w, k) => starts6.set(w, k * 4));

    // IPv4 view: the segments that intersect ::ffff:0.0.0.0 - ::ffff:255.255.255.255.
    const v4lo: Words = [0, 0, 0xffff, 0];
    const v4hi: Words = [0, 0, 0xffff, 0xffffffff];
    const s4: number[] = [];
    const l4: (readonly T[])[] = [];
    for (let k = 0; k < segStarts.length; k++) {
      const s = segStarts[k]!;
      const next = segStarts[k + 1];
      if (compareWords(s, v4hi) > 0) break;
      if (next && compareWords(next, v4lo) <= 0) continue;
      s4.push(compareWords(s, v4lo) < 0 ? 0 : s[3]!);
      l4.push(segLists[k]!);
    }
    return new IpRangeTable(starts6, segLists, Uint32Array.from(s4), l4, rejected, items.length);
  }

  /** Ranges containing an unsigned 32-bit IPv4 address, most specific first. */
  lookupV4(addr: number): readonly T[] {
    const s = this.starts4;
    let lo = 0;
    let hi = s.length - 1;
    if (hi < 0 || addr < s[0]!) return EMPTY;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (s[mid]! <= addr) lo = mid;
      else hi = mid - 1;
    }
    return this.lists4[lo]!;
  }

  lookupWords(w: Words): readonly T[] {
    const s = this.starts6;
    let lo = 0;
    let hi = s.length / 4 - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const b = mid * 4;
      let cmp = 0;
      for (let i = 0; i < 4; i++) {
        const x = s[b + i]!;
        if (x !== w[i]) {
          cmp = x < w[i]! ? -1 : 1;
          break;
        }
      }
      if (cmp <= 0) lo = mid;
      else hi = mid - 1;
    }
    return this.lists6[lo]!;
  }

  /** Ranges containing the address, most specific first; empty for none or an invalid address. */
  lookup(ip: string): readonly T[] {
    const v4 = parseIpv4Number(ip);
    if (v4 >= 0) return this.lookupV4(v4);
    const w = parseAddressWords(ip);
    return w ? this.lookupWords(w) : EMPTY;
  }

  lookupFirst(ip: string): T | undefined {
    return this.lookup(ip)[0];
  }

  /** Number of disjoint segments (for diagnostics and the benchmark). */
  get segmentCount(): number {
    return this.lists6.length;
  }
}
