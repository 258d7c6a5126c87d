// Optional syslog envelope in front of a log body. Every `X_SYSLOG` source is `X` with one of
// these prefixes, so parsers call this first and then read their own body.
//   RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD...] msg`
//   RFC 3164: `<PRI>Mmm dd hh:mm:ss HOST msg` (PRI optional; year optional as Cisco sends it)
//   ISO:      `<PRI>YYYY-MM-DDThh:mm:ss[zone] HOST msg`
import { parseDateTime, scanBsdTimestamp } from './timestamps.js';

export interface SyslogHeader {
  /** Epoch ms from the header, NaN when there is no header timestamp. */
  timestamp: number;
  host?: string;
  /** RFC 5424 APP-NAME. */
  appName?: string;
  /** RFC 5424 MSGID. */
  msgId?: string;
  /** Index where the message (or RFC 5424 structured data) begins. */
  bodyStart: number;
}

function nextSpace(s: string, i: number): number {
  const j = s.indexOf(' ', i);
  return j < 0 ? s.length : j;
}

export function scanSyslogHeader(line: string, utcOffsetMinutes: number, now: number): SyslogHeader {
  let i = 0;
  if (line.charCodeAt(0) === 60) {
    const close = line.indexOf('>');
    if (close > 1 && close <= 4) i = close + 1;
  }
  // RFC 5424: version digit(s) then a blank.
  const c = line.charCodeAt(i);
  if (c >= 49 && c <= 57 && line.charCodeAt(i + 1) === 32 && i > 0) {
    const fields: string[] = [];
    let j = i + 2;
    for (let k = 0; k < 5; k++) {
      const sp = nextSpace(line, j);
      fields.push(line.slice(j, sp));
      j = sp + 1;
    }
    const [ts, host, app, , msgId] = fields;
    const timestamp = ts === undefined || ts === '-' ? NaN : parseDateTime(ts, utcOffsetMinutes);
    const h: SyslogHeader = { timestamp, bodyStart: Math.min(j, line.length) };
    if (host && host !== '-') h.host = host;
    if (app && app !== '-') h.appName = app;
    if (msgId && msgId !== '-') h.msgId = msgId;
    return h;
  }
  const bsd = scanBsdTimestamp(line, i, utcOffsetMinutes, now);
  if (bsd) {
    const hostStart = bsd.end + 1;
    const sp = nextSpace(line, hostStart);
    const host = line.slice(hostStart, sp);
    // `Mmm dd hh:mm:ss HOST body`; when the token after the time already looks like the body
    // (`%ASA-...`, `CEF:...`, `LEEF:...`) there is no host.
    if (host.startsWith('%') || host.startsWith('CEF:') || host.startsWith('LEEF:') || host.endsWith(':')) {
      return { timestamp: bsd.ms, bodyStart: hostStart };
    }
    return { timestamp: bsd.ms, host, bodyStart: Math.min(sp + 1, line.length) };
  }
  const y = line.charCodeAt(i);
  if (y >= 48 && y <= 57 && line.charCodeAt(i + 4) === 45 && line.charCodeAt(i + 10) === 84) {
    const sp = nextSpace(line, i);
    const timestamp = parseDateTime(line.slice(i, sp), utcOffsetMinutes);
    if (!Number.isNaN(timestamp)) {
      const hostEnd = nextSpace(line, sp + 1);
      return { timestamp, host: line.slice(sp + 1, hostEnd), bodyStart: Math.min(hostEnd + 1, line.length) };
    }
  }
  return { timestamp: NaN, bodyStart: i };
}
