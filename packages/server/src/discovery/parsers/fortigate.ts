// Fortinet FortiGate / FortiOS key=value logs (traffic and UTM webfilter/app-ctrl).
// Time: `eventtime` (epoch in s/ms/us/ns; always UTC) when present, else `date` + `time`
// shifted by `tz` (`-0500`) or by the configured offset. Direction: `sentbyte` is what the
// originator (client) sent = upload; `rcvdbyte` = download. Host names come from `hostname`
// (webfilter) and the path from `url`. Blocked actions: deny, block(ed), drop(ped), reject,
// reset, and UTM `blocked`; accept/close/timeout/passthrough/pass/monitored are allowed.
import { normalizeIp, parseAuthority } from './endpoints.js';
import { parseDateTime, parseEpoch } from './timestamps.js';
import { parseKeyValuePairs, parseOptionalCount, presentValue } from './tokenizers.js';
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

const BLOCKED = new Set(['deny', 'denied', 'block', 'blocked', 'drop', 'dropped', 'reject', 'reset', 'server-rst-blocked']);
const NOT_A_SESSION = ignored('not a traffic or UTM log');

function tzOffsetMinutes(tz: string | undefined): number | undefined {
  if (!tz) return undefined;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz.trim());
  if (!m) return undefined;
  const v = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -v : v;
}

function createFortigate(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    // A syslog header before the pairs is skipped word by word by the pair scanner; only the
    // `<PRI>` glued to the first key needs cutting.
    const start = line.charCodeAt(0) === 60 ? line.indexOf('>') + 1 : 0;
    const kv = parseKeyValuePairs(line, start);
    if (!kv) return fail('unterminated quoted value');
    const type = kv.type;
    if (type !== undefined && type !== 'traffic' && type !== 'utm') return NOT_A_SESSION;

    let timestamp = kv.eventtime ? parseEpoch(kv.eventtime) : NaN;
    if (Number.isNaN(timestamp) && kv.date && kv.time) {
      timestamp = parseDateTime(`${kv.date}T${kv.time}`, tzOffsetMinutes(kv.tz) ?? offset);
    }
    if (Number.isNaN(timestamp)) return fail('invalid or missing date/time');

    const srcIp = normalizeIp(kv.srcip);
    if (!srcIp) return fail('invalid or missing srcip');
    const host = presentValue(kv.hostname);
    const ep = host ? parseAuthority(host) : undefined;
    const destIp = normalizeIp(kv.dstip) ?? ep?.ip;
    if (!ep?.host && !destIp) return fail('no destination (dstip or hostname)');

    const up = parseOptionalCount(kv.sentbyte);
    const down = parseOptionalCount(kv.rcvdbyte);
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid byte counters');

    const action = (kv.action ?? '').toLowerCase();
    const path = presentValue(kv.url);
    let url: string | undefined;
    if (path && ep?.host) url = /^[a-z]+:\/\//i.test(path) ? path : `${kv.service === 'HTTP' ? 'http' : 'https'}://${ep.host}${path}`;
    else if (path && /^[a-z]+:\/\//i.test(path)) url = path;
    return makeRecord({
      timestamp,
      srcIp,
      user: presentValue(kv.user) ?? presentValue(kv.unauthuser),
      machine: presentValue(kv.srcname),
      destHost: ep?.host,
      destIp,
      destPort: Number(kv.dstport) || ep?.port || 0,
      url,
      bytesUp: up,
      bytesDown: down,
      action: BLOCKED.has(action) ? 'blocked' : 'allowed',
      vendorApp: presentValue(kv.app),
    });
  }
  return { parseLine };
}

export const fortigateParser: LogParser = {
  id: 'fortigate',
  name: 'Fortinet FortiGate',
  create: createFortigate,
};
