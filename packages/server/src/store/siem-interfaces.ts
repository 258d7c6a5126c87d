import type { CloudAppsAlertRow } from './schema.js';
import type { SiemTargetRow } from './siem-schema.js';

/** What the SIEM export exports: new alerts and new activities. */
export type ExportKind = 'alert' | 'activity';

/** One outbox row handed to a delivery worker. */
export interface ClaimedItem {
  seq: number;
  kind: ExportKind;
  itemId: string;
}

/** A claimed item with what it exports: the alert's or activity's stored row (undefined when deleted since). */
export interface ExportItem extends ClaimedItem {
  /** Activities: the stored document (JSON text). */
  doc?: string;
  /** Alerts: the stored row (document and the state kept in columns). */
  alert?: CloudAppsAlertRow;
}

export interface SiemStore {
  addTarget(row: SiemTargetRow): Promise<void>;
  listTargets(tenantId: string): Promise<SiemTargetRow[]>;
  getTarget(tenantId: string, id: string): Promise<SiemTargetRow | undefined>;
  /** Deletes the target and its pending items; false when there was none. */
  removeTarget(tenantId: string, id: string): Promise<boolean>;
  /** Items waiting per target of the tenant. */
  pendingCounts(tenantId: string): Promise<Map<string, number>>;
  /** Enabled targets of every tenant with at least one item waiting, oldest item first. */
  targetsWithWork(): Promise<SiemTargetRow[]>;
  /** Takes (or renews) the target's lease for `owner` until `until`; false while another process holds it. */
  lease(targetId: string, owner: string, now: number, until: number): Promise<boolean>;
  releaseLease(targetId: string, owner: string): Promise<void>;
  /** The target's oldest items, at most `limit`, with their documents. */
  claim(targetId: string, limit: number): Promise<ExportItem[]>;
  /** Removes delivered (or refused) items and counts them. */
  complete(targetId: string, seqs: number[], counts: { delivered: number; rejected: number }, now: number): Promise<void>;
  recordError(targetId: string, message: string, now: number): Promise<void>;
}
