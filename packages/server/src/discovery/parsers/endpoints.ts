// Host, port and IP-literal handling for the destination side of a transaction.
// IPv4 is checked by hand (it is on every line); IPv6 goes through ipaddr.js.
import ipaddr from 'ipaddr.js';

/** Strict dotted-quad check: four decimal octets 0-255, no leading `+`, no blanks. */
export function isIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let octets = 0;
  let value = 0;
  let ndigits = 0;
  for (let i = 0; i <= n; i++) {
    const c = i === n ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (ndigits === 0 || value > 255) return false;
      octets++;
      value = 0;
      ndigits = 0;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || ndigits === 3) return false;
      value = value * 10 + d;
      ndigits++;
    }
  }
  return octets === 4;
}

export function isIpv6(s: string): boolean {
  if (s.indexOf(':') < 0) return false;
  const pct = s.indexOf('%');
  return ipaddr.IPv6.isValid(pct < 0 ? s : s.slice(0, pct));
}

export function isIpLiteral(s: string): boolean {
  return isIpv4(s) || isIpv6(s);
}

/** Validated source/destination address: trimmed, IPv4 or IPv6 (brackets and zone id dropped). */
export function normalizeIp(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  let t = s.trim();
  if (isIpv4(t)) return t;
  if (t.charCodeAt(0) === 91 && t.charCodeAt(t.length - 1) === 93) t = t.slice(1, -1);
  const pct = t.indexOf('%');
  if (pct >= 0) t = t.slice(0, pct);
  if (t.indexOf(':') >= 0 && ipaddr.IPv6.isValid(t)) return t.toLowerCase();
  return undefined;
}

export interface Endpoint {
  /** Lower-case DNS name, when the endpoint is a name. */
  host?: string;
  /** Address, when the endpoint is an IP literal. */
  ip?: string;
  /** 0 when absent. */
  port: number;
}

function isHostChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95 || c > 127;
}

/**
 * Splits an authority (`host`, `host:port`, `[v6]:port`, bare v6) into a name or an IP.
 * Returns undefined when the text cannot be a host.
 */
export function parseAuthority(authority: string): Endpoint | undefined {
  let a = authority;
  const at = a.lastIndexOf('@');
  if (at >= 0) a = a.slice(at + 1);
  if (a.length === 0) return undefined;
  let port = 0;
  if (a.charCodeAt(0) === 91) {
    const close = a.indexOf(']');
    if (close < 0) return undefined;
    const ip = normalizeIp(a.slice(1, close));
    if (!ip) return undefined;
    if (a.charCodeAt(close + 1) === 58) port = Number(a.slice(close + 2)) || 0;
    return { ip, port };
  }
  const firstColon = a.indexOf(':');
  if (firstColon >= 0 && a.indexOf(':', firstColon + 1) >= 0) {
    // Several colons and no brackets: a bare IPv6 literal.
    const ip = normalizeIp(a);
    return ip ? { ip, port: 0 } : undefined;
  }
  let host = a;
  if (firstColon >= 0) {
    host = a.slice(0, firstColon);
    const p = Number(a.slice(firstColon + 1));
    if (!Number.isInteger(p) || p < 0 || p > 65535) return undefined;
    port = p;
  }
  if (host.length === 0 || host.length > 253) return undefined;
  if (isIpv4(host)) return { ip: host, port };
  for (let i = 0; i < host.length; i++) if (!isHostChar(host.charCodeAt(i))) return undefined;
  let lower = host.toLowerCase();
  if (lower.charCodeAt(lower.length - 1) === 46) lower = lower.slice(0, -1);
  if (lower.length === 0) return undefined;
  return { host: lower, port };
}

/**
 * Destination of a URL as logged by proxies: `scheme://auth/path`, `host:port` (CONNECT),
 * `host/path` (Zscaler `eurl`), or `/path` (no host: undefined).
 */
export function endpointFromUrl(url: string): Endpoint | undefined {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme > 0 && scheme < 12) start = scheme + 3;
  else if (url.charCodeAt(0) === 47) return undefined;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const ep = parseAuthority(url.slice(start, end));
  if (ep && ep.port === 0 && scheme > 0) {
    const s = url.slice(0, scheme).toLowerCase();
    ep.port = s === 'https' ? 443 : s === 'http' ? 80 : s === 'ftp' ? 21 : 0;
  }
  return ep;
}
