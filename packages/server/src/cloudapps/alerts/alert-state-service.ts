import { ALERT_READ_STATUS, ALERT_RESOLUTION_STATUS, CLOSE_BENIGN_REASONS, CLOSE_FALSE_POSITIVE_REASONS } from '@appwarden/protocol';
import type { FilterCondition } from '../filters/model.js';
import type { AlertStore } from '../../store/interfaces.js';

/** Most alerts one close/reopen call acts on. */
export const MAX_BULK_ALERTS = 10_000;

/** The three ways to close an alert (reference §6.1), each with its resolution status. */
export type CloseKind = 'benign' | 'false_positive' | 'true_positive';

const RESOLUTION_OF: Readonly<Record<CloseKind, number>> = {
  benign: ALERT_RESOLUTION_STATUS.BENIGN,
  false_positive: ALERT_RESOLUTION_STATUS.FALSE_POSITIVE,
  true_positive: ALERT_RESOLUTION_STATUS.TRUE_POSITIVE,
};

/** `reasonId` values each close kind accepts; a true positive takes none. */
export const CLOSE_REASONS: Readonly<Record<CloseKind, Readonly<Record<number, string>> | undefined>> = {
  benign: CLOSE_BENIGN_REASONS,
  false_positive: CLOSE_FALSE_POSITIVE_REASONS,
  true_positive: undefined,
};

export interface CloseRequest {
  kind: CloseKind;
  /** Recorded as `handledByUser`. */
  actor: string;
  comment: string | null;
  reasonId: number | null;
  at: number;
}

/**
 * Every change of an alert's state (read flag, resolution) goes through here, in the protocol's
 * code tables; the store only persists the columns.
 */
export class AlertStateService {
  constructor(private readonly alerts: AlertStore) {}

  /** False when the tenant has no such alert. */
  async setRead(tenantId: string, id: string, read: boolean): Promise<boolean> {
    const status = read ? ALERT_READ_STATUS.READ : ALERT_READ_STATUS.UNREAD;
    return (await this.alerts.updateState(tenantId, [id], { status_value: status })) > 0;
  }

  /**
   * Closes the alerts matching the conditions (at most MAX_BULK_ALERTS); `notFoundIds` are the
   * ids the conditions name (`id eq`) that the tenant does not have.
   */
  async close(tenantId: string, conditions: FilterCondition[], req: CloseRequest): Promise<{ closed: number; notFoundIds: string[] }> {
    const named = namedIds(conditions);
    const existing = await this.alerts.existingIds(tenantId, named);
    const notFoundIds = named.filter((id) => !existing.has(id));
    const ids = await this.alerts.matchIds(tenantId, conditions, MAX_BULK_ALERTS);
    const closed = await this.alerts.updateState(tenantId, ids, {
      resolution_status: RESOLUTION_OF[req.kind],
      resolve_time: req.at,
      handled_by_user: req.actor,
      comment: req.comment,
      reason_id: req.reasonId,
    });
    return { closed, notFoundIds };
  }

  /** Opens the matching alerts again: no resolution time or reason, the actor as handler. */
  async reopen(tenantId: string, conditions: FilterCondition[], actor: string): Promise<number> {
    const ids = await this.alerts.matchIds(tenantId, conditions, MAX_BULK_ALERTS);
    return this.alerts.updateState(tenantId, ids, {
      resolution_status: ALERT_RESOLUTION_STATUS.OPEN,
      resolve_time: null,
      handled_by_user: actor,
      reason_id: null,
    });
  }
}

/** The ids a bulk call names through `filters.id.eq` (reported back as `alertsNotFound` when unknown). */
function namedIds(conditions: FilterCondition[]): string[] {
  return conditions
    .filter((c) => c.field === 'id' && c.op === 'eq')
    .flatMap((c) => c.values.filter((v): v is string => typeof v === 'string'));
}
