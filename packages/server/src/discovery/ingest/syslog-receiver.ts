// Syslog receivers of data sources (the log collector's syslog-udp, syslog-tcp and syslog-tls),
// on configurable ports of the collector host (loopback by default). Received lines are batched
// per data source and fed through the same pipeline as uploads (parseStream -> catalog ->
// daily buckets), into the data source's continuous stream.
//   UDP: one datagram is one message (trailing newlines trimmed; several lines are split).
//   TCP/TLS: RFC 6587 framing, octet counting (`123 <34>1 ...`) or LF/NUL-terminated lines,
//   detected per message.
import dgram from 'node:dgram';
import net from 'node:net';
import { Readable } from 'node:stream';
import tls from 'node:tls';
import type { IpRangeService } from '../ip-range-service.js';
import type { Clock } from '../../clock.js';
import type { DiscoveryStreamRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import { createCustomParser, parseStream, parseStreamInWorker, type LineParser, type LogParser } from '../index.js';
import type { Logger } from './job-runner.js';
import { streamSettings } from './streams.js';
import { writeUsage } from './usage-writer.js';

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

  push(chunk: Buffer): string[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      if (this.buf.length === 0) break;
      // Octet counting: MSG-LEN SP SYSLOG-MSG.
      const m = /^(\d{1,7}) /.exec(this.buf.subarray(0, 9).toString('latin1'));
      if (m) {
        const len = Number(m[1]);
        const start = m[0].length;
        if (this.buf.length < start + len) break;
        out.push(this.buf.subarray(start, start + Math.min(len, MAX_MESSAGE_BYTES)).toString('utf8'));
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
  stats: ReceiverStats;
  /** CUSTOM_PARSER with `header: "first-line"`: one parser for the receiver's life, so the first line received names the columns. */
  customLineParser?: LineParser;
}

export interface SyslogReceiverOptions {
  host: string;
  flushMs: number;
}

export class SyslogReceivers {
  private readonly receivers = new Map<string, Receiver>();
  private tlsMaterial: { key: string; cert: string } | undefined;
  log: Logger;

  constructor(
    private readonly stores: Stores,
    private readonly ipRanges: IpRangeService,
    private readonly clock: Clock,
    private readonly options: SyslogReceiverOptions,
    log: Logger,
  ) {
    this.log = log;
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
      },
    };
    const accept = (messages: string[]) => {
      for (const m of messages) this.accept(receiver, m);
    };
    const port = row.port ?? 0;
    if (protocol === 'udp') {
      const socket = dgram.createSocket(net.isIPv6(this.options.host) ? 'udp6' : 'udp4');
      socket.on('message', (msg) =>
        accept(
          msg
            .toString('utf8')
            .split(/\r?\n/)
            .filter((l) => l.trim() !== ''),
        ),
      );
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
        sock.on('data', (chunk: Buffer) => accept(framer.push(chunk)));
        sock.on('end', () => accept(framer.end()));
        sock.on('error', () => sock.destroy());
      };
      let server: net.Server;
      if (protocol === 'tls') {
        if (!this.tlsMaterial) throw new Error('syslog-tls needs the server certificate (the data directory TLS material)');
        server = tls.createServer({ key: this.tlsMaterial.key, cert: this.tlsMaterial.cert }, onConnection);
      } else server = net.createServer(onConnection);
      const sockets = new Set<net.Socket>();
      server.on(protocol === 'tls' ? 'secureConnection' : 'connection', (s: net.Socket) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
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
    if (r.size >= MAX_BATCH_BYTES) this.schedule(r);
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
    r.chain = r.chain
      .then(() => this.process(r, lines, size))
      .catch((e: unknown) => {
        r.stats.lastError = (e as Error).message;
        this.log.error({ err: e, dataSource: r.row.id }, 'syslog batch failed');
      });
    return r.chain;
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
    await writeUsage(this.stores, this.ipRanges, row.tenant_id, row.id, result);
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
