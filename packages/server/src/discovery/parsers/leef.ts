// IBM Log Event Extended Format (GENERIC_LEEF; Zscaler NSS "QRadar LEEF" feeds use it too):
//   [syslog header] LEEF:1.0|Vendor|Product|Version|EventID|<tab-separated key=value>
//   [syslog header] LEEF:2.0|Vendor|Product|Version|EventID|<delimiter>|<key=value...>
// LEEF 1.0 separates attributes with tabs; when a relay turned tabs into blanks, values run to
// the next ` key=` as in CEF. Keys: devTime (+devTimeFormat), src, dst, dstPort, usrName,
// srcBytes (sent by the source = upload), dstBytes (download), url, action or cat.
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseAnyTimestamp } from './timestamps.js';
import { parseExtension, parseOptionalCount, presentValue } from './tokenizers.js';
import { IGNORED_BLANK, fail, makeRecord, type LineParser, type LogParser, type ParseResult, type ParserOptions } from './types.js';

const BLOCK_WORDS = /block|deny|denied|drop|reject|prevent/i;

export function parseLeefAttributes(body: string): { vendor: string; product: string; attrs: Record<string, string> } | undefined {
  const parts: string[] = [];
  let i = 0;
  const isV2 = body.startsWith('LEEF:2');
  const headerCount = isV2 ? 6 : 5;
  while (parts.length < headerCount) {
    const bar = body.indexOf('|', i);
    if (bar < 0) return undefined;
    parts.push(body.slice(i, bar));
    i = bar + 1;
  }
  const rest = body.slice(i);
  let attrs: Record<string, string>;
  if (isV2) {
    let d = parts[5] ?? '';
    if (/^(0x|x)[0-9a-f]{2}$/i.test(d)) d = String.fromCharCode(parseInt(d.replace(/^0?x/i, ''), 16));
    if (d.length === 0) d = '\t';
    attrs = Object.create(null) as Record<string, string>;
    for (const part of rest.split(d)) {
      const eq = part.indexOf('=');
      if (eq > 0) attrs[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
  } else attrs = parseExtension(rest, rest.indexOf('\t') >= 0);
  return { vendor: parts[1] ?? '', product: parts[2] ?? '', attrs };
}

function createLeef(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();

  function parseLine(raw: string): ParseResult {
    const line = raw.replace(/[\r\n]+$/, '');
    if (line.trim().length === 0) return IGNORED_BLANK;
    const at = line.indexOf('LEEF:');
    if (at < 0) return fail('no LEEF: header');
    const parsed = parseLeefAttributes(line.slice(at));
    if (!parsed) return fail('LEEF header has too few fields');
    const a = parsed.attrs;
    let timestamp = a.devTime ? parseAnyTimestamp(a.devTime, offset, now) : NaN;
    if (Number.isNaN(timestamp) && at > 0) timestamp = scanSyslogHeader(line.slice(0, at), offset, now).timestamp;
    if (Number.isNaN(timestamp)) return fail('invalid or missing devTime');
    const srcIp = normalizeIp(a.src);
    if (!srcIp) return fail('invalid or missing src');
    const url = presentValue(a.url);
    const ep = url ? endpointFromUrl(url) : presentValue(a.hostname) ? parseAuthority(a.hostname!) : undefined;
    const destIp = normalizeIp(a.dst) ?? ep?.ip;
    if (!ep?.host && !destIp) return fail('no destination (url or dst)');
    const up = parseOptionalCount(a.srcBytes);
    const down = parseOptionalCount(a.dstBytes);
    if (Number.isNaN(up) || Number.isNaN(down)) return fail('invalid srcBytes/dstBytes');
    const act = a.action ?? a.cat ?? '';
    return makeRecord({
      timestamp,
      srcIp,
      user: presentValue(a.usrName),
      destHost: ep?.host,
      destIp,
      destPort: Number(a.dstPort) || ep?.port || 0,
      url,
      bytesUp: up,
      bytesDown: down,
      action: BLOCK_WORDS.test(act) ? 'blocked' : 'allowed',
      vendorApp: presentValue(a.appname),
    });
  }
  return { parseLine };
}

export const leefParser: LogParser = {
  id: 'generic-leef',
  name: 'Generic LEEF',
  create: createLeef,
};
