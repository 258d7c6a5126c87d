// Syslog receivers of data sources (the log collector's syslog-udp, syslog-tcp and syslog-tls),
// on configurable ports of the collector host (loopback by default). Received lines are batched
// per data source and fed through the same pipeline as uploads (parseStream -> catalog ->
// daily buckets), into the data source's continuous stream.
//   UDP: one datagram is one message (trailing newlines trimmed; several lines are split).
//   TCP/TLS: RFC 6587 framing, octet counting (`123 <34>1 ...`) or LF/NUL-terminated lines,
//   detected per message.
// Memory is bounded: bytes received but not yet parsed ("pending": the open batch plus queued
// batches) are capped per receiver and across receivers. Past the cap a TCP/TLS socket is paused
// (the sender's kernel buffers fill and TCP flow control slows it down) until batches drain; a UDP
// datagram is dropped and counted. Each sender address also has a byte rate: a TCP sender over it
// is paused for the time its budget needs, a UDP datagram over it is dropped and counted.
import dgram from 'node:dgram';
import net from 'node:net';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import type { Clock } from '../../clock.js';
import type { DiscoveryStreamRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import { createCustomParser, parseStream, parseStreamInWorker, type LineParser, type LogParser } from '../index.js';
import type { Logger } from './job-runner.js';
import { streamSettings } from './streams.js';
import { writeUsage } from './usage-writer.js';
import { SenderRateLimit } from './syslog-rate-limit.js';

export type SyslogProtocol = 'udp' | 'tcp' | 'tls';

export interface ReceiverStats {
  protocol: SyslogProtocol;
  port: number;
  messages: number;
  bytes: number;
  batches: number;
  parsed: number;
  failed: number;
  matched: number;
  lastBatchAt: number | null;
  lastError: string | null;
  /** Bytes received and not yet parsed (open batch + queued batches), and the most it has been. */
  pendingBytes: number;
  peakPendingBytes: number;
  /** Times a TCP/TLS socket was paused because pending bytes were over the cap. */
  pauses: number;
  /** Times a TCP/TLS socket was paused because its sender was over its byte rate. */
  throttles: number;
  /** UDP messages dropped because pending bytes were over the cap, and their bytes. */
  dropped: number;
  droppedBytes: number;
  /** UDP messages dropped because their sender was over its byte rate. */
  rateLimited: number;
  /** TCP/TLS connections open now. */
  connections: number;
}

/** Largest single message kept (longer ones are cut). */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** A batch is flushed when it reaches this size, or after flushMs. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Batches above this parse on a worker thread instead of the event loop. */
const WORKER_BATCH_BYTES = 1024 * 1024;

/** Splits a TCP byte stream into syslog messages (RFC 6587 octet counting or non-transparent framing). */
export class SyslogFramer {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes still to discard of an octet-counted message longer than MAX_MESSAGE_BYTES (never buffered). */
  private skip = 0;

  push(chunk: Buffer): string[] {
    if (this.skip > 0) {
      const n = Math.min(this.skip, chunk.length);
      this.skip -= n;
      chunk = chunk.subarray(n);
    }
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      // Octet counting: MSG-LEN SP SYSLOG-MSG.
      const m = /^(\d{1,7}) /.exec(this.buf.subarray(0, 9).toString('latin1'));
      if (m) {
        const len = Number(m[1]);
        const start = m[0].length;
        if (len > MAX_MESSAGE_BYTES && this.buf.length >= start + MAX_MESSAGE_BYTES) {
          // Keep the first MAX_MESSAGE_BYTES, discard the rest as it arrives.
          out.push(this.buf.subarray(start, start + MAX_MESSAGE_BYTES).toString('utf8'));
          const rest = start + len - this.buf.length;
          if (rest > 0) {
            this.skip = rest;
            this.buf = Buffer.alloc(0);
          } else this.buf = this.buf.subarray(start + len);
          continue;
        }
        if (this.buf.length < start + len) break;
        out.push(this.buf.subarray(start, start + len).toString('utf8'));
        this.buf = this.buf.subarray(start + len);
        continue;
      }
      let end = -1;
      for (let i = 0; i < this.buf.length; i++) {
        const c = this.buf[i];
        if (c === 10 || c === 0) {
          end = i;
          break;
        }
      }
      if (end < 0) {
        if (this.buf.length > MAX_MESSAGE_BYTES) {
          out.push(this.buf.subarray(0, MAX_MESSAGE_BYTES).toString('utf8'));
          this.buf = Buffer.alloc(0);
        }
        break;
      }
      out.push(this.buf.subarray(0, end).toString('utf8').replace(/\r$/, ''));
      this.buf = this.buf.subarray(end + 1);
    }
    return out.filter((l) => l.trim() !== '');
  }

  /** What is left when the connection closes. */
  end(): string[] {
    const rest = this.buf.toString('utf8').trim();
    this.buf = Buffer.alloc(0);
    return rest ? [rest] : [];
  }
}

interface Receiver {
  row: DiscoveryStreamRow;
  close(): Promise<void>;
  lines: string[];
  size: number;
  timer: NodeJS.Timeout | undefined;
  /** Batches are processed one after another per receiver. */
  chain: Promise<void>;
  /** Bytes of batches handed to the chain and not yet processed. */
  inFlight: number;
  /** Sockets paused for memory, resumed when pending bytes fall back under the cap. */
  paused: Set<net.Socket>;
  /** Sockets paused for their sender's byte rate: their own timer resumes them. */
  throttled: Set<net.Socket>;
  stats: ReceiverStats;
  /** CUSTOM_PARSER with `header: "first-line"`: one parser for the receiver's life, so the first line received names the columns. */
  customLineParser?: LineParser;
}

export interface SyslogReceiverOptions {
  host: string;
  flushMs: number;
  /** Pending (received, unparsed) bytes one receiver may hold. */
  maxPendingBytes?: number;
  /** Pending bytes all receivers together may hold. */
  maxTotalPendingBytes?: number;
  /** Bytes per second one sender address may send to one receiver; 0: unlimited. */
  senderBytesPerSecond?: number;
  /** TCP/TLS connections one receiver accepts at once. */
  maxConnections?: number;
}

/** Defaults of the limits (config.ts passes its own; these serve callers that give none). */
export const SYSLOG_LIMIT_DEFAULTS = {
  maxPendingBytes: 16 * 1024 * 1024,
  maxTotalPendingBytes: 64 * 1024 * 1024,
  senderBytesPerSecond: 8 * 1024 * 1024,
  maxConnections: 256,
} as const;

export class SyslogReceivers {
  private readonly receivers = new Map<string, Receiver>();
  private tlsMaterial: { key: string; cert: string } | undefined;
  private readonly limits: Required<Omit<SyslogReceiverOptions, 'host' | 'flushMs'>>;
  /** Pending bytes of every receiver together. */
  private totalPending = 0;
  log: Logger;

  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly options: SyslogReceiverOptions,
    log: Logger,
  ) {
    this.log = log;
    this.limits = {
      maxPendingBytes: options.maxPendingBytes ?? SYSLOG_LIMIT_DEFAULTS.maxPendingBytes,
      maxTotalPendingBytes: options.maxTotalPendingBytes ?? SYSLOG_LIMIT_DEFAULTS.maxTotalPendingBytes,
      senderBytesPerSecond: options.senderBytesPerSecond ?? SYSLOG_LIMIT_DEFAULTS.senderBytesPerSecond,
      maxConnections: options.maxConnections ?? SYSLOG_LIMIT_DEFAULTS.maxConnections,
    };
  }

  /** A batch is cut at 4 MiB, or earlier so that at least two batches fit under the pending cap. */
  private get batchBytes(): number {
    return Math.max(1, Math.min(MAX_BATCH_BYTES, Math.floor(this.limits.maxPendingBytes / 2)));
  }

  private pending(r: Receiver): number {
    return r.size + r.inFlight;
  }

  private overCap(r: Receiver): boolean {
    return this.pending(r) >= this.limits.maxPendingBytes || this.totalPending >= this.limits.maxTotalPendingBytes;
  }

  setTls(material: { key: string; cert: string }): void {
    this.tlsMaterial = material;
  }

  /** Opens the receivers of every syslog data source (all tenants) at start. */
  async openAll(): Promise<void> {
    for (const row of await this.stores.discovery.streams.listDataSources()) {
      try {
        await this.open(row);
      } catch (e) {
        this.log.warn({ err: e, dataSource: row.id, port: row.port }, 'syslog receiver could not listen');
      }
    }
  }

  stats(streamId: string): ReceiverStats | undefined {
    const r = this.receivers.get(streamId);
    return r ? { ...r.stats } : undefined;
  }

  /** Listens for a data source; resolves with the bound port (an ephemeral one when the row has none). */
  async open(row: DiscoveryStreamRow): Promise<number> {
    await this.close(row.id);
    const protocol = (row.protocol ?? 'udp') as SyslogProtocol;
    const receiver: Receiver = {
      row,
      close: async () => undefined,
      lines: [],
      size: 0,
      timer: undefined,
      chain: Promise.resolve(),
      inFlight: 0,
      paused: new Set(),
      throttled: new Set(),
      stats: {
        protocol,
        port: 0,
        messages: 0,
        bytes: 0,
        batches: 0,
        parsed: 0,
        failed: 0,
        matched: 0,
        lastBatchAt: null,
        lastError: null,
        pendingBytes: 0,
        peakPendingBytes: 0,
        pauses: 0,
        throttles: 0,
        dropped: 0,
        droppedBytes: 0,
        rateLimited: 0,
        connections: 0,
      },
    };
    const rate = new SenderRateLimit(this.limits.senderBytesPerSecond);
    const accept = (messages: string[]) => {
      for (const m of messages) this.accept(receiver, m);
    };
    const port = row.port ?? 0;
    if (protocol === 'udp') {
      const socket = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
      socket.on('message', (msg, from) => {
        if (this.overCap(receiver)) {
          receiver.stats.dropped++;
          receiver.stats.droppedBytes += msg.length;
          return;
        }
        if (rate.take(from.address, msg.length, false) > 0) {
          receiver.stats.rateLimited++;
          return;
        }
        accept(
          msg
            .subarray(0, MAX_MESSAGE_BYTES)
            .toString('utf8')
            .split(/\r?\n/)
            .filter((l) => l.trim() !== ''),
        );
      });
      socket.on('error', (err) => this.log.warn({ err, dataSource: row.id }, 'syslog udp error'));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, this.options.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      receiver.stats.port = socket.address().port;
      receiver.close = () => new Promise<void>((resolve) => socket.close(() => resolve()));
    } else {
      const onConnection = (sock: net.Socket) => {
        const framer = new SyslogFramer();
        const sender = sock.remoteAddress ?? '';
        let throttled: NodeJS.Timeout | undefined;
        sock.on('data', (chunk: Buffer) => {
          accept(framer.push(chunk));
          const wait = rate.take(sender, chunk.length);
          if (this.overCap(receiver)) {
            receiver.paused.add(sock);
            receiver.stats.pauses++;
            sock.pause();
          }
          if (wait > 0 && !throttled) {
            receiver.stats.throttles++;
            receiver.throttled.add(sock);
            sock.pause();
            throttled = setTimeout(() => {
              throttled = undefined;
              receiver.throttled.delete(sock);
              if (!receiver.paused.has(sock)) sock.resume();
            }, wait);
            throttled.unref();
          }
        });
        sock.on('end', () => accept(framer.end()));
        sock.on('error', () => sock.destroy());
        sock.on('close', () => {
          receiver.paused.delete(sock);
          receiver.throttled.delete(sock);
          if (throttled) clearTimeout(throttled);
        });
      };
      let server: net.Server;
      if (protocol === 'tls') {
        if (!this.tlsMaterial) throw new Error('syslog-tls needs the server certificate (the data directory TLS material)');
        server = tls.createServer({ key: this.tlsMaterial.key, cert: this.tlsMaterial.cert }, onConnection);
      } else server = net.createServer(onConnection);
      // Connections past the cap are closed by Node as soon as they are accepted.
      server.maxConnections = this.limits.maxConnections;
      const sockets = new Set<net.Socket>();
      server.on(protocol === 'tls' ? 'secureConnection' : 'connection', (s: net.Socket) => {
        sockets.add(s);
        receiver.stats.connections = sockets.size;
        s.on('close', () => {
          sockets.delete(s);
          receiver.stats.connections = sockets.size;
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, this.options.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      receiver.stats.port = (server.address() as net.AddressInfo).port;
      receiver.close = () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        });
    }
    this.receivers.set(row.id, receiver);
    return receiver.stats.port;
  }

  private accept(r: Receiver, message: string): void {
    r.stats.messages++;
    r.stats.bytes += Buffer.byteLength(message);
    r.lines.push(message);
    r.size += message.length + 1;
    this.totalPending += message.length + 1;
    this.notePending(r);
    if (r.size >= this.batchBytes) this.schedule(r);
    else if (!r.timer) {
      r.timer = setTimeout(() => this.schedule(r), this.options.flushMs);
      r.timer.unref();
    }
  }

  private schedule(r: Receiver): Promise<void> {
    if (r.timer) clearTimeout(r.timer);
    r.timer = undefined;
    const lines = r.lines;
    const size = r.size;
    r.lines = [];
    r.size = 0;
    if (lines.length === 0) return r.chain;
    r.inFlight += size;
    r.chain = r.chain
      .then(() => this.process(r, lines, size))
      .catch((e: unknown) => {
        r.stats.lastError = (e as Error).message;
        this.log.error({ err: e, dataSource: r.row.id }, 'syslog batch failed');
      })
      .finally(() => {
        r.inFlight -= size;
        this.totalPending -= size;
        this.notePending(r);
        this.resumeWhereRoom();
      });
    return r.chain;
  }

  private notePending(r: Receiver): void {
    r.stats.pendingBytes = this.pending(r);
    if (r.stats.pendingBytes > r.stats.peakPendingBytes) r.stats.peakPendingBytes = r.stats.pendingBytes;
  }

  /** Resumes the sockets paused for memory of every receiver that is back under the caps. */
  private resumeWhereRoom(): void {
    for (const r of this.receivers.values()) {
      if (r.paused.size === 0 || this.overCap(r)) continue;
      for (const s of r.paused) if (!r.throttled.has(s)) s.resume();
      r.paused.clear();
    }
  }

  private async process(r: Receiver, lines: string[], size: number): Promise<void> {
    const row = r.row;
    const text = Buffer.from(lines.join('\n') + '\n');
    const settings = streamSettings(row);
    const custom = settings.customParser;
    const options = {
      now: this.clock.now(),
      maxAgeDays: 90,
      fileName: `${row.display_name} (syslog)`,
      maxSampleFailures: 5,
      ...(settings.utcOffsetMinutes !== undefined ? { parser: { utcOffsetMinutes: settings.utcOffsetMinutes } } : {}),
      ...(custom ? { custom } : {}),
    };
    const logType = row.log_type ?? 'OTHER';
    let result;
    if (custom?.header === 'first-line') {
      // The column names arrive once, as the first line: keep the parser across batches (in this thread).
      const persistent: LogParser = {
        id: 'custom',
        name: 'Custom parser',
        create: (o) => (r.customLineParser ??= createCustomParser(custom, o)),
      };
      result = await parseStream(Readable.from([text]), persistent, options);
    } else if (size > WORKER_BATCH_BYTES) result = await parseStreamInWorker(Readable.from([text]), logType, options);
    else result = await parseStream(Readable.from([text]), logType, options);
    await writeUsage(this.stores, row.tenant_id, row.id, result);
    const at = this.clock.now();
    await this.stores.discovery.streams.recordData(row.tenant_id, row.id, at, false, false);
    r.stats.batches++;
    r.stats.parsed += result.stats.parsed;
    r.stats.failed += result.stats.failed;
    r.stats.matched += result.stats.matched;
    r.stats.lastBatchAt = at;
    if (result.failures.length) r.stats.lastError = `line ${result.failures[0]!.line}: ${result.failures[0]!.reason}`;
  }

  /** Processes what has been received so far (tests, shutdown). */
  async flush(streamId?: string): Promise<void> {
    const targets = streamId ? [this.receivers.get(streamId)].filter((r): r is Receiver => !!r) : [...this.receivers.values()];
    await Promise.all(targets.map((r) => this.schedule(r)));
  }

  async close(streamId: string): Promise<void> {
    const r = this.receivers.get(streamId);
    if (!r) return;
    this.receivers.delete(streamId);
    await r.close();
    await this.schedule(r);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.receivers.keys()].map((id) => this.close(id)));
  }
}
