// Zscaler Internet Access NSS web logs. An NSS feed is a template the admin writes, so three
// layouts are accepted, detected per line:
//  - JSON (Cloud NSS / NSS JSON feeds), flat or wrapped as {"sourcetype":..., "event":{...}}.
//  - LEEF (the "QRadar LEEF" feed Microsoft's own integration uses): delegated to leef.ts.
//  - CSV: columns named by ParserOptions.columns, else by a header row, else the order in
//    ZSCALER_DEFAULT_CSV_COLUMNS (our documented default feed template; write the NSS feed as
//    "%s{time}","%s{login}",... in that order).
// Fields: time (ctime text, zone from the feed - default GMT - or epochtime), login, cip, sip,
// url/eurl, host/ehost, action (Allowed/Blocked), reqsize (upload), respsize (download),
// appname, devicehostname. `e`-prefixed fields are URL-encoded by NSS and decoded here.
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { leefParser } from './leef.js';
import { decodeURIComponentSafe } from './squid-native.js';
import { parseAnyTimestamp, parseEpoch } from './timestamps.js';
import { parseOptionalCount, presentValue, splitDelimited } from './tokenizers.js';
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

export const ZSCALER_DEFAULT_CSV_COLUMNS: readonly string[] = [
  'time',
  'login',
  'proto',
  'eurl',
  'action',
  'appname',
  'appclass',
  'reqsize',
  'respsize',
  'urlclass',
  'urlsupercat',
  'urlcat',
  'malwarecat',
  'threatname',
  'riskscore',
  'dlpeng',
  'dlpdict',
  'location',
  'dept',
  'cip',
  'sip',
  'reqmethod',
  'respcode',
  'ua',
  'ereferer',
];

const KNOWN_NAMES = new Set(['time', 'login', 'cip', 'url', 'eurl', 'action', 'reqsize', 'respsize', 'epochtime']);

function createZscaler(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  const leef = leefParser.create(options);
  let columns: readonly string[] | undefined = options.columns;
  let sawData = false;
  let indexFor: readonly string[] | undefined;
  let index = new Map<string, number>();

  function fromFields(get: (k: string) => string | undefined): ParseResult {
    const epoch = presentValue(get('epochtime'));
    const timeText = presentValue(get('time')) ?? presentValue(get('datetime'));
    let timestamp = epoch ? parseEpoch(epoch) : NaN;
    if (Number.isNaN(timestamp) && timeText) timestamp = parseAnyTimestamp(timeText, offset, now);
    if (Number.isNaN(timestamp)) return fail('invalid or missing time');
    const srcIp = normalizeIp(get('cip'));
    if (!srcIp) return fail('invalid or missing cip');
    const eurl = presentValue(get('eurl'));
    const url = presentValue(get('url')) ?? (eurl ? decodeURIComponentSafe(eurl) : undefined);
    const ehost = presentValue(get('ehost'));
    const hostText = presentValue(get('host')) ?? (ehost ? decodeURIComponentSafe(ehost) : undefined);
    const ep = hostText ? parseAuthority(hostText) : url ? endpointFromUrl(url) : undefined;
    const destIp = ep?.ip ?? normalizeIp(get('sip'));
    if (!ep?.host && !destIp) return fail('no destination (url, host or sip)');
    const up = parseOptionalCount(get('reqsize'));
    const down = parseOptionalCount(get('respsize'));
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid reqsize/respsize');
    const action = (get('action') ?? '').trim().toLowerCase();
    if (action.length === 0) return fail('missing action');
    const login = presentValue(get('login'));
    return makeRecord({
      timestamp,
      srcIp,
      user: login === 'Unknown' ? undefined : login,
      machine: presentValue(get('devicehostname')),
      destHost: ep?.host,
      destIp,
      destPort: ep?.port,
      url,
      bytesUp: up,
      bytesDown: down,
      action: action === 'blocked' || action === 'block' ? 'blocked' : 'allowed',
      vendorApp: presentValue(get('appname')),
    });
  }

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    if (line.charCodeAt(0) === 35) return IGNORED_COMMENT;
    if (line.indexOf('LEEF:') >= 0) return leef.parseLine(line);
    const brace = line.indexOf('{');
    if (brace === 0 || (brace > 0 && line.charCodeAt(line.length - 1) === 125)) {
      let obj: unknown;
      try {
        obj = JSON.parse(line.slice(brace));
      } catch {
        return fail('invalid or truncated JSON');
      }
      if (typeof obj !== 'object' || obj === null) return fail('JSON is not an object');
      const event = (obj as { event?: unknown }).event;
      const rec = (typeof event === 'object' && event !== null ? event : obj) as Record<string, unknown>;
      return fromFields((k) => {
        const v = rec[k];
        return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
      });
    }
    const cols = splitDelimited(line, line.indexOf('\t') >= 0 && line.indexOf(',') < 0 ? '\t' : ',');
    if (!cols) return fail('unterminated quoted field');
    if (!sawData && !options.columns) {
      sawData = true;
      const lower = cols.map((c) => c.trim().toLowerCase());
      if (lower.filter((c) => KNOWN_NAMES.has(c)).length >= 3) {
        columns = lower;
        return IGNORED_COMMENT;
      }
    }
    sawData = true;
    const names = columns ?? ZSCALER_DEFAULT_CSV_COLUMNS;
    if (cols.length < names.length) return fail(`expected ${names.length} columns, found ${cols.length}`);
    if (indexFor !== names) {
      indexFor = names;
      index = new Map(names.map((n, i) => [n, i]));
    }
    return fromFields((k) => {
      const i = index.get(k);
      return i === undefined ? undefined : cols[i];
    });
  }
  return { parseLine };
}

export const zscalerParser: LogParser = {
  id: 'zscaler',
  name: 'Zscaler NSS web log',
  create: createZscaler,
};
