import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import net from 'node:net';
import tls from 'node:tls';

/**
 * A SIEM's side of the export, for tests: UDP, TCP and TLS syslog receivers on loopback (port 0),
 * the frame and CEF header read by nsyslog-parser (a syslog/CEF parser from the npm registry), and
 * the CEF extension read by a strict parser written here from the CEF specification, because
 * nsyslog-parser splits extension values at every `=` and does not undo CEF escapes.
 */

interface NsyslogEntry {
  type?: string;
  pri?: string;
  prival?: number;
  host?: string;
  appName?: string;
  ts?: Date;
  message?: string;
  cef?: Record<string, string>;
  fields?: Record<string, string>;
  err?: unknown;
}
const nsyslog = createRequire(import.meta.url)('nsyslog-parser') as (line: string, opts?: object) => NsyslogEntry;

export interface CefEvent {
  /** The received frame, as sent. */
  raw: string;
  /** nsyslog-parser's reading of the frame (type RFC5424 / BSD / CEF...). */
  syslog: NsyslogEntry;
  version: string;
  vendor: string;
  product: string;
  deviceVersion: string;
  signatureId: string;
  name: string;
  severity: string;
  /** Extension values, unescaped, in order of appearance. */
  ext: Record<string, string>;
  keys: string[];
}

/** Undoes header escapes (`\|`, `\\`) and splits the seven header fields from the extension. */
function splitHeader(cef: string): string[] {
  if (!cef.startsWith('CEF:')) throw new Error(`not a CEF record: ${cef.slice(0, 40)}`);
  const out: string[] = [];
  let cur = '';
  let i = 4;
  for (; i < cef.length && out.length < 7; i++) {
    const c = cef[i]!;
    if (c === '\\') {
      const n = cef[i + 1];
      if (n !== '\\' && n !== '|') throw new Error(`bad header escape \\${n} at ${i}`);
      cur += n;
      i++;
    } else if (c === '|') {
      out.push(cur);
      cur = '';
    } else {
      if (c === '\n' || c === '\r') throw new Error('line break in a CEF header');
      cur += c;
    }
  }
  if (out.length < 7) throw new Error('CEF header has fewer than 8 fields');
  out.push(cef.slice(i));
  return out;
}

const KEY = /^[A-Za-z][A-Za-z0-9_.]*$/;

/** Strict CEF extension parser: `key=value` pairs, values end where the next ` key=` starts. */
export function parseExtension(ext: string): { values: Record<string, string>; keys: string[] } {
  const values: Record<string, string> = {};
  const keys: string[] = [];
  let i = 0;
  while (i < ext.length) {
    const eq = ext.indexOf('=', i);
    if (eq < 0) throw new Error(`extension text without a key at ${i}: ${ext.slice(i, i + 30)}`);
    const key = ext.slice(i, eq);
    if (!KEY.test(key)) throw new Error(`bad extension key '${key}'`);
    let j = eq + 1;
    let value = '';
    for (;;) {
      if (j >= ext.length) break;
      const c = ext[j]!;
      if (c === '\\') {
        const n = ext[j + 1];
        if (n === '\\' || n === '=') value += n;
        else if (n === 'n') value += '\n';
        else if (n === 'r') value += '\r';
        else throw new Error(`bad escape \\${n ?? ''} in ${key}`);
        j += 2;
        continue;
      }
      if (c === '=') throw new Error(`unescaped '=' in the value of ${key}`);
      if (c === '\n' || c === '\r') throw new Error(`raw line break in the value of ${key}`);
      if (c === ' ') {
        const m = /^ ([A-Za-z][A-Za-z0-9_.]*)=/.exec(ext.slice(j));
        if (m) {
          j += 1;
          break;
        }
      }
      value += c;
      j++;
    }
    if (key in values) throw new Error(`key ${key} twice`);
    values[key] = value;
    keys.push(key);
    i = j;
  }
  return { values, keys };
}

/** Parses one received frame; throws when anything does not follow the formats. */
export function parseFrame(raw: string): CefEvent {
  const syslog = nsyslog(raw);
  if (syslog.err) throw new Error(`nsyslog-parser: ${String(syslog.err)}`);
  const at = raw.indexOf('CEF:');
  if (at < 0) throw new Error(`no CEF record in ${raw.slice(0, 60)}`);
  const [version, vendor, product, deviceVersion, signatureId, name, severity, ext] = splitHeader(raw.slice(at));
  const { values, keys } = parseExtension(ext!);
  return {
    raw,
    syslog,
    version: version!,
    vendor: vendor!,
    product: product!,
    deviceVersion: deviceVersion!,
    signatureId: signatureId!,
    name: name!,
    severity: severity!,
    ext: values,
    keys,
  };
}

export interface Receiver {
  port: number;
  frames: string[];
  /** Resolves once `n` frames arrived (rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<string[]>;
  close(): Promise<void>;
}

function waiter(frames: string[]) {
  return (n: number, ms = 15_000) =>
    new Promise<string[]>((resolve, reject) => {
      const started = Date.now();
      const check = () => {
        if (frames.length >= n) return resolve(frames.slice());
        if (Date.now() - started > ms) return reject(new Error(`received ${frames.length} of ${n} frames in ${ms} ms`));
        setTimeout(check, 20);
      };
      check();
    });
}

export async function udpReceiver(port = 0): Promise<Receiver> {
  const frames: string[] = [];
  const s = dgram.createSocket('udp4');
  s.on('message', (m) => frames.push(m.toString('utf8')));
  await new Promise<void>((resolve) => s.bind(port, '127.0.0.1', resolve));
  return {
    port: s.address().port,
    frames,
    waitFor: waiter(frames),
    close: () => new Promise<void>((resolve) => s.close(() => resolve())),
  };
}

/** Splits a TCP stream into frames: LF-terminated lines, or RFC 6587 octet counting. */
function framer(framing: 'lf' | 'octet', out: string[]) {
  let buf = Buffer.alloc(0);
  return (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (framing === 'lf') {
        const nl = buf.indexOf(10);
        if (nl < 0) return;
        out.push(buf.subarray(0, nl).toString('utf8'));
        buf = buf.subarray(nl + 1);
      } else {
        const sp = buf.indexOf(32);
        if (sp < 0) return;
        const len = Number(buf.subarray(0, sp).toString('ascii'));
        if (!Number.isInteger(len) || len <= 0) throw new Error(`bad octet count '${buf.subarray(0, sp).toString()}'`);
        if (buf.length < sp + 1 + len) return;
        out.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    }
  };
}

export async function streamReceiver(
  options: { framing?: 'lf' | 'octet'; tls?: { key: string; cert: string }; port?: number } = {},
): Promise<Receiver> {
  const frames: string[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (sock: net.Socket) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.on('data', framer(options.framing ?? 'lf', frames));
  };
  const server = options.tls ? tls.createServer({ key: options.tls.key, cert: options.tls.cert }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    frames,
    waitFor: waiter(frames),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.end();
        server.close(() => resolve());
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 200).unref();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
