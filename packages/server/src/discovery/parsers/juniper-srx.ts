// Juniper SRX structured syslog (`set system syslog ... structured-data`):
//   <PRI>1 TIMESTAMP HOST RT_FLOW - RT_FLOW_SESSION_CLOSE [junos@2636.1.1.1.2.x key="value" ...]
// The BSD envelope (`RT_FLOW: RT_FLOW_SESSION_CLOSE [junos@...]`) is accepted as well.
// RT_FLOW_SESSION_CLOSE and APPTRACK_SESSION_CLOSE carry byte counters and are transactions
// (`bytes-from-client` = upload, `bytes-from-server` = download); RT_FLOW_SESSION_DENY is a
// blocked transaction; CREATE and volume-update events are ignored. If a device logs both
// RT_FLOW and APPTRACK closes for the same session, both are counted - disable one on the SRX.
// `username` is `N/A` when unknown. Typographic quotes (seen in some releases) are accepted.
import { normalizeIp } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseOptionalCount, parseStructuredParams, presentValue } from './tokenizers.js';
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

const IGNORED_EVENT = ignored('session create or update event');
const EVENT = /\b(RT_FLOW_SESSION_[A-Z_]+|APPTRACK_SESSION_[A-Z_]+)\b/;

function createJuniperSrx(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    const header = scanSyslogHeader(line, offset, now);
    const event = header.msgId && EVENT.test(header.msgId) ? header.msgId : EVENT.exec(line)?.[1];
    if (!event) return fail('no RT_FLOW or APPTRACK event name');
    const isClose = event === 'RT_FLOW_SESSION_CLOSE' || event === 'APPTRACK_SESSION_CLOSE';
    const isDeny = event === 'RT_FLOW_SESSION_DENY';
    if (!isClose && !isDeny) return IGNORED_EVENT;
    if (Number.isNaN(header.timestamp)) return fail('invalid or missing timestamp');
    const sd = line.indexOf('[junos@');
    if (sd < 0) return fail('no [junos@...] structured data');
    const paramsStart = line.indexOf(' ', sd);
    if (paramsStart < 0) return fail('empty structured data');
    const p = parseStructuredParams(line, paramsStart + 1);
    if (!p) return fail('unterminated quoted value');
    const srcIp = normalizeIp(p['source-address']);
    if (!srcIp) return fail('invalid or missing source-address');
    const destIp = normalizeIp(p['destination-address']);
    if (!destIp) return fail('invalid or missing destination-address');
    const up = parseOptionalCount(p['bytes-from-client']);
    const down = parseOptionalCount(p['bytes-from-server']);
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid byte counters');
    const app = presentValue(p['nested-application']);
    return makeRecord({
      timestamp: header.timestamp,
      srcIp,
      user: presentValue(p.username),
      destIp,
      destPort: Number(p['destination-port']) || 0,
      bytesUp: up,
      bytesDown: down,
      action: isDeny ? 'blocked' : 'allowed',
      vendorApp: app && app !== 'UNKNOWN' ? app : presentValue(p.application),
    });
  }
  return { parseLine };
}

export const juniperSrxParser: LogParser = {
  id: 'juniper-srx',
  name: 'Juniper SRX',
  create: createJuniperSrx,
};
