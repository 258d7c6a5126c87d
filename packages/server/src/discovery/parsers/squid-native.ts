// Squid native access.log (`logformat squid`):
//   %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
// Fields are separated by runs of blanks (`%6tr` is padded). `%<st` is the reply size sent to
// the client, so it is download; Squid native has no request size, hence bytesUp = 0.
// Blocked = the Squid result code says DENIED (TCP_DENIED, TCP_DENIED_REPLY, UDP_DENIED...).
// Lines may carry a syslog envelope (SQUID_NATIVE_SYSLOG); the body starts at the first token
// that looks like `<epoch>.<ms>`.
import { endpointFromUrl, isIpv4, normalizeIp } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import {
  IGNORED_BLANK,
  IGNORED_COMMENT,
  fail,
  makeRecord,
  type LineParser,
  type LogParser,
  type ParseResult,
  type ParserOptions,
} from './types.js';

const FIELD_COUNT = 10;

/** Epoch `sssssssss.mmm` -> ms, or NaN. */
function squidTime(s: string, start: number, end: number): number {
  let sec = 0;
  let i = start;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) break;
    const d = c - 48;
    if (d < 0 || d > 9) return NaN;
    sec = sec * 10 + d;
  }
  if (i === start || i - start > 11) return NaN;
  let ms = 0;
  let scale = 100;
  for (i++; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    ms += d * scale;
    scale /= 10;
  }
  return sec * 1000 + Math.floor(ms);
}

function countAt(s: string, start: number, end: number): number {
  if (end === start || end - start > 16) return NaN;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** `[i, end)` is `<epoch seconds>.<ms>`. Looks only inside the token: a search for '.' that ran
 * to the end of the line made the token loop below quadratic on lines of many short tokens. */
function looksLikeSquidTime(s: string, i: number, end: number): boolean {
  const dot = end - 4;
  return dot > i + 7 && s.charCodeAt(dot) === 46 && !Number.isNaN(squidTime(s, i, end));
}

/** Tokens (host, tag, pid...) tried between a syslog header and the Squid timestamp before giving up. */
const MAX_TOKENS_BEFORE_TIMESTAMP = 16;

function createSquidNative(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  // Token boundaries are kept in a reused typed array: no per-line arrays.
  const starts = new Int32Array(FIELD_COUNT);
  const ends = new Int32Array(FIELD_COUNT);

  function parseLine(line: string): ParseResult {
    const n = line.length;
    let i = 0;
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i === n) return IGNORED_BLANK;
    const c0 = line.charCodeAt(i);
    if (c0 === 35) return IGNORED_COMMENT;
    if (c0 < 48 || c0 > 57) {
      // Syslog envelope: skip the header, then any `squid[pid]:` tag until the epoch token.
      const h = scanSyslogHeader(line, offset, now);
      i = h.bodyStart;
      for (let tried = 0; ; tried++) {
        while (i < n && line.charCodeAt(i) === 32) i++;
        if (i >= n || tried >= MAX_TOKENS_BEFORE_TIMESTAMP) return fail('no Squid timestamp found');
        let e = line.indexOf(' ', i);
        if (e < 0) e = n;
        if (looksLikeSquidTime(line, i, e)) break;
        i = e;
      }
    }
    let count = 0;
    while (i < n && count < FIELD_COUNT) {
      const c = line.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      starts[count] = i;
      while (i < n) {
        const d = line.charCodeAt(i);
        if (d === 32 || d === 9) break;
        i++;
      }
      ends[count++] = i;
    }
    // The MIME type (last field) is sometimes dropped by custom logformats; the rest are needed.
    if (count < FIELD_COUNT - 1) return fail(`expected ${FIELD_COUNT} fields, found ${count}`);

    const timestamp = squidTime(line, starts[0]!, ends[0]!);
    if (Number.isNaN(timestamp)) return fail('invalid timestamp');

    const srcRaw = line.slice(starts[2]!, ends[2]!);
    const srcIp = isIpv4(srcRaw) ? srcRaw : normalizeIp(srcRaw);
    if (!srcIp) return fail('invalid client address');

    const codeStart = starts[3]!;
    const slash = line.indexOf('/', codeStart);
    if (slash < 0 || slash >= ends[3]!) return fail('invalid result code');
    const denied = line.indexOf('DENIED', codeStart);
    const blocked = denied >= 0 && denied < slash;

    const bytes = countAt(line, starts[4]!, ends[4]!);
    if (Number.isNaN(bytes)) return fail('invalid byte count');

    const isConnect = ends[5]! - starts[5]! === 7 && line.startsWith('CONNECT', starts[5]!);
    const url = line.slice(starts[6]!, ends[6]!);
    const ep = endpointFromUrl(url);
    if (!ep && isConnect) return fail('invalid CONNECT target');

    const userRaw = line.slice(starts[7]!, ends[7]!);
    const user = userRaw === '-' ? undefined : decodeURIComponentSafe(userRaw);

    let destIp = ep?.ip;
    const hier = line.slice(starts[8]!, ends[8]!);
    const hs = hier.indexOf('/');
    if (hs >= 0 && !destIp) {
      const peer = hier.slice(hs + 1);
      if (peer !== '-') destIp = normalizeIp(peer);
    }

    return makeRecord({
      timestamp,
      srcIp,
      user,
      destHost: ep?.host,
      destIp,
      destPort: ep?.port,
      url: isConnect ? undefined : url,
      bytesDown: bytes,
      bytesTotal: bytes,
      action: blocked ? 'blocked' : 'allowed',
    });
  }

  return { parseLine };
}

/** Squid percent-encodes user names with blanks; a malformed escape keeps the raw text. */
export function decodeURIComponentSafe(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export const squidNativeParser: LogParser = {
  id: 'squid-native',
  name: 'Squid (Native)',
  create: createSquidNative,
};
