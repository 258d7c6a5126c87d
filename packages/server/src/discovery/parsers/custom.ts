// Custom parser (CUSTOM_PARSER): the admin maps columns (CSV) or keys (key=value) to fields,
// as in MDA's custom log parser. Names are case-sensitive. The timestamp format is given as a
// pattern (yyyy MM MMM dd HH mm ss SSS Z, other characters literal), `epoch`, or `auto`.
import { InvalidInput } from '../../http/errors.js';
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
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
    let line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    // A syslog envelope (a line that starts with `<PRI>`, as a data source's receiver gets it):
    // drop the header and an optional `tag[pid]:` before the body.
    if (line.charCodeAt(0) === 60 && /^<\d{1,3}>/.test(line)) {
      line = line.slice(scanSyslogHeader(line, offset, now).bodyStart);
      const tag = /^[\w./-]{1,48}(\[\d+\])?: /.exec(line);
      if (tag) line = line.slice(tag[0].length);
      line = line.trim();
      if (line.length === 0) return IGNORED_BLANK;
    }
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

/** A custom parser definition that does not hold: `field` is the path of the offending key. */
export class CustomParserConfigError extends InvalidInput {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const CUSTOM_FIELDS: readonly CustomField[] = [
  'timestamp',
  'srcIp',
  'user',
  'machine',
  'destHost',
  'destIp',
  'destPort',
  'url',
  'bytesUp',
  'bytesDown',
  'bytesTotal',
  'action',
];
const CONFIG_KEYS = ['layout', 'delimiter', 'header', 'fields', 'timestampFormat', 'blockedValues'];
const MAX_NAME = 200;
const MAX_LIST = 500;

/**
 * Checks a definition that came from outside (JSON) and returns it as a clean CustomParserConfig
 * (only known keys). Throws CustomParserConfigError naming the first bad key.
 */
export function validateCustomParserConfig(raw: unknown): CustomParserConfig {
  const bad = (field: string, message: string): never => {
    throw new CustomParserConfigError(field, message);
  };
  const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad('', 'must be an object');
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!CONFIG_KEYS.includes(k)) bad(k, `unknown key (expected ${CONFIG_KEYS.join(', ')})`);
  }
  const layout = o.layout;
  if (layout !== 'csv' && layout !== 'keyvalue') return bad('layout', 'must be "csv" or "keyvalue"');
  const out: CustomParserConfig = { layout, fields: { timestamp: '', srcIp: '' } };
  if (o.delimiter !== undefined) {
    if (layout !== 'csv') bad('delimiter', 'applies to the csv layout only');
    const d = o.delimiter;
    if (typeof d !== 'string' || d.length !== 1 || d === '"' || d === '\n' || d === '\r')
      bad('delimiter', 'must be one character (not a quote or a line break)');
    out.delimiter = d as string;
  }
  let columns: Set<string> | undefined;
  if (o.header !== undefined) {
    if (layout !== 'csv') bad('header', 'applies to the csv layout only');
    if (o.header === 'first-line') out.header = 'first-line';
    else if (Array.isArray(o.header) && o.header.length > 0 && o.header.length <= MAX_LIST) {
      o.header.forEach((n, i) => isName(n) || bad(`header[${i}]`, 'must be a non-empty column name'));
      const names = o.header as string[];
      if (new Set(names).size !== names.length) bad('header', 'column names must be unique');
      out.header = [...names];
      columns = new Set(names);
    } else bad('header', 'must be "first-line" or a non-empty list of column names');
  }
  const f = o.fields;
  if (!f || typeof f !== 'object' || Array.isArray(f)) return bad('fields', 'must be an object mapping fields to columns or keys');
  const refCheck = (path: string, ref: unknown): string => {
    if (!isName(ref)) return bad(path, 'must be a non-empty column name or key');
    if (layout === 'csv' && columns && !columns.has(ref)) bad(path, `'${ref}' is not a column of header`);
    if (layout === 'csv' && out.header === undefined && !/^\d{1,4}$/.test(ref))
      bad(path, `'${ref}' must be a 0-based column number when there is no header`);
    return ref;
  };
  for (const [k, v] of Object.entries(f as Record<string, unknown>)) {
    if (!(CUSTOM_FIELDS as readonly string[]).includes(k)) bad(`fields.${k}`, `unknown field (expected ${CUSTOM_FIELDS.join(', ')})`);
    if (k === 'timestamp') {
      if (Array.isArray(v)) {
        if (v.length === 0 || v.length > 4) bad('fields.timestamp', 'must be a column or key, or a list of 1 to 4');
        out.fields.timestamp = v.map((x, i) => refCheck(`fields.timestamp[${i}]`, x));
      } else out.fields.timestamp = refCheck('fields.timestamp', v);
    } else (out.fields as Record<string, string>)[k] = refCheck(`fields.${k}`, v);
  }
  if (!out.fields.timestamp) bad('fields.timestamp', 'is required');
  if (!out.fields.srcIp) bad('fields.srcIp', 'is required');
  if (!out.fields.destHost && !out.fields.url && !out.fields.destIp) bad('fields', 'needs a destination: destHost, url or destIp');
  if (o.timestampFormat !== undefined) {
    if (typeof o.timestampFormat !== 'string' || o.timestampFormat.length === 0 || o.timestampFormat.length > 64)
      bad('timestampFormat', 'must be "auto", "epoch" or a date pattern such as "yyyy-MM-dd HH:mm:ss"');
    try {
      compileTimeFormat(o.timestampFormat as string, 0, 0);
    } catch (e) {
      bad('timestampFormat', (e as Error).message);
    }
    out.timestampFormat = o.timestampFormat as string;
  }
  if (o.blockedValues !== undefined) {
    const b = o.blockedValues;
    if (!Array.isArray(b) || b.length === 0 || b.length > MAX_LIST) return bad('blockedValues', 'must be a non-empty list of values');
    b.forEach((v, i) => isName(v) || bad(`blockedValues[${i}]`, 'must be a non-empty string'));
    out.blockedValues = [...(b as string[])];
  }
  return out;
}
