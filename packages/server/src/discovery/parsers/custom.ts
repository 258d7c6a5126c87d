// Custom parser (CUSTOM_PARSER): the admin maps columns (CSV) or keys (key=value) to fields,
// as in MDA's custom log parser. Names are case-sensitive. The timestamp format is given as a
// pattern (yyyy MM MMM dd HH mm ss SSS Z, other characters literal), `epoch`, or `auto`.
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { monthAt, parseAnyTimestamp, parseEpoch, utcMs } from './timestamps.js';
import { parseKeyValuePairs, parseOptionalCount, presentValue, splitDelimited } from './tokenizers.js';
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

export type CustomField =
  | 'timestamp'
  | 'srcIp'
  | 'user'
  | 'machine'
  | 'destHost'
  | 'destIp'
  | 'destPort'
  | 'url'
  | 'bytesUp'
  | 'bytesDown'
  | 'bytesTotal'
  | 'action';

export interface CustomParserConfig {
  layout: 'csv' | 'keyvalue';
  /** CSV delimiter (default `,`). */
  delimiter?: string;
  /**
   * CSV column names: a list, or `first-line` to read them from the file. Without a header,
   * field references are 0-based column numbers (`"3"`).
   */
  header?: readonly string[] | 'first-line';
  /** Field -> column name / key. `timestamp` may list several columns, joined with a blank (date + time). */
  fields: Partial<Record<Exclude<CustomField, 'timestamp'>, string>> & { timestamp: string | readonly string[]; srcIp: string };
  /** `auto` (default), `epoch`, or a pattern such as `dd/MMM/yyyy:HH:mm:ss Z`. */
  timestampFormat?: string;
  /** Action values meaning blocked (case-insensitive). Default: block, blocked, deny, denied, drop, dropped, reject. */
  blockedValues?: readonly string[];
}

const DEFAULT_BLOCKED = ['block', 'blocked', 'deny', 'denied', 'drop', 'dropped', 'reject', 'rejected'];

type TimeReader = (s: string) => number;

/** Compiles a date pattern into a reader; throws on an unusable pattern (config time, not parse time). */
export function compileTimeFormat(pattern: string, utcOffsetMinutes: number, now: number): TimeReader {
  if (pattern === 'auto') return (s) => parseAnyTimestamp(s, utcOffsetMinutes, now);
  if (pattern === 'epoch') return parseEpoch;
  type Step =
    | { kind: 'num'; field: 'y' | 'M' | 'd' | 'H' | 'm' | 's' | 'S'; width: number }
    | { kind: 'mon' }
    | { kind: 'zone' }
    | { kind: 'lit'; ch: string };
  const steps: Step[] = [];
  const tokens: [string, Step][] = [
    ['yyyy', { kind: 'num', field: 'y', width: 4 }],
    ['MMM', { kind: 'mon' }],
    ['MM', { kind: 'num', field: 'M', width: 2 }],
    ['dd', { kind: 'num', field: 'd', width: 2 }],
    ['HH', { kind: 'num', field: 'H', width: 2 }],
    ['mm', { kind: 'num', field: 'm', width: 2 }],
    ['ss', { kind: 'num', field: 's', width: 2 }],
    ['SSS', { kind: 'num', field: 'S', width: 3 }],
    ['Z', { kind: 'zone' }],
  ];
  let i = 0;
  outer: while (i < pattern.length) {
    for (const [tok, step] of tokens) {
      if (pattern.startsWith(tok, i)) {
        steps.push(step);
        i += tok.length;
        continue outer;
      }
    }
    steps.push({ kind: 'lit', ch: pattern[i]! });
    i++;
  }
  if (!steps.some((s) => s.kind === 'num' && s.field === 'y')) throw new Error(`time format "${pattern}" has no yyyy`);
  return (s: string) => {
    const v = { y: 0, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
    let zone = utcOffsetMinutes;
    let p = 0;
    for (const st of steps) {
      if (st.kind === 'lit') {
        if (s[p] !== st.ch) return NaN;
        p++;
      } else if (st.kind === 'mon') {
        const mo = monthAt(s, p);
        if (mo < 0) return NaN;
        v.M = mo;
        p += 3;
      } else if (st.kind === 'zone') {
        const m = /^(Z|UTC|GMT|[+-]\d{2}:?\d{2})/.exec(s.slice(p));
        if (!m) return NaN;
        const z = m[1]!;
        zone = z === 'Z' || z === 'UTC' || z === 'GMT' ? 0 : (z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(-2)));
        p += z.length;
      } else {
        let n = 0;
        for (let k = 0; k < st.width; k++) {
          const c = s.charCodeAt(p + k) - 48;
          if (c < 0 || c > 9) return NaN;
          n = n * 10 + c;
        }
        v[st.field] = n;
        p += st.width;
      }
    }
    if (p !== s.length) return NaN;
    return utcMs(v.y, v.M, v.d, v.H, v.m, v.s, v.S) - zone * 60_000;
  };
}

export function createCustomParser(config: CustomParserConfig, options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  const readTime = compileTimeFormat(config.timestampFormat ?? 'auto', offset, now);
  const blocked = new Set((config.blockedValues ?? DEFAULT_BLOCKED).map((v) => v.toLowerCase()));
  const delimiter = config.delimiter ?? ',';
  const timeRefs = typeof config.fields.timestamp === 'string' ? [config.fields.timestamp] : [...config.fields.timestamp];
  let header: Map<string, number> | undefined = Array.isArray(config.header)
    ? new Map((config.header as readonly string[]).map((n, i) => [n, i]))
    : undefined;
  let expectHeader = config.layout === 'csv' && config.header === 'first-line';

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    if (line.charCodeAt(0) === 35) return IGNORED_COMMENT;
    let get: (ref: string) => string | undefined;
    if (config.layout === 'csv') {
      const cols = splitDelimited(line, delimiter);
      if (!cols) return fail('unterminated quoted field');
      if (expectHeader) {
        expectHeader = false;
        header = new Map(cols.map((n, i) => [n.trim(), i]));
        return IGNORED_COMMENT;
      }
      const h = header;
      get = (ref) => {
        const i = h ? h.get(ref) : Number(ref);
        return i === undefined || !Number.isInteger(i) ? undefined : cols[i];
      };
    } else {
      const kv = parseKeyValuePairs(line);
      if (!kv) return fail('unterminated quoted value');
      get = (ref) => kv[ref];
    }
    const field = (f: Exclude<CustomField, 'timestamp'>): string | undefined => {
      const ref = config.fields[f];
      return ref === undefined ? undefined : presentValue(get(ref));
    };
    const timeParts = timeRefs.map((r) => get(r));
    if (timeParts.some((t) => t === undefined)) return fail('missing timestamp column');
    const timestamp = readTime(timeParts.join(' ').trim());
    if (Number.isNaN(timestamp)) return fail('timestamp does not match the configured format');
    const srcIp = normalizeIp(field('srcIp'));
    if (!srcIp) return fail('invalid or missing source address');
    const url = field('url');
    const hostText = field('destHost');
    const ep = hostText ? parseAuthority(hostText) : url ? endpointFromUrl(url) : undefined;
    const destIp = normalizeIp(field('destIp')) ?? ep?.ip;
    if (!ep?.host && !destIp) return fail('no destination host, URL or address');
    const up = parseOptionalCount(field('bytesUp'));
    const down = parseOptionalCount(field('bytesDown'));
    const totalText = field('bytesTotal');
    const total = totalText === undefined ? up + down : parseOptionalCount(totalText);
    if (Number.isNaN(up) || Number.isNaN(down) || Number.isNaN(total)) return fail('invalid byte count');
    const action = field('action');
    return makeRecord({
      timestamp,
      srcIp,
      user: field('user'),
      machine: field('machine'),
      destHost: ep?.host,
      destIp,
      destPort: Number(field('destPort')) || ep?.port || 0,
      url,
      bytesUp: up,
      bytesDown: down,
      bytesTotal: Math.max(total, up + down),
      action: action !== undefined && blocked.has(action.toLowerCase()) ? 'blocked' : 'allowed',
    });
  }
  return { parseLine };
}

/** A LogParser bound to one configuration (what a CUSTOM_PARSER data source stores). */
export function defineCustomParser(config: CustomParserConfig, name = 'Custom parser'): LogParser {
  // Fail at definition time on a bad pattern rather than on every line.
  compileTimeFormat(config.timestampFormat ?? 'auto', 0, 0);
  return { id: 'custom', name, create: (options) => createCustomParser(config, options) };
}
