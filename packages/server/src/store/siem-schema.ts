import type { Generated } from 'kysely';

/** A SIEM export target of a tenant (migration 0011). */
export interface SiemTargetRow {
  id: string;
  tenant_id: string;
  /** `udp://`, `tcp://`, `tls://host:port` or an `https://` webhook URL (never carries a secret). */
  url: string;
  /** Syslog frame: `rfc5424`, `rfc3164` or `agent` (webhooks: `json`). */
  format: string;
  /** TCP and TLS: `lf` or `octet` (RFC 6587 octet counting); UDP: `datagram`; webhooks: `http`. */
  framing: string;
  /** PEM CA certificates trusted for tls:// and https:// targets (else the system's). */
  ca: string | null;
  alerts: number;
  activities: number;
  enabled: number;
  /** Webhook HMAC key, encrypted with the master key (never in clear text). */
  secret_enc: string | null;
  /** The outbox cap of this target: past it the oldest items are dropped (and counted). */
  max_pending: number;
  created_at: number;
  /** The process delivering to this target, until lease_until (one sender per target at a time). */
  lease_owner: string | null;
  lease_until: number | null;
  delivered: number;
  /** Items dropped because the target's outbox was full (oldest first). */
  dropped: number;
  /** Items a webhook refused for good (4xx other than 408 and 429). */
  rejected: number;
  last_delivery_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
}

export interface SiemOutboxRow {
  seq: Generated<number>;
  target_id: string;
  tenant_id: string;
  /** `alert` or `activity`. */
  kind: string;
  item_id: string;
  enqueued_at: number;
}

export interface SiemTables {
  siem_targets: SiemTargetRow;
  siem_outbox: SiemOutboxRow;
}
