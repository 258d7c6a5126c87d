// Byte-level fast path for Squid native lines, fused with catalog matching and the rollup.
//
// squid-native.ts is the reference: this reads the same fields straight from the chunk's bytes,
// without a string per line or per field, and interns client address, user and host by their
// bytes (hosts repeat heavily, so the catalog walk runs once per distinct host). It only takes
// the common shape of a line - epoch.mmm timestamp, dotted-quad client, plain ASCII user,
// lower-case `http(s)://host[:port]` or CONNECT `host:port` - and returns false for anything
// else (syslog envelopes, IPv6, percent-encoded or non-ASCII users, IP-literal or unusual URLs,
// malformed lines) BEFORE changing any state, so the caller can hand the line to the string
// parser. The equivalence test compares both paths on generated and mutated input.
import type { TrafficAggregator } from '../aggregation.js';
import type { AppMatcher } from '../catalog/app-matcher.js';
import { Interner } from '../interner.js';

const MS_PER_DAY = 86_400_000;
/** Fields read: the 10th (MIME type) is optional and unused, so tokenising stops after 9. */
const FIELDS_USED = 9;
const NO_USER = -1;
const UNKNOWN = -2;

/** What the fast path updates; the same counters parse-stream keeps for the string path. */
export interface FastPathState {
  parsed: number;
  tooOld: number;
  blocked: number;
  matched: number;
  unclassified: number;
  first: number;
  last: number;
}

export interface FastLineHandler {
  /** Handles the line and returns true, or returns false without side effects. */
  line(buf: Buffer, start: number, end: number): boolean;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Strict dotted quad (same rules as isIpv4): returns the address or -1. */
function ipv4At(b: Buffer, start: number, end: number): number {
  const n = end - start;
  if (n < 7 || n > 15) return -1;
  let acc = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      acc = acc * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      if (!isDigit(c) || digits === 3) return -1;
      octet = octet * 10 + (c - 48);
      if (octet > 255) return -1;
      digits++;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return acc * 256 + octet;
}

function isHostByte(c: number): boolean {
  // Lower-case names only: upper case goes to the string path, which lower-cases.
  return (c >= 97 && c <= 122) || isDigit(c) || c === 45 || c === 46 || c === 95;
}

export function createSquidNativeFastPath(
  aggregator: TrafficAggregator,
  matcher: AppMatcher,
  minTimestamp: number,
  state: FastPathState,
): FastLineHandler {
  const starts = new Int32Array(FIELDS_USED);
  const ends = new Int32Array(FIELDS_USED);
  const hosts = new Interner();
  // host id -> aggregator app index (0 = unmatched), or UNKNOWN before the first lookup.
  let hostApp = new Int32Array(1024).fill(UNKNOWN);
  const hostKey: (string | undefined)[] = [];
  const useIpRanges = matcher.hasIpRanges;

  function classify(hostId: number, buf: Buffer, start: number, end: number): number {
    if (hostId >= hostApp.length) {
      const next = new Int32Array(hostApp.length * 2).fill(UNKNOWN);
      next.set(hostApp);
      hostApp = next;
    }
    const r = matcher.matchHostResult(buf.toString('latin1', start, end));
    hostApp[hostId] = aggregator.appIdx(r.app);
    hostKey[hostId] = r.unclassifiedKey;
    return hostApp[hostId]!;
  }

  function line(b: Buffer, lineStart: number, end: number): boolean {
    let i = lineStart;
    while (i < end && (b[i] === 32 || b[i] === 9)) i++;
    if (i === end || !isDigit(b[i]!)) return false;
    let count = 0;
    while (i < end && count < FIELDS_USED) {
      const c = b[i]!;
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      starts[count] = i;
      while (i < end) {
        const d = b[i]!;
        if (d === 32 || d === 9) break;
        i++;
      }
      ends[count++] = i;
    }
    if (count < FIELDS_USED) return false;

    // %ts.%03tu: 1-11 digits, a dot, exactly three digits.
    const t0 = starts[0]!;
    const t1 = ends[0]!;
    if (t1 - t0 < 5 || t1 - t0 > 15 || b[t1 - 4] !== 46) return false;
    let sec = 0;
    for (let k = t0; k < t1 - 4; k++) {
      const c = b[k]!;
      if (!isDigit(c)) return false;
      sec = sec * 10 + (c - 48);
    }
    const m0 = b[t1 - 3]!;
    const m1 = b[t1 - 2]!;
    const m2 = b[t1 - 1]!;
    if (!isDigit(m0) || !isDigit(m1) || !isDigit(m2)) return false;
    const timestamp = sec * 1000 + (m0 - 48) * 100 + (m1 - 48) * 10 + (m2 - 48);

    const ipStart = starts[2]!;
    const ipEnd = ends[2]!;
    if (ipv4At(b, ipStart, ipEnd) < 0) return false;

    // %Ss/%03>Hs: blocked when DENIED appears before the slash.
    const codeStart = starts[3]!;
    const codeEnd = ends[3]!;
    let slash = -1;
    for (let k = codeStart; k < codeEnd; k++) {
      if (b[k] === 47) {
        slash = k;
        break;
      }
    }
    if (slash < 0) return false;
    let blocked = false;
    for (let k = codeStart; k + 6 <= slash; k++) {
      if (b[k] === 68 && b[k + 1] === 69 && b[k + 2] === 78 && b[k + 3] === 73 && b[k + 4] === 69 && b[k + 5] === 68) {
        blocked = true;
        break;
      }
    }

    const s4 = starts[4]!;
    const e4 = ends[4]!;
    if (e4 - s4 > 15) return false;
    let bytes = 0;
    for (let k = s4; k < e4; k++) {
      const c = b[k]!;
      if (!isDigit(c)) return false;
      bytes = bytes * 10 + (c - 48);
    }

    const isConnect =
      ends[5]! - starts[5]! === 7 &&
      b[starts[5]!] === 67 &&
      b[starts[5]! + 1] === 79 &&
      b[starts[5]! + 2] === 78 &&
      b[starts[5]! + 3] === 78 &&
      b[starts[5]! + 4] === 69 &&
      b[starts[5]! + 5] === 67 &&
      b[starts[5]! + 6] === 84;

    // URL -> host [hs, he).
    const u0 = starts[6]!;
    const u1 = ends[6]!;
    let hs = u0;
    if (!isConnect) {
      // http:// or https://
      if (u1 - u0 < 8 || b[u0] !== 104 || b[u0 + 1] !== 116 || b[u0 + 2] !== 116 || b[u0 + 3] !== 112) return false;
      let k = u0 + 4;
      if (b[k] === 115) k++;
      if (b[k] !== 58 || b[k + 1] !== 47 || b[k + 2] !== 47) return false;
      hs = k + 3;
    }
    let he = hs;
    let letters = false;
    let hostHash = 0x811c9dc5 | 0;
    while (he < u1) {
      const c = b[he]!;
      if (!isHostByte(c)) break;
      if (c > 57 || c === 45 || c === 95) letters = true;
      hostHash = Math.imul(hostHash ^ c, 0x01000193);
      he++;
    }
    // A name (not an IP literal), 1-253 chars, no trailing dot.
    if (!letters || he - hs > 253 || b[he - 1] === 46) return false;
    let k = he;
    if (k < u1 && b[k] === 58) {
      k++;
      const p0 = k;
      let port = 0;
      while (k < u1 && isDigit(b[k]!) && k - p0 < 5) port = port * 10 + (b[k++]! - 48);
      if (k === p0 || port > 65535) return false;
    }
    if (isConnect) {
      if (k !== u1) return false;
    } else if (k < u1 && b[k] !== 47 && b[k] !== 63 && b[k] !== 35) return false;

    // %[un: `-` or a plain ASCII name (escapes and non-ASCII go to the string path).
    const us = starts[7]!;
    const ue = ends[7]!;
    let userHash = 0;
    const noUser = ue - us === 1 && b[us] === 45;
    if (!noUser) {
      let h = 0x811c9dc5 | 0;
      for (let q = us; q < ue; q++) {
        const c = b[q]!;
        if (c === 37 || c > 127) return false;
        h = Math.imul(h ^ c, 0x01000193);
      }
      userHash = h;
    }

    const hostId = hosts.idOfBytes(b, hs, he, hostHash);
    let appIdx = hostId < hostApp.length ? hostApp[hostId]! : UNKNOWN;
    if (appIdx === UNKNOWN) appIdx = classify(hostId, b, hs, he);
    let viaIp = false;
    if (appIdx === 0 && useIpRanges) {
      // Unknown host: the peer address of %Sh/%<a decides, as in AppMatcher.match.
      const h0 = starts[8]!;
      const h1 = ends[8]!;
      let p = h0;
      while (p < h1 && b[p] !== 47) p++;
      if (p < h1) {
        p++;
        if (!(h1 - p === 1 && b[p] === 45)) {
          const addr = ipv4At(b, p, h1);
          if (addr < 0) return false;
          const app = matcher.matchIpv4(addr);
          if (app) {
            appIdx = aggregator.appIdx(app);
            viaIp = true;
          }
        }
      }
    }

    // The line is a record: from here on, count it.
    state.parsed++;
    if (timestamp < minTimestamp) {
      state.tooOld++;
      return true;
    }
    if (timestamp < state.first) state.first = timestamp;
    if (timestamp > state.last) state.last = timestamp;
    if (blocked) state.blocked++;
    if (appIdx !== 0) state.matched++;
    else state.unclassified++;
    const userId = noUser ? NO_USER : aggregator.users.idOfBytes(b, us, ue, userHash);
    const ipId = aggregator.ips.idOfBytes(b, ipStart, ipEnd);
    aggregator.addIds(Math.floor(timestamp / MS_PER_DAY), appIdx, userId, ipId, blocked, 0, bytes, bytes);
    if (appIdx === 0 && !viaIp) {
      const key = hostKey[hostId];
      if (key) aggregator.addUnclassified(key, 1, bytes, aggregator.position);
    }
    return true;
  }

  return { line };
}
