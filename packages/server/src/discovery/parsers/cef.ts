// ArcSight Common Event Format (GENERIC_CEF; also the body of the *_CEF sources):
//   [syslog header] CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|Extension
// Header fields escape `|` as `\|`; the extension is `key=value` where a value runs to the next
// ` key=`. Keys used: rt/end/start (time), src, suser, shost, dst, dhost, dpt, request (URL),
// act, in, out, app. Direction of `in`/`out` is configurable (ParserOptions.cefDirection):
// by the ArcSight dictionary `in` (bytesIn) flows source->destination, i.e. upload when `src`
// is the client - that is the default.
import { endpointFromUrl, normalizeIp, parseAuthority } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
import { parseAnyTimestamp } from './timestamps.js';
import { parseExtension, parseOptionalCount, presentValue } from './tokenizers.js';
import { IGNORED_BLANK, fail, makeRecord, type LineParser, type LogParser, type ParseResult, type ParserOptions } from './types.js';

const BLOCK_WORDS = /block|deny|denied|drop|reject|prevent|quarantin|terminat/i;

/** Splits the seven header fields; returns [fields, extension start] or undefined. */
export function splitCefHeader(body: string): [string[], number] | undefined {
  const fields: string[] = [];
  let current = '';
  let i = 4; // after `CEF:`
  for (; i < body.length && fields.length < 7; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) {
      current += body[++i];
    } else if (c === '|') {
      fields.push(current);
      current = '';
    } else current += c;
  }
  if (fields.length < 7) return undefined;
  return [fields, i];
}

function createCef(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  const inIsUpload = (options.cefDirection ?? 'spec') === 'spec';

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    const at = line.indexOf('CEF:');
    if (at < 0) return fail('no CEF: header');
    const body = line.slice(at);
    const header = splitCefHeader(body);
    if (!header) return fail('CEF header has fewer than 7 fields');
    const extStart = header[1];
    const ext = parseExtension(body.slice(extStart));

    const timeText = ext.rt ?? ext.end ?? ext.start;
    let timestamp = timeText ? parseAnyTimestamp(timeText, offset, now) : NaN;
    if (Number.isNaN(timestamp) && at > 0) timestamp = scanSyslogHeader(line.slice(0, at), offset, now).timestamp;
    if (Number.isNaN(timestamp)) return fail('invalid or missing time (rt/end/start or syslog header)');

    const srcIp = normalizeIp(ext.src ?? ext.c6a2);
    if (!srcIp) return fail('invalid or missing src');
    const request = presentValue(ext.request);
    const fromUrl = request ? endpointFromUrl(request) : undefined;
    const dhost = presentValue(ext.dhost);
    const ep = dhost ? parseAuthority(dhost) : fromUrl;
    const destIp = normalizeIp(ext.dst ?? ext.c6a3) ?? ep?.ip ?? fromUrl?.ip;
    const destHost = ep?.host ?? fromUrl?.host;
    if (!destHost && !destIp) return fail('no destination (dhost, request or dst)');

    const bytesIn = parseOptionalCount(ext.in);
    const bytesOut = parseOptionalCount(ext.out);
    if (Number.isNaN(bytesIn) || Number.isNaN(bytesOut)) return fail('invalid in/out byte counts');
    const act = ext.act ?? ext.deviceAction ?? '';
    return makeRecord({
      timestamp,
      srcIp,
      user: presentValue(ext.suser),
      machine: presentValue(ext.shost),
      destHost,
      destIp,
      destPort: Number(ext.dpt) || ep?.port || fromUrl?.port || 0,
      url: request,
      bytesUp: inIsUpload ? bytesIn : bytesOut,
      bytesDown: inIsUpload ? bytesOut : bytesIn,
      action: BLOCK_WORDS.test(act) ? 'blocked' : 'allowed',
      vendorApp: presentValue(ext.app),
    });
  }
  return { parseLine };
}

export const cefParser: LogParser = {
  id: 'generic-cef',
  name: 'Generic CEF',
  create: createCef,
};
