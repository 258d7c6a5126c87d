// Cisco ASA with FirePOWER services / Firepower Threat Defense connection events.
// Two layouts carry the same `Name: value` list:
//   %FTD-6-430003: ..., SrcIP: <ip>, DstIP: <ip>, SrcPort: n, DstPort: n, ..., AccessControlRuleAction: Allow, ...
//   SFIMS: [engine][policy] Connection Type: End, User: ..., Initiator Bytes: n, ... {TCP} <src>:<p> -> <dst>:<p>
// Keys are compared without blanks and case (`Initiator Bytes` = `InitiatorBytes`).
// The initiator is the client: InitiatorBytes = upload, ResponderBytes = download.
// End-of-connection events (430003, `Connection Type: End`) are transactions; start events are
// ignored unless the rule blocked the connection (a blocked connection has no end event).
import { endpointFromUrl, normalizeIp } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseDateTime } from './timestamps.js';
import { parseOptionalCount, presentValue } from './tokenizers.js';
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

const IGNORED_START = ignored('connection start (counted at end)');
const IGNORED_OTHER = ignored('not a connection event');
const PAIR_SPLIT = /,\s*(?=[A-Za-z][A-Za-z0-9 ]{0,60}:\s)/;

function normalizeKey(k: string): string {
  return k.replace(/\s+/g, '').toLowerCase();
}

function createFirepower(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    let bodyStart: number;
    let isEnd: boolean | undefined;
    let prefixEnd: number;
    const sfims = line.indexOf('SFIMS:');
    const tag = /%(?:FTD|ASA)-\d-(43000\d):/.exec(line);
    if (tag) {
      const id = tag[1];
      if (id !== '430002' && id !== '430003') return IGNORED_OTHER;
      isEnd = id === '430003';
      prefixEnd = tag.index;
      bodyStart = tag.index + tag[0].length;
    } else if (sfims >= 0) {
      prefixEnd = sfims;
      bodyStart = sfims + 6;
      // Skip the `[engine][policy]` blocks.
      while (line.charCodeAt(bodyStart) === 32) bodyStart++;
      while (line.charCodeAt(bodyStart) === 91) {
        const close = line.indexOf(']', bodyStart);
        if (close < 0) return fail('unterminated [ ] block');
        bodyStart = close + 1;
      }
    } else return fail('no FirePOWER connection event tag');

    let body = line.slice(bodyStart).trim();
    // SFIMS ends with `{TCP} a:p -> b:p`.
    let tail: RegExpExecArray | null = null;
    const brace = body.lastIndexOf(' {');
    if (brace >= 0) {
      tail = /\{(\w+)\}\s+(\S+)\s+->\s+(\S+)\s*$/.exec(body.slice(brace));
      body = body.slice(0, brace);
    }
    const kv = new Map<string, string>();
    for (const part of body.split(PAIR_SPLIT)) {
      const colon = part.indexOf(':');
      if (colon > 0) kv.set(normalizeKey(part.slice(0, colon)), part.slice(colon + 1).trim());
    }
    if (isEnd === undefined) {
      const type = kv.get('connectiontype');
      if (!type) return IGNORED_OTHER;
      isEnd = type.toLowerCase() === 'end';
    }
    const ruleAction = (kv.get('accesscontrolruleaction') ?? '').toLowerCase();
    const blocked = ruleAction.indexOf('block') >= 0;
    if (!isEnd && !blocked) return IGNORED_START;

    let timestamp = scanSyslogHeader(line.slice(0, prefixEnd), offset, now).timestamp;
    if (Number.isNaN(timestamp)) {
      const first = kv.get('firstpacketsecond') ?? kv.get('connectionendtime');
      if (first) timestamp = parseDateTime(first, offset);
    }
    if (Number.isNaN(timestamp)) return fail('no timestamp');

    let srcIp = normalizeIp(kv.get('srcip') ?? kv.get('initiatorip'));
    let destIp = normalizeIp(kv.get('dstip') ?? kv.get('responderip'));
    let destPort = Number(kv.get('dstport') ?? kv.get('responderport')) || 0;
    if (tail) {
      const split = (s: string): [string | undefined, number] => {
        const c = s.lastIndexOf(':');
        return c < 0 ? [normalizeIp(s), 0] : [normalizeIp(s.slice(0, c)), Number(s.slice(c + 1)) || 0];
      };
      const [s] = split(tail[2]!);
      const [d, p] = split(tail[3]!);
      srcIp ??= s;
      destIp ??= d;
      if (destPort === 0) destPort = p;
    }
    if (!srcIp) return fail('invalid or missing source address');
    const url = presentValue(kv.get('url'));
    const ep = url ? endpointFromUrl(url) : undefined;
    if (!destIp && !ep?.host) return fail('no destination');
    const up = parseOptionalCount(kv.get('initiatorbytes'));
    const down = parseOptionalCount(kv.get('responderbytes'));
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid byte counters');
    const user = presentValue(kv.get('user'));
    return makeRecord({
      timestamp,
      srcIp,
      user: user === 'No Authentication Required' || user === 'Unknown' ? undefined : user,
      destHost: ep?.host,
      destIp: destIp ?? ep?.ip,
      destPort,
      url,
      bytesUp: up,
      bytesDown: down,
      action: blocked ? 'blocked' : 'allowed',
      vendorApp: presentValue(kv.get('webapplication') ?? kv.get('webapp') ?? kv.get('applicationprotocol')),
    });
  }
  return { parseLine };
}

export const ciscoAsaFirepowerParser: LogParser = {
  id: 'cisco-asa-firepower',
  name: 'Cisco ASA with FirePOWER',
  create: createFirepower,
};
