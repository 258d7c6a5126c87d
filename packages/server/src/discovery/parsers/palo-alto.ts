// Palo Alto Networks PAN-OS traffic log, CSV (PALO_ALTO) or syslog-wrapped (PALO_ALTO_SYSLOG).
// The column order is fixed by PAN-OS; only TRAFFIC rows are transactions (THREAT, SYSTEM,
// CONFIG... rows are ignored). Indexes are 0-based from the first CSV field (FUTURE_USE):
//   3 type, 6 generated time (device local), 7 source, 8 destination, 12 source user,
//   14 application, 25 destination port, 30 action, 31 bytes, 32 bytes sent (client->server),
//   33 bytes received (server->client), 37 category.
// Action `allow` is allowed; deny, drop, drop-icmp, reset-client/server/both are blocked.
import { normalizeIp } from './endpoints.js';
import { parseDateTime } from './timestamps.js';
import { parseCount, presentValue, splitDelimited } from './tokenizers.js';
import {
  IGNORED_BLANK,
  fail,
  ignored,
  makeRecord,
  type LineParser,
  type LogParser,
  type ParseResult,
  type ParserOptions,
} from './types.js';

const COL = {
  type: 3,
  generatedTime: 6,
  src: 7,
  dst: 8,
  srcUser: 12,
  app: 14,
  dstPort: 25,
  action: 30,
  bytes: 31,
  bytesSent: 32,
  bytesReceived: 33,
} as const;
const MIN_COLUMNS = COL.bytesReceived + 1;

const NOT_TRAFFIC = ignored('not a TRAFFIC log row');

function createPaloAlto(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    // The syslog envelope has blanks, the first CSV field (`1` / FUTURE_USE) has none: the CSV
    // starts after the last blank before the first comma.
    const firstComma = line.indexOf(',');
    if (firstComma < 0) return fail('not a PAN-OS CSV line');
    const start = line.lastIndexOf(' ', firstComma) + 1;
    const cols = splitDelimited(start === 0 ? line : line.slice(start));
    if (!cols) return fail('unterminated quoted field');
    if (cols.length < 5) return fail(`expected at least ${MIN_COLUMNS} columns, found ${cols.length}`);
    if (cols[COL.type] !== 'TRAFFIC') return NOT_TRAFFIC;
    if (cols.length < MIN_COLUMNS) return fail(`expected at least ${MIN_COLUMNS} columns, found ${cols.length}`);

    const timestamp = parseDateTime(cols[COL.generatedTime]!, offset);
    if (Number.isNaN(timestamp)) return fail('invalid generated time');
    const srcIp = normalizeIp(cols[COL.src]);
    if (!srcIp) return fail('invalid source address');
    const destIp = normalizeIp(cols[COL.dst]);
    if (!destIp) return fail('invalid destination address');

    const sent = parseCount(cols[COL.bytesSent]);
    const received = parseCount(cols[COL.bytesReceived]);
    const total = parseCount(cols[COL.bytes]);
    if (Number.isNaN(sent) || Number.isNaN(received) || Number.isNaN(total)) return fail('invalid byte counters');

    const action = cols[COL.action]!.trim().toLowerCase();
    if (action.length === 0) return fail('missing action');
    return makeRecord({
      timestamp,
      srcIp,
      user: presentValue(cols[COL.srcUser]),
      destIp,
      destPort: Number(cols[COL.dstPort]) || 0,
      bytesUp: sent,
      bytesDown: received,
      bytesTotal: Math.max(total, sent + received),
      action: action === 'allow' ? 'allowed' : 'blocked',
      vendorApp: presentValue(cols[COL.app]),
    });
  }
  return { parseLine };
}

export const paloAltoParser: LogParser = {
  id: 'palo-alto',
  name: 'Palo Alto Networks traffic log',
  create: createPaloAlto,
};
