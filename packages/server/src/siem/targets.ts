import crypto from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { errors } from '../http/errors.js';
import type { MasterKey } from '../identity/master-key.js';
import type { Stores } from '../store/interfaces.js';
import type { SiemTargetRow } from '../store/siem-schema.js';
import { SYSLOG_FORMATS, type SyslogFormat } from './cef.js';

export const TCP_FRAMINGS = ['lf', 'octet'] as const;
/** Largest CA bundle accepted for a target (PEM text). */
export const MAX_CA_BYTES = 64 * 1024;
/** Longest target URL. */
const MAX_URL_LENGTH = 2048;

export interface TargetInput {
  url: string;
  alerts?: boolean;
  activities?: boolean;
  format?: string;
  framing?: string;
  ca?: string;
  enabled?: boolean;
}

/** A target as the operator routes show it (never the webhook secret, which is shown once at creation). */
export interface TargetView {
  id: string;
  tenantId: string;
  url: string;
  kind: 'syslog' | 'webhook';
  format: string;
  framing: string;
  customCa: boolean;
  alerts: boolean;
  activities: boolean;
  enabled: boolean;
  maxPending: number;
  pending: number;
  delivered: number;
  dropped: number;
  rejected: number;
  lastDeliveryDateTime: string | null;
  lastError: string | null;
  lastErrorDateTime: string | null;
  createdDateTime: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());

export function targetView(t: SiemTargetRow, pending: number): TargetView {
  return {
    id: t.id,
    tenantId: t.tenant_id,
    url: t.url,
    kind: t.url.startsWith('https:') ? 'webhook' : 'syslog',
    format: t.format,
    framing: t.framing,
    customCa: t.ca !== null,
    alerts: t.alerts === 1,
    activities: t.activities === 1,
    enabled: t.enabled === 1,
    maxPending: Number(t.max_pending),
    pending,
    delivered: Number(t.delivered),
    dropped: Number(t.dropped),
    rejected: Number(t.rejected),
    lastDeliveryDateTime: iso(t.last_delivery_at),
    lastError: t.last_error,
    lastErrorDateTime: iso(t.last_error_at),
    createdDateTime: new Date(Number(t.created_at)).toISOString(),
  };
}

/** The parts of a syslog target URL. */
export interface SyslogAddress {
  protocol: 'udp' | 'tcp' | 'tls';
  host: string;
  port: number;
}

/** `udp|tcp|tls://host:port` (IPv6 hosts in brackets). */
export function parseSyslogUrl(url: string): SyslogAddress {
  const m = /^(udp|tcp|tls):\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})\/?$/.exec(url);
  if (!m) throw errors.invalidInput(`'url' must be udp://host:port, tcp://host:port, tls://host:port or an https:// webhook URL.`);
  const port = Number(m[3]);
  if (port < 1 || port > 65535) throw errors.invalidInput(`The port of '${url}' must be between 1 and 65535.`);
  return { protocol: m[1] as SyslogAddress['protocol'], host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

function checkWebhookUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw errors.invalidInput(`'url' is not a URL.`);
  }
  if (u.protocol !== 'https:') throw errors.invalidInput('Webhook targets must be https:// URLs.');
  if (u.username || u.password) throw errors.invalidInput('Webhook URLs may not carry credentials; the body is signed instead.');
  u.hash = '';
  return u.href;
}

function checkCa(ca: string): string {
  if (Buffer.byteLength(ca) > MAX_CA_BYTES) throw errors.invalidInput(`'ca' is larger than ${MAX_CA_BYTES} bytes.`);
  const blocks = ca.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw errors.invalidInput(`'ca' must hold PEM certificates.`);
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw errors.invalidInput(`'ca' holds a certificate that does not parse.`);
    }
  }
  return blocks.join('\n') + '\n';
}

export interface TargetLimits {
  maxTargetsPerTenant: number;
  maxPendingPerTarget: number;
}

/** Export targets of tenants: validation, the webhook secret (shown once, stored encrypted). */
export class SiemTargetService {
  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly limits: TargetLimits,
    private readonly now: () => number,
  ) {}

  async add(tenantId: string, input: TargetInput): Promise<{ target: TargetView; secret?: string }> {
    if (typeof input.url !== 'string' || input.url.length === 0) throw errors.invalidInput(`Property 'url' is required.`);
    if (input.url.length > MAX_URL_LENGTH) throw errors.invalidInput(`'url' is longer than ${MAX_URL_LENGTH} characters.`);
    const webhook = /^https:/i.test(input.url);
    let url: string;
    let format: string;
    let framing: string;
    if (webhook) {
      url = checkWebhookUrl(input.url);
      if (input.format !== undefined && input.format !== 'json')
        throw errors.invalidInput(`Webhook targets post JSON; 'format' must be 'json'.`);
      if (input.framing !== undefined) throw errors.invalidInput(`'framing' applies to tcp:// and tls:// targets only.`);
      format = 'json';
      framing = 'http';
    } else {
      const addr = parseSyslogUrl(input.url);
      url = `${addr.protocol}://${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
      format = input.format ?? 'rfc5424';
      if (!SYSLOG_FORMATS.includes(format as SyslogFormat))
        throw errors.invalidInput(`'format' must be one of ${SYSLOG_FORMATS.join(', ')}.`);
      if (addr.protocol === 'udp') {
        if (input.framing !== undefined && input.framing !== 'datagram')
          throw errors.invalidInput(`UDP sends one line per datagram; 'framing' does not apply.`);
        framing = 'datagram';
      } else {
        framing = input.framing ?? 'lf';
        if (!(TCP_FRAMINGS as readonly string[]).includes(framing))
          throw errors.invalidInput(`'framing' must be one of ${TCP_FRAMINGS.join(', ')}.`);
      }
      if (input.ca !== undefined && addr.protocol !== 'tls') throw errors.invalidInput(`'ca' applies to tls:// and https:// targets only.`);
    }
    for (const k of ['alerts', 'activities', 'enabled'] as const) {
      if (input[k] !== undefined && typeof input[k] !== 'boolean') throw errors.invalidInput(`'${k}' must be true or false.`);
    }
    if (input.ca !== undefined && typeof input.ca !== 'string') throw errors.invalidInput(`'ca' must be PEM text.`);
    const ca = input.ca === undefined ? null : checkCa(input.ca);
    // Neither flag: both kinds, as the agent's wizard defaulted.
    const both = input.alerts === undefined && input.activities === undefined;
    const alerts = both || input.alerts === true;
    const activities = both || input.activities === true;
    if (!alerts && !activities) throw errors.invalidInput(`A target must export alerts, activities or both.`);
    const existing = await this.stores.siem.listTargets(tenantId);
    if (existing.length >= this.limits.maxTargetsPerTenant) {
      throw errors.conflict(`The tenant already has ${existing.length} export targets (limit ${this.limits.maxTargetsPerTenant}).`);
    }
    const secret = webhook ? `awwh_${crypto.randomBytes(32).toString('base64url')}` : undefined;
    const row: SiemTargetRow = {
      id: crypto.randomUUID(),
      tenant_id: tenantId,
      url,
      format,
      framing,
      ca,
      alerts: alerts ? 1 : 0,
      activities: activities ? 1 : 0,
      enabled: input.enabled === false ? 0 : 1,
      secret_enc: secret ? this.master.encrypt(secret) : null,
      max_pending: this.limits.maxPendingPerTarget,
      created_at: this.now(),
      lease_owner: null,
      lease_until: null,
      delivered: 0,
      dropped: 0,
      rejected: 0,
      last_delivery_at: null,
      last_error: null,
      last_error_at: null,
    };
    await this.stores.siem.addTarget(row);
    return { target: targetView(row, 0), ...(secret ? { secret } : {}) };
  }

  async list(tenantId: string): Promise<TargetView[]> {
    const [rows, pending] = await Promise.all([this.stores.siem.listTargets(tenantId), this.stores.siem.pendingCounts(tenantId)]);
    return rows.map((r) => targetView(r, pending.get(r.id) ?? 0));
  }

  async get(tenantId: string, id: string): Promise<TargetView> {
    const row = await this.stores.siem.getTarget(tenantId, id);
    if (!row) throw errors.notFound(`Export target '${id}' was not found.`);
    const pending = await this.stores.siem.pendingCounts(tenantId);
    return targetView(row, pending.get(row.id) ?? 0);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    if (!(await this.stores.siem.removeTarget(tenantId, id))) throw errors.notFound(`Export target '${id}' was not found.`);
  }
}
