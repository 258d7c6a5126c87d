// W3C Extended Log File Format (GENERIC_W3C; also the engine behind Blue Coat ProxySG ELFF).
// `#Fields:` names the columns; data lines are blank-separated with optional double quotes and
// `-` for "no value". The parser is stateful: a new `#Fields:` directive re-maps the columns.
// `date`/`time` are UTC by the W3C draft. Direction follows the W3C prefixes: `cs-bytes` is
// client->server (upload), `sc-bytes` server->client (download).
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseClfTimestamp, parseDateTime, parseEpoch, parseW3cDateTime } from './timestamps.js';
import { parseOptionalCount, presentValue, splitQuotedWords } from './tokenizers.js';
import {
  IGNORED_BLANK,
  IGNORED_COMMENT,
  fail,
  ignored,
  makeRecord,
  type LineParser,
  type LogParser,
  type ParseResult,
  type ParserOptions,
  type TransactionAction,
} from './types.js';

export interface W3cProfile {
  id: string;
  name: string;
  /** Columns assumed until a `#Fields:` directive arrives; undefined = a directive is required. */
  defaultFields?: readonly string[];
  /** Aliases per normalized field, in preference order. */
  aliases: Readonly<Record<W3cTarget, readonly string[]>>;
  /** Extra blocked test on top of the generic action aliases. */
  isBlocked?: (get: (name: string) => string | undefined) => boolean;
}

type W3cTarget =
  | 'date'
  | 'time'
  | 'clfTime'
  | 'epoch'
  | 'srcIp'
  | 'user'
  | 'host'
  | 'uri'
  | 'uriPath'
  | 'uriQuery'
  | 'uriScheme'
  | 'uriPort'
  | 'destIp'
  | 'method'
  | 'bytesUp'
  | 'bytesDown'
  | 'action'
  | 'vendorApp'
  | 'machine';

export const GENERIC_W3C_ALIASES: Readonly<Record<W3cTarget, readonly string[]>> = {
  date: ['date'],
  time: ['time'],
  clfTime: ['localtime', 'gmttime'],
  epoch: ['x-timestamp-unix', 'timestamp'],
  srcIp: ['c-ip', 'c-ip-address', 'src-ip'],
  user: ['cs-username', 'cs-user', 'username', 'x-username'],
  host: ['cs-host', 'cs(host)', 'r-host', 'r-dns', 'cs-uri-host'],
  uri: ['cs-uri', 'url', 'cs-url'],
  uriPath: ['cs-uri-stem', 'cs-uri-path'],
  uriQuery: ['cs-uri-query'],
  uriScheme: ['cs-uri-scheme'],
  uriPort: ['cs-uri-port', 'r-port'],
  // s-ip is the server in IIS-style logs; proxies that write s-ip for themselves usually also
  // log the host, which is preferred for app matching.
  destIp: ['r-ip', 'cs-ip', 's-ip'],
  method: ['cs-method'],
  bytesUp: ['cs-bytes'],
  bytesDown: ['sc-bytes'],
  action: ['s-action', 'sc-filter-result', 'x-action', 'action'],
  vendorApp: ['x-bluecoat-application-name', 'x-application'],
  machine: ['c-dns', 'cs-computername'],
};

const BLOCK_WORDS = ['DENIED', 'DENY', 'BLOCK', 'DROP', 'REJECT'];

function actionIsBlock(v: string | undefined): boolean {
  if (!v) return false;
  const u = v.toUpperCase();
  for (const w of BLOCK_WORDS) if (u.indexOf(w) >= 0) return true;
  return false;
}

function createW3c(profile: W3cProfile, options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  let fields: readonly string[] | undefined;
  let index: Partial<Record<W3cTarget, number>> = {};
  let byName = new Map<string, number>();
  // Every action column present is consulted: Blue Coat writes both s-action and sc-filter-result.
  let actionIdx: number[] = [];

  function setFields(names: readonly string[]): void {
    fields = names;
    byName = new Map(names.map((f, i) => [f.toLowerCase(), i]));
    index = {};
    actionIdx = profile.aliases.action.map((a) => byName.get(a)).filter((i): i is number => i !== undefined);
    for (const [target, aliases] of Object.entries(profile.aliases) as [W3cTarget, readonly string[]][]) {
      for (const a of aliases) {
        const i = byName.get(a);
        if (i !== undefined) {
          index[target] = i;
          break;
        }
      }
    }
  }
  if (profile.defaultFields) setFields(profile.defaultFields);

  function parseLine(raw: string): ParseResult {
    let line = raw;
    if (line.charCodeAt(0) === 60) line = line.slice(scanSyslogHeader(line, offset, now).bodyStart);
    line = line.trim();
    if (line.length === 0) return IGNORED_BLANK;
    if (line.charCodeAt(0) === 35) {
      if (line.startsWith('#Fields:')) {
        const names = line
          .slice(8)
          .trim()
          .split(/\s+/)
          .filter((s) => s.length > 0);
        if (names.length === 0) return fail('empty #Fields directive');
        setFields(names);
      }
      return IGNORED_COMMENT;
    }
    if (!fields) return fail('data line before any #Fields directive');
    const values = splitQuotedWords(line);
    if (!values) return fail('unterminated quoted field');
    if (values.length !== fields.length) return fail(`expected ${fields.length} fields, found ${values.length}`);
    const at = (t: W3cTarget): string | undefined => {
      const i = index[t];
      return i === undefined ? undefined : presentValue(values[i]);
    };

    let timestamp = NaN;
    const date = at('date');
    const time = at('time');
    if (date && time) timestamp = parseW3cDateTime(date, time);
    else if (date && date.length > 10) timestamp = parseDateTime(date, 0);
    else {
      const clf = at('clfTime');
      const epoch = at('epoch');
      if (clf) timestamp = parseClfTimestamp(clf.replace(/^\[|\]$/g, ''), offset);
      else if (epoch) timestamp = parseEpoch(epoch);
    }
    if (Number.isNaN(timestamp)) return fail('invalid or missing date/time');

    const srcIp = normalizeIp(at('srcIp'));
    if (!srcIp) return fail('invalid or missing client address');

    const method = at('method');
    const uri = at('uri');
    let ep = (() => {
      const h = at('host');
      if (h) return parseAuthority(h);
      return uri ? endpointFromUrl(uri) : undefined;
    })();
    if (!ep && uri && method === 'CONNECT') ep = parseAuthority(uri);
    let destIp = ep?.ip;
    if (!destIp) destIp = normalizeIp(at('destIp'));
    let port = ep?.port ?? 0;
    const portText = at('uriPort');
    if (port === 0 && portText) port = Number(portText) || 0;

    let url = uri;
    if (!url) {
      const path = at('uriPath');
      if (path && ep?.host) {
        const scheme = at('uriScheme') ?? (port === 443 ? 'https' : 'http');
        const query = at('uriQuery');
        url = `${scheme}://${ep.host}${path}${query ? (query.startsWith('?') ? query : `?${query}`) : ''}`;
      }
    }

    const up = parseOptionalCount(at('bytesUp'));
    const down = parseOptionalCount(at('bytesDown'));
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid byte count');

    let action: TransactionAction = 'allowed';
    for (const i of actionIdx) if (actionIsBlock(values[i])) action = 'blocked';
    if (action === 'allowed' && profile.isBlocked) {
      const get = (name: string): string | undefined => {
        const i = byName.get(name);
        return i === undefined ? undefined : presentValue(values[i]);
      };
      if (profile.isBlocked(get)) action = 'blocked';
    }
    if (!ep?.host && !destIp) return NO_DESTINATION;
    return makeRecord({
      timestamp,
      srcIp,
      user: at('user'),
      machine: at('machine'),
      destHost: ep?.host,
      destIp,
      destPort: port,
      url: method === 'CONNECT' ? undefined : url,
      bytesUp: up,
      bytesDown: down,
      action,
      vendorApp: at('vendorApp'),
    });
  }
  return { parseLine };
}

const NO_DESTINATION = ignored('no destination host or address');

export function defineW3cParser(profile: W3cProfile): LogParser {
  return { id: profile.id, name: profile.name, create: (options) => createW3c(profile, options) };
}

export const w3cParser: LogParser = defineW3cParser({
  id: 'generic-w3c',
  name: 'Generic W3C extended log',
  aliases: GENERIC_W3C_ALIASES,
});
