import {
  ALERT_READ_STATUS,
  ALERT_RESOLUTION_STATUS,
  CLOSE_BENIGN_REASONS,
  CLOSE_FALSE_POSITIVE_REASONS,
  type SecurityAlertClassification,
  type SecurityAlertComment,
  type SecurityAlertDetermination,
  type SecurityAlertStatus,
} from '@appwarden/protocol';
import { systemClock, type Clock } from '../../clock.js';
import type { FilterCondition } from '../filters/model.js';
import type { AlertStatePatch, AlertStore } from '../../store/interfaces.js';
import type { CloudAppsAlertRow } from '../../store/schema.js';
import { classificationOf, RESOLUTION_OF_CLASSIFICATION, reasonOfDetermination, statusOf, storedGraphComments } from './graph-alert.js';

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

/** A Microsoft Graph alerts_v2 PATCH: the members present are changed (`assignedTo: null` unassigns). */
export interface TriageChange {
  status?: SecurityAlertStatus;
  classification?: SecurityAlertClassification;
  determination?: SecurityAlertDetermination;
  assignedTo?: string | null;
}

/** Most alerts_v2 comments one alert keeps, and the longest comment (characters). */
export const MAX_ALERT_COMMENTS = 100;
export const MAX_ALERT_COMMENT_LENGTH = 4000;
/** Compare-and-set rounds of one comment before giving up (each loser of a race retries). */
const COMMENT_ATTEMPTS = 64;

/**
 * Every change of an alert's state (read flag, resolution, Graph triage) goes through here, in the
 * protocol's code tables; the store only persists the columns. The Cloud Apps API and Graph's
 * alerts_v2 are two views of this one state (graph-alert.ts maps them).
 */
export class AlertStateService {
  constructor(
    private readonly alerts: AlertStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** False when the tenant has no such alert. */
  async setRead(tenantId: string, id: string, read: boolean): Promise<boolean> {
    const status = read ? ALERT_READ_STATUS.READ : ALERT_READ_STATUS.UNREAD;
    return (await this.alerts.updateState(tenantId, [id], { status_value: status, last_update: this.clock.now() })) > 0;
  }

  /**
   * Applies an alerts_v2 PATCH. `resolved` closes the alert as its classification says (true
   * positive, false positive, benign; `unknown` as the legacy RESOLVED) with the reason the
   * determination gives; `new` / `inProgress` reopen a closed alert and set the read flag
   * (unread / read). Undefined when the tenant has no such alert.
   */
  async triage(tenantId: string, id: string, change: TriageChange, actor: string): Promise<CloudAppsAlertRow | undefined> {
    const row = await this.alerts.get(tenantId, id);
    if (!row) return undefined;
    const at = this.clock.now();
    const patch: AlertStatePatch = { last_update: at };
    const status = change.status ?? statusOf(row);
    const classification = change.classification ?? classificationOf(row);
    if (change.classification !== undefined) patch.classification = change.classification === 'unknown' ? null : change.classification;
    if (change.determination !== undefined) patch.determination = change.determination === 'unknown' ? null : change.determination;
    if (change.assignedTo !== undefined) patch.assigned_to = change.assignedTo;
    const determination =
      change.determination !== undefined ? change.determination : ((row.determination as SecurityAlertDetermination | null) ?? null);
    if (status === 'resolved') {
      const resolution = RESOLUTION_OF_CLASSIFICATION[classification];
      const closed = row.resolution_status !== ALERT_RESOLUTION_STATUS.OPEN;
      if (!closed || resolution !== row.resolution_status || change.determination !== undefined) {
        patch.resolution_status = resolution;
        patch.resolve_time = closed && row.resolve_time !== null ? row.resolve_time : at;
        patch.handled_by_user = actor;
        patch.reason_id = reasonOfDetermination(resolution, determination === 'unknown' ? null : determination);
      }
    } else {
      if (row.resolution_status !== ALERT_RESOLUTION_STATUS.OPEN) {
        Object.assign(patch, {
          resolution_status: ALERT_RESOLUTION_STATUS.OPEN,
          resolve_time: null,
          handled_by_user: actor,
          reason_id: null,
        });
        // The classification the alert was closed with stays with it while it is open again.
        if (change.classification === undefined && classification !== 'unknown') patch.classification = classification;
      }
      if (change.status !== undefined) patch.status_value = status === 'new' ? ALERT_READ_STATUS.UNREAD : ALERT_READ_STATUS.READ;
    }
    await this.alerts.updateState(tenantId, [id], patch);
    return this.alerts.get(tenantId, id);
  }

  /**
   * Appends an alerts_v2 comment; the list after it, or undefined when the tenant has no such
   * alert. Concurrent comments are all kept (compare-and-set, retried).
   */
  async addComment(tenantId: string, id: string, text: string, actor: string): Promise<CloudAppsAlertRow | undefined> {
    for (let attempt = 0; attempt < COMMENT_ATTEMPTS; attempt++) {
      // Another comment won the race: step back a little (random, so that racers spread out).
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 * attempt)));
      const row = await this.alerts.get(tenantId, id);
      if (!row) return undefined;
      const at = this.clock.now();
      const list: SecurityAlertComment[] = [
        ...storedGraphComments(row),
        { comment: text, createdByDisplayName: actor, createdDateTime: new Date(at).toISOString() },
      ].slice(-MAX_ALERT_COMMENTS);
      if (await this.alerts.swapGraphComments(tenantId, id, row.graph_comments ?? null, JSON.stringify(list), at)) {
        return { ...row, graph_comments: JSON.stringify(list), last_update: at };
      }
    }
    throw new Error(`alert comments kept changing; giving up after ${COMMENT_ATTEMPTS} attempts`);
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
      last_update: req.at,
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
      last_update: this.clock.now(),
    });
  }
}

/** The ids a bulk call names through `filters.id.eq` (reported back as `alertsNotFound` when unknown). */
function namedIds(conditions: FilterCondition[]): string[] {
  return conditions
    .filter((c) => c.field === 'id' && c.op === 'eq')
    .flatMap((c) => c.values.filter((v): v is string => typeof v === 'string'));
}
