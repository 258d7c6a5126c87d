// Check Point firewall logs.
//  - Log Exporter syslog (the current export): RFC 5424 envelope and `[key:"value"; ...]`.
//    `src`, `dst`, `service` (destination port), `action`, `src_user_name`, `src_machine_name`,
//    `resource` (URL), `appi_name`; bytes from `client_outbound_bytes` (upload) and
//    `server_outbound_bytes` (download), else `bytes` as a total. `time` (epoch s) wins over
//    the syslog header time.
//  - A CSV export (SmartView Tracker / SmartConsole): the first row names the columns; `;` or
//    `,` separated. No public sample of that header exists, so columns are matched by common
//    names (Date, Time, Action, Source, Destination, Service, User...) - see the aliases below.
// Blocked: Drop, Reject, Block, Prevent. Records can be re-sent as updates (same `loguid`);
// de-duplication belongs in aggregation if it turns out to matter.
import { endpointFromUrl, normalizeIp } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseAnyTimestamp, parseEpoch } from './timestamps.js';
import { parseColonQuotedPairs, parseOptionalCount, presentValue, splitDelimited } from './tokenizers.js';
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

const BLOCKED = new Set(['drop', 'reject', 'block', 'prevent', 'deny']);

const CSV_ALIASES: Record<string, readonly string[]> = {
  date: ['date'],
  time: ['time'],
  action: ['action'],
  src: ['source', 'src', 'source ip'],
  dst: ['destination', 'dst', 'destination ip'],
  service: ['service', 'destination port', 'dport'],
  user: ['user', 'source user name', 'src_user_name', 'source user'],
  url: ['resource', 'url'],
  bytesUp: ['client outbound bytes', 'client_outbound_bytes', 'sent bytes'],
  bytesDown: ['server outbound bytes', 'server_outbound_bytes', 'received bytes'],
  bytes: ['bytes', 'total bytes'],
};

function createCheckpoint(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  let csv: { delimiter: string; index: Record<string, number>; width: number } | undefined;

  function build(timestamp: number, get: (k: string) => string | undefined): ParseResult {
    if (Number.isNaN(timestamp)) return fail('invalid or missing time');
    const srcIp = normalizeIp(get('src'));
    if (!srcIp) return fail('invalid or missing source address');
    const url = presentValue(get('url'));
    const ep = url ? endpointFromUrl(url) : undefined;
    const destIp = normalizeIp(get('dst')) ?? ep?.ip;
    if (!destIp && !ep?.host) return fail('invalid or missing destination');
    const up = parseOptionalCount(get('bytesUp'));
    const down = parseOptionalCount(get('bytesDown'));
    const total = parseOptionalCount(get('bytes'));
    if (Number.isNaN(up) || Number.isNaN(down) || Number.isNaN(total)) return fail('invalid byte counters');
    const action = (get('action') ?? '').trim().toLowerCase();
    if (action.length === 0) return fail('missing action');
    return makeRecord({
      timestamp,
      srcIp,
      user: presentValue(get('user')),
      machine: presentValue(get('machine')),
      destHost: ep?.host,
      destIp,
      destPort: Number(get('service')) || 0,
      url,
      bytesUp: up,
      bytesDown: down,
      bytesTotal: Math.max(total, up + down),
      action: BLOCKED.has(action) ? 'blocked' : 'allowed',
      vendorApp: presentValue(get('app')),
    });
  }

  function parseExporter(line: string): ParseResult {
    const open = line.indexOf('[');
    const header = scanSyslogHeader(line, offset, now);
    const pairs = parseColonQuotedPairs(
      open >= 0 ? line.slice(open + 1, line.lastIndexOf(']') > open ? line.lastIndexOf(']') : undefined) : line.slice(header.bodyStart),
    );
    if (!pairs) return fail('unterminated quoted value');
    let timestamp = pairs.time ? parseEpoch(pairs.time) : NaN;
    if (Number.isNaN(timestamp)) timestamp = header.timestamp;
    const map: Record<string, string | undefined> = {
      src: pairs.src,
      dst: pairs.dst,
      service: pairs.service ?? pairs.dst_port,
      action: pairs.action,
      user: pairs.src_user_name ?? pairs.user,
      machine: pairs.src_machine_name,
      url: pairs.resource,
      app: pairs.appi_name,
      bytesUp: pairs.client_outbound_bytes ?? pairs.sent_bytes,
      bytesDown: pairs.server_outbound_bytes ?? pairs.received_bytes,
      bytes: pairs.bytes,
    };
    return build(timestamp, (k) => map[k]);
  }

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    if (line.charCodeAt(0) === 35) return IGNORED_COMMENT;
    if (line.indexOf(':"') > 0) return parseExporter(line);
    if (!csv) {
      const delimiter = line.split(';').length > line.split(',').length ? ';' : ',';
      const names = splitDelimited(line, delimiter);
      if (!names) return fail('unterminated quoted header');
      const lower = names.map((n) => n.trim().toLowerCase());
      const index: Record<string, number> = {};
      for (const [k, aliases] of Object.entries(CSV_ALIASES)) {
        const i = lower.findIndex((n) => aliases.includes(n));
        if (i >= 0) index[k] = i;
      }
      if (index.src === undefined || index.date === undefined) {
        return fail('neither a Log Exporter record nor a CSV header with Date and Source columns');
      }
      csv = { delimiter, index, width: names.length };
      return IGNORED_COMMENT;
    }
    const cols = splitDelimited(line, csv.delimiter);
    if (!cols) return fail('unterminated quoted field');
    if (cols.length !== csv.width) return fail(`expected ${csv.width} columns, found ${cols.length}`);
    const index = csv.index;
    const get = (k: string): string | undefined => (index[k] === undefined ? undefined : cols[index[k]!]);
    const date = get('date') ?? '';
    const time = get('time');
    const timestamp = parseAnyTimestamp(time ? `${date} ${time}` : date, offset, now);
    return build(timestamp, get);
  }
  return { parseLine };
}

export const checkpointParser: LogParser = {
  id: 'checkpoint',
  name: 'Check Point',
  create: createCheckpoint,
};
