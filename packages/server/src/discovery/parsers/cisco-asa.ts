// Cisco ASA (and FWSM, FTD) connection syslog, logging level 6 (informational) required.
//   302013/302015 Built {inbound|outbound} {TCP|UDP} connection <id> for <ifc>:<ip>/<port> (...) to <ifc>:<ip>/<port> (...)
//   302014/302016 Teardown {TCP|UDP} connection <id> for <ifc>:<ip>/<port> to <ifc>:<ip>/<port> duration <d> bytes <n> ...
//   106023        Deny <proto> src <ifc>:<ip>/<port> dst <ifc>:<ip>/<port> by access-group "<acl>"
//   106100        access-list <acl> denied <proto> <ifc>/<ip>(<port>) -> <ifc>/<ip>(<port>) ...
// One transaction per teardown (the only message with bytes) and per deny. The teardown gives a
// total only, with no direction, so bytesUp/bytesDown stay 0 and bytesTotal carries the count.
// Which side is the client is learnt from the matching Built message (outbound: the `to` side
// initiated; inbound: the `for` side did). Inbound connections are not cloud-app usage and are
// ignored. Without a Built message (log started mid-session) the side with the well-known
// port is taken as the server, and otherwise the `for` side (ASA lists the lower-security
// interface first).
import { normalizeIp } from './endpoints.js';
import { scanSyslogHeader } from './syslog-prefix.js';
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

const MAX_TRACKED_CONNECTIONS = 200_000;

const IGNORED_BUILT = ignored('connection built (counted at teardown)');
const IGNORED_INBOUND = ignored('inbound connection');
const IGNORED_OTHER = ignored('not a connection message');
const IGNORED_PERMIT = ignored('access-list permit');

interface Side {
  ip: string;
  port: number;
}

/** `outside:203.0.113.7/443`, `inside:2001:db8::5/51000(LOCAL\alice)`. */
function parseSide(token: string | undefined): Side | undefined {
  if (!token) return undefined;
  const colon = token.indexOf(':');
  if (colon < 0) return undefined;
  let rest = token.slice(colon + 1);
  const paren = rest.indexOf('(');
  if (paren >= 0) rest = rest.slice(0, paren);
  const slash = rest.lastIndexOf('/');
  if (slash < 0) return undefined;
  const ip = normalizeIp(rest.slice(0, slash));
  const port = Number(rest.slice(slash + 1));
  if (!ip || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { ip, port };
}

/** `inside/10.0.0.5(51000)` as used by 106100. */
function parseAclSide(token: string | undefined): Side | undefined {
  if (!token) return undefined;
  const slash = token.indexOf('/');
  const open = token.indexOf('(', slash);
  const close = token.indexOf(')', open);
  if (slash < 0 || open < 0 || close < 0) return undefined;
  const ip = normalizeIp(token.slice(slash + 1, open));
  const port = Number(token.slice(open + 1, close));
  if (!ip || !Number.isInteger(port)) return undefined;
  return { ip, port };
}

/** Identity-firewall user, written as `(DOMAIN\user)` after an address. */
function findUser(words: readonly string[], from: number): string | undefined {
  for (let i = from; i < words.length; i++) {
    const w = words[i]!;
    const open = w.indexOf('(');
    if (open >= 0 && w.endsWith(')') && w.indexOf('\\') > open) return w.slice(open + 1, -1);
  }
  return undefined;
}

function isWellKnown(port: number): boolean {
  return port > 0 && port < 1024;
}

function createCiscoAsa(options: ParserOptions = {}): LineParser {
  const offset = options.utcOffsetMinutes ?? 0;
  const now = options.now ?? Date.now();
  // Connection id -> direction from Built messages. Insertion-ordered, so the oldest entries are
  // evicted first when a log never shows the teardown.
  const direction = new Map<string, 'inbound' | 'outbound'>();

  function parseLine(raw: string): ParseResult {
    const line = raw.trim();
    if (line.length === 0) return IGNORED_BLANK;
    let tag = line.indexOf('%ASA-');
    if (tag < 0) tag = line.indexOf('%FTD-');
    if (tag < 0) tag = line.indexOf('%FWSM-');
    if (tag < 0) tag = line.indexOf('%PIX-');
    if (tag < 0) return fail('no %ASA- message tag');
    const idEnd = line.indexOf(':', tag);
    if (idEnd < 0) return fail('malformed message tag');
    const messageId = line.slice(idEnd - 6, idEnd);
    const isConnection = messageId === '302013' || messageId === '302015' || messageId === '302014' || messageId === '302016';
    const isDeny = messageId === '106023' || messageId === '106100';
    if (!isConnection && !isDeny) return IGNORED_OTHER;

    const header = scanSyslogHeader(line.slice(0, tag), offset, now);
    const timestamp = header.timestamp;
    if (Number.isNaN(timestamp)) return fail('no timestamp before the message tag');
    const words = line
      .slice(idEnd + 1)
      .trim()
      .split(/\s+/);

    if (messageId === '302013' || messageId === '302015') {
      // Built outbound TCP connection <id> for ...
      const dir = words[1];
      const id = words[4];
      if (words[0] !== 'Built' || (dir !== 'inbound' && dir !== 'outbound') || !id) return fail('malformed Built message');
      if (direction.size >= MAX_TRACKED_CONNECTIONS) {
        const oldest = direction.keys().next().value;
        if (oldest !== undefined) direction.delete(oldest);
      }
      direction.set(id, dir);
      return IGNORED_BUILT;
    }

    if (messageId === '302014' || messageId === '302016') {
      // Teardown TCP connection <id> for <a> to <b> duration <d> bytes <n> ...
      if (words[0] !== 'Teardown' || words[4] !== 'for' || words[6] !== 'to') return fail('malformed Teardown message');
      const id = words[3]!;
      const forSide = parseSide(words[5]);
      const toSide = parseSide(words[7]);
      if (!forSide || !toSide) return fail('invalid connection endpoints');
      const bytesAt = words.indexOf('bytes', 8);
      const bytes = bytesAt < 0 ? NaN : Number(words[bytesAt + 1]);
      if (!Number.isInteger(bytes) || bytes < 0) return fail('missing or invalid byte count');
      const dir = direction.get(id);
      if (dir) direction.delete(id);
      if (dir === 'inbound') return IGNORED_INBOUND;
      let client = toSide;
      let server = forSide;
      if (!dir && isWellKnown(toSide.port) && !isWellKnown(forSide.port)) {
        client = forSide;
        server = toSide;
      }
      return makeRecord({
        timestamp,
        srcIp: client.ip,
        user: findUser(words, 5),
        destIp: server.ip,
        destPort: server.port,
        bytesTotal: bytes,
        action: 'allowed',
      });
    }

    if (messageId === '106023') {
      // Deny tcp src <ifc>:<ip>/<port> dst <ifc>:<ip>/<port> by access-group "<acl>"
      const s = words.indexOf('src');
      const d = words.indexOf('dst');
      const src = parseSide(words[s + 1]);
      const dst = parseSide(words[d + 1]);
      if (words[0] !== 'Deny' || s < 0 || d < 0 || !src || !dst) return fail('malformed Deny message');
      return makeRecord({
        timestamp,
        srcIp: src.ip,
        user: findUser(words, d + 1),
        destIp: dst.ip,
        destPort: dst.port,
        action: 'blocked',
      });
    }

    // 106100: access-list <acl> {permitted|denied|est-allowed} <proto> <a> -> <b> hit-cnt ...
    const verb = words[2];
    if (verb !== 'denied') return verb === 'permitted' || verb === 'est-allowed' ? IGNORED_PERMIT : fail('malformed access-list message');
    const arrow = words.indexOf('->');
    const src = parseAclSide(words[arrow - 1]);
    const dst = parseAclSide(words[arrow + 1]);
    if (arrow < 0 || !src || !dst) return fail('malformed access-list message');
    return makeRecord({ timestamp, srcIp: src.ip, destIp: dst.ip, destPort: dst.port, action: 'blocked' });
  }
  return { parseLine };
}

export const ciscoAsaParser: LogParser = {
  id: 'cisco-asa',
  name: 'Cisco ASA firewall',
  create: createCiscoAsa,
};
