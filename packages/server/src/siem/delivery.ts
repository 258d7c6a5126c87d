import crypto from 'node:crypto';
import os from 'node:os';
import { alertJsonText } from '../cloudapps/alerts/model.js';
import type { MasterKey } from '../identity/master-key.js';
import type { Stores } from '../store/interfaces.js';
import type { ExportItem } from '../store/siem-interfaces.js';
import type { SiemTargetRow } from '../store/siem-schema.js';
import { activityRecord, alertRecord, cefLine, syslogFrame, type SyslogFormat } from './cef.js';
import { parseSyslogUrl } from './targets.js';
import { serveInTurn, WorkerLoop } from '../worker-loop.js';
import { deliveryId, StreamSender, UDP_MAX_LINE_BYTES, UdpSender, WebhookSender, type LineSender } from './transports.js';

export interface DeliveryOptions {
  batchSize: number;
  pollMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  sendTimeoutMs: number;
  /** Targets served at once by this process. */
  concurrency?: number;
  /** The public origin, for portal links. */
  origin: () => string;
  /** The syslog HOSTNAME (default: this machine's name). */
  hostName?: string;
}

export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const SILENT: DeliveryLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Per-target state of this process: the open sender and the back-off after failures. */
interface TargetState {
  key: string;
  sender: LineSender | WebhookSender;
  failures: number;
  retryAt: number;
}

/**
 * The delivery worker of one process. Each round it asks the database which enabled targets have
 * items waiting, takes a lease on each (one process sends to a target at a time, so two processes
 * never send the same item at once), sends at most one batch per target (fair across targets and
 * tenants), and deletes what the target took. A failed send leaves the batch in the outbox and
 * backs the target off exponentially (with jitter) up to retryMaxMs. Times here are wall-clock
 * (leases and back-off are real time even when the service clock is frozen in tests).
 */
export class SiemDelivery {
  private readonly owner = `${os.hostname()}:${process.pid}:${crypto.randomUUID()}`;
  private readonly states = new Map<string, TargetState>();
  private readonly hostName: string;
  private readonly loop: WorkerLoop<boolean>;
  private log: DeliveryLog = SILENT;

  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly options: DeliveryOptions,
  ) {
    this.hostName = options.hostName ?? (os.hostname().split('.')[0] || 'appwarden');
    this.loop = new WorkerLoop({
      pollMs: options.pollMs,
      round: () => this.round(),
      busy: (busy) => busy,
      onError: (e) => this.log.error({ err: e }, 'SIEM export round failed'),
    });
  }

  /** Lease length: a batch must finish well within it (checked between webhook posts). */
  private get leaseMs(): number {
    return Math.max(60_000, this.options.sendTimeoutMs * 6);
  }

  start(log?: DeliveryLog): void {
    if (log) this.log = log;
    this.loop.start();
  }

  /** Stops the loop after the round in flight; closes connections. */
  async stop(): Promise<void> {
    await this.loop.stop();
    for (const s of this.states.values()) s.sender.close();
    this.states.clear();
  }

  /** Runs a round now (new items were written, or a test wants progress). */
  poke(): void {
    this.loop.wake();
  }

  /**
   * Resolves after a round that found nothing it could send: every enabled target's outbox is
   * empty, or the targets with items are backing off (receiver down). Tests wait on it.
   */
  whenIdle(): Promise<void> {
    return this.loop.whenIdle();
  }

  /** One round; true when some target had a full batch (more may be waiting). */
  private async round(): Promise<boolean> {
    const targets = await this.stores.siem.targetsWithWork();
    const now = Date.now();
    const due = targets.filter((t) => (this.states.get(t.id)?.retryAt ?? 0) <= now);
    // Forget targets removed, disabled or emptied since (their connections close).
    const live = new Set(targets.map((t) => t.id));
    for (const [id, s] of this.states) {
      if (!live.has(id)) {
        s.sender.close();
        this.states.delete(id);
      }
    }
    const results = await serveInTurn(
      due,
      0,
      this.options.concurrency ?? 4,
      (t) => this.serve(t),
      () => this.loop.isStopped,
    );
    return results.some(Boolean);
  }

  private state(t: SiemTargetRow): TargetState {
    const key = `${t.url}|${t.format}|${t.framing}|${t.ca ?? ''}|${t.secret_enc ?? ''}`;
    const old = this.states.get(t.id);
    if (old && old.key === key) return old;
    old?.sender.close();
    const timeout = this.options.sendTimeoutMs;
    let sender: LineSender | WebhookSender;
    if (t.url.startsWith('https:')) {
      sender = new WebhookSender(t.url, this.master.decrypt(t.secret_enc!), timeout, t.ca);
    } else {
      const addr = parseSyslogUrl(t.url);
      sender = addr.protocol === 'udp' ? new UdpSender(addr, timeout) : new StreamSender(addr, t.framing as 'lf' | 'octet', timeout, t.ca);
    }
    const s: TargetState = { key, sender, failures: old?.failures ?? 0, retryAt: old?.retryAt ?? 0 };
    this.states.set(t.id, s);
    return s;
  }

  /** Sends one batch to one target; true when the batch was full and everything went. */
  private async serve(t: SiemTargetRow): Promise<boolean> {
    const started = Date.now();
    if (!(await this.stores.siem.lease(t.id, this.owner, started, started + this.leaseMs))) return false;
    try {
      const state = this.state(t);
      const webhook = state.sender instanceof WebhookSender;
      const limit = webhook ? Math.min(this.options.batchSize, 50) : this.options.batchSize;
      const items = await this.stores.siem.claim(t.id, limit);
      if (items.length === 0) return false;
      const result = webhook
        ? await this.postWebhook(t, state.sender as WebhookSender, items, started)
        : await this.sendLines(t, state.sender as LineSender, items);
      if (result.done.length > 0) {
        await this.stores.siem.complete(t.id, result.done, { delivered: result.delivered, rejected: result.rejected }, Date.now());
      }
      if (result.error) {
        state.failures += 1;
        const base = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(state.failures - 1, 30));
        const delay = Math.round(base / 2 + Math.random() * (base / 2));
        state.retryAt = Date.now() + delay;
        await this.stores.siem.recordError(t.id, result.error, Date.now());
        this.log.warn(
          { siemTarget: t.id, tenant: t.tenant_id, failures: state.failures, retryInMs: delay, error: result.error },
          'SIEM export: delivery failed',
        );
        return false;
      }
      if (state.failures > 0) this.log.info({ siemTarget: t.id, tenant: t.tenant_id }, 'SIEM export: delivering again');
      state.failures = 0;
      state.retryAt = 0;
      return items.length === limit;
    } finally {
      await this.stores.siem.releaseLease(t.id, this.owner).catch(() => undefined);
    }
  }

  private async sendLines(
    t: SiemTargetRow,
    sender: LineSender,
    items: ExportItem[],
  ): Promise<{ done: number[]; delivered: number; rejected: number; error?: string }> {
    const ctx = { origin: this.options.origin() };
    const max = t.url.startsWith('udp:') ? UDP_MAX_LINE_BYTES : Infinity;
    const lines: string[] = [];
    const done: number[] = [];
    for (const item of items) {
      done.push(item.seq);
      const doc = this.document(item, ctx.origin);
      if (!doc) continue;
      const record = item.kind === 'alert' ? alertRecord(doc, ctx) : activityRecord(doc, ctx);
      const time = typeof doc.timestamp === 'number' ? doc.timestamp : Date.now();
      // The frame's own header is short; the CEF part gets the rest of the datagram.
      const cef = cefLine(record, max - 120);
      lines.push(syslogFrame(t.format as SyslogFormat, cef, time, this.hostName, item.kind === 'alert'));
    }
    try {
      if (lines.length > 0) await sender.send(lines);
      return { done, delivered: lines.length, rejected: 0 };
    } catch (e) {
      return { done: [], delivered: 0, rejected: 0, error: e instanceof Error ? e.message : String(e) };
    }
  }

  private async postWebhook(
    t: SiemTargetRow,
    sender: WebhookSender,
    items: ExportItem[],
    started: number,
  ): Promise<{ done: number[]; delivered: number; rejected: number; error?: string }> {
    const origin = this.options.origin();
    const done: number[] = [];
    let delivered = 0;
    let rejected = 0;
    for (const item of items) {
      // Stay well inside the lease: what is left goes in the next round.
      if (Date.now() - started > this.leaseMs / 2) break;
      const body = item.kind === 'alert' ? (item.alert ? alertJsonText(item.alert, origin) : undefined) : item.doc;
      if (body === undefined) {
        done.push(item.seq);
        continue;
      }
      const r = await sender.post(body, deliveryId(t.id, item.seq), item.kind);
      if (r.outcome === 'retry') return { done, delivered, rejected, error: r.detail };
      done.push(item.seq);
      if (r.outcome === 'delivered') delivered += 1;
      else {
        rejected += 1;
        this.log.warn({ siemTarget: t.id, tenant: t.tenant_id, status: r.detail }, 'SIEM export: webhook refused an item; dropped');
      }
    }
    return { done, delivered, rejected };
  }

  /** The item's API document (alerts with their current state), or undefined when it is gone. */
  private document(item: ExportItem, origin: string): Record<string, unknown> | undefined {
    const text = item.kind === 'alert' ? (item.alert ? alertJsonText(item.alert, origin) : undefined) : item.doc;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }
}
