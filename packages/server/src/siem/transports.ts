import crypto from 'node:crypto';
import dgram from 'node:dgram';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { SyslogAddress } from './targets.js';

/**
 * How lines and webhook posts leave. One sender per target, kept between batches (one TCP or TLS
 * connection, one UDP socket). A sender holds at most the batch being sent: when the receiver is
 * slow the write waits for the socket to drain (up to the send timeout), so memory stays bounded
 * and the outbox, not the process, holds the backlog.
 */

/** UDP: one line per datagram, at most this many bytes (rsyslog's default message size is 8 KiB). */
export const UDP_MAX_LINE_BYTES = 8192;

function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new Error(`${what} timed out after ${ms} ms`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export interface LineSender {
  /** Sends the lines in order; resolves once the last one was handed to the network. */
  send(lines: string[]): Promise<void>;
  close(): void;
}

/** UDP: a connected socket, so that an ICMP "port unreachable" shows up as an error on a later send. */
export class UdpSender implements LineSender {
  private socket: dgram.Socket | undefined;
  private failure: Error | undefined;
  constructor(
    private readonly addr: SyslogAddress,
    private readonly timeoutMs: number,
  ) {}

  private async open(): Promise<dgram.Socket> {
    if (this.socket) return this.socket;
    const type = net.isIPv6(this.addr.host) ? 'udp6' : 'udp4';
    const s = dgram.createSocket(type);
    s.on('error', (e) => {
      this.failure = e;
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.connect(this.addr.port, this.addr.host, () => {
          s.off('error', reject);
          resolve();
        });
      }),
      this.timeoutMs,
      'UDP connect',
      () => s.close(),
    );
    this.socket = s;
    return s;
  }

  async send(lines: string[]): Promise<void> {
    const s = await this.open();
    for (const line of lines) {
      if (this.failure) {
        const f = this.failure;
        this.close();
        throw new Error(f.message);
      }
      await withTimeout(
        new Promise<void>((resolve, reject) => s.send(line, (e) => (e ? reject(e) : resolve()))),
        this.timeoutMs,
        'UDP send',
        () => undefined,
      ).catch((e: unknown) => {
        this.close();
        throw e;
      });
    }
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    this.failure = undefined;
    if (s) {
      try {
        s.close();
      } catch {
        // already closed
      }
    }
  }
}

/** TCP or TLS with LF-terminated lines (as the agent) or RFC 6587 octet counting. */
export class StreamSender implements LineSender {
  private socket: net.Socket | undefined;
  private dead = false;
  constructor(
    private readonly addr: SyslogAddress,
    private readonly framing: 'lf' | 'octet',
    private readonly timeoutMs: number,
    private readonly ca: string | null,
  ) {}

  private async open(): Promise<net.Socket> {
    if (this.socket && !this.dead && !this.socket.destroyed) return this.socket;
    this.close();
    const { host, port } = this.addr;
    const s =
      this.addr.protocol === 'tls'
        ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...(this.ca ? { ca: this.ca } : {}) })
        : net.connect({ host, port });
    this.dead = false;
    // The peer closing (or failing) is noticed before the next batch, which then reconnects.
    const markDead = () => {
      this.dead = true;
    };
    s.on('error', markDead);
    s.on('end', markDead);
    s.on('close', markDead);
    // A syslog receiver does not talk back; read and discard anything it sends.
    s.on('data', () => undefined);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.once(this.addr.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
          s.off('error', reject);
          resolve();
        });
      }),
      this.timeoutMs,
      `${this.addr.protocol.toUpperCase()} connect`,
      () => s.destroy(),
    );
    this.socket = s;
    return s;
  }

  async send(lines: string[]): Promise<void> {
    const s = await this.open();
    const frames = lines.map((l) => (this.framing === 'octet' ? `${Buffer.byteLength(l)} ${l}` : `${l}\n`));
    const data = Buffer.from(frames.join(''), 'utf8');
    // The callback runs once the bytes are in the kernel's buffer; a receiver that does not read
    // keeps it from running, and the timeout turns that into a retry (the batch stays in the outbox).
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        s.once('error', onError);
        s.write(data, (e) => {
          s.off('error', onError);
          if (e) reject(e);
          else resolve();
        });
      }),
      this.timeoutMs,
      `${this.addr.protocol.toUpperCase()} write`,
      () => this.close(),
    ).catch((e: unknown) => {
      this.close();
      throw e;
    });
    if (this.dead) {
      this.close();
      throw new Error('the receiver closed the connection');
    }
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    this.dead = true;
    s?.destroy();
  }
}

/** The outcome of one webhook post. */
export type WebhookOutcome = 'delivered' | 'retry' | 'rejected';

export const SIGNATURE_HEADER = 'x-appwarden-signature';
export const DELIVERY_HEADER = 'x-appwarden-delivery';
export const EVENT_HEADER = 'x-appwarden-event';

/** `sha256=<hex HMAC-SHA256 of the body>` with the target's secret. */
export function webhookSignature(secret: string, body: string | Buffer): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A delivery id that stays the same across retries of one item to one target (receivers de-duplicate on it). */
export function deliveryId(targetId: string, seq: number): string {
  const h = crypto.createHash('sha256').update(`${targetId}:${seq}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** HTTPS POST of one JSON document, signed; keep-alive between posts of a batch. */
export class WebhookSender {
  private readonly agent: https.Agent;
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
    ca: string | null,
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 1, ...(ca ? { ca } : {}) });
  }

  post(body: string, delivery: string, event: string): Promise<{ outcome: WebhookOutcome; detail: string }> {
    const data = Buffer.from(body, 'utf8');
    return new Promise((resolve) => {
      const req = https.request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': data.length,
            'user-agent': 'Appwarden-SIEM-Export',
            [SIGNATURE_HEADER]: webhookSignature(this.secret, data),
            [DELIVERY_HEADER]: delivery,
            [EVENT_HEADER]: event,
          },
        },
        (res) => {
          // Read (and drop) the answer so that the connection can be reused.
          res.resume();
          const status = res.statusCode ?? 0;
          res.on('end', () => {
            if (status >= 200 && status < 300) resolve({ outcome: 'delivered', detail: String(status) });
            else if (status === 408 || status === 429 || status >= 500) resolve({ outcome: 'retry', detail: `HTTP ${status}` });
            else resolve({ outcome: 'rejected', detail: `HTTP ${status}` });
          });
          res.on('error', (e) => resolve({ outcome: 'retry', detail: e.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (e) => resolve({ outcome: 'retry', detail: e.message }));
      req.end(data);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
