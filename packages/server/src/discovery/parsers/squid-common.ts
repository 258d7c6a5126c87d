// Squid `logformat common` (NCSA Common Log Format plus Squid's status tag):
//   %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st %Ss:%Sh
// `%<st` is the reply size to the client (download). Squid's `combined` format appends
// `"referer" "user-agent"` before the status tag; both are accepted. Blocked = the Squid status
// tag says DENIED. Without a tag (plain CLF) we cannot tell a proxy denial from an origin 403,
// so the line counts as allowed.
import { endpointFromUrl, normalizeIp } from './endpoints.js';
import { decodeURIComponentSafe } from './squid-native.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseClfTimestamp } from './timestamps.js';
import { splitQuotedWords } from './tokenizers.js';
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

function createSquidCommon(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();

  function parseLine(raw: string): ParseResult {
    let line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    if (line.charCodeAt(0) === 35) return IGNORED_COMMENT;
    const open = line.indexOf(' [');
    const close = open < 0 ? -1 : line.indexOf(']', open);
    if (open < 0 || close < 0) return fail('missing [date] field');
    // The three fields before ` [` are host, ident, user; anything earlier is a syslog envelope.
    const head = line
      .slice(0, open)
      .split(' ')
      .filter((t) => t.length > 0);
    if (head.length < 3) return fail('expected host, ident and user before the date');
    if (head.length > 3) {
      const h = scanSyslogHeader(line, offset, now);
      if (Number.isNaN(h.timestamp) && !line.startsWith('<')) return fail('unexpected text before the client address');
      line = head.slice(-3).join(' ') + line.slice(open);
      return parseLine(line);
    }
    const [hostRaw, ident, authUser] = head as [string, string, string];
    const srcIp = normalizeIp(hostRaw);
    if (!srcIp) return fail('invalid client address');
    const dateText = line.slice(open + 2, close);
    const timestamp = parseClfTimestamp(dateText, offset);
    if (Number.isNaN(timestamp)) return fail('invalid timestamp');

    const rest = splitQuotedWords(line.slice(close + 1));
    if (!rest) return fail('unterminated quoted field');
    if (rest.length < 3) return fail('missing request, status or size');
    const [request, status, size] = rest as [string, string, string];
    const parts = request.split(' ');
    if (parts.length < 2) return fail('malformed request field');
    const method = parts[0]!;
    const url = parts[1]!;
    if (!/^\d{3}$/.test(status) && status !== '-') return fail('invalid status');
    const bytes = size === '-' ? 0 : Number(size);
    if (!Number.isInteger(bytes) || bytes < 0) return fail('invalid byte count');

    const tag = rest[rest.length - 1]!;
    const blocked = rest.length >= 4 && tag.indexOf(':') > 0 && tag.indexOf('DENIED') >= 0;
    const ep = endpointFromUrl(url);
    const userRaw = authUser !== '-' ? authUser : ident !== '-' ? ident : undefined;

    return makeRecord({
      timestamp,
      srcIp,
      user: userRaw === undefined ? undefined : decodeURIComponentSafe(userRaw),
      destHost: ep?.host,
      destIp: ep?.ip,
      destPort: ep?.port,
      url: method === 'CONNECT' ? undefined : url,
      bytesDown: bytes,
      action: blocked ? 'blocked' : 'allowed',
    });
  }
  return { parseLine };
}

export const squidCommonParser: LogParser = {
  id: 'squid-common',
  name: 'Squid (Common)',
  create: createSquidCommon,
};
