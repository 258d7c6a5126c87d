import type { AlertFilters } from './filters.js';
import { filtersToWire } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions } from './list-request.js';
import type { Alert, CloseResult } from './models.js';
import type { PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

export type AlertSortField = 'date' | 'severity' | 'status' | 'resolutionStatus';
export type AlertListOptions = ListOptions<AlertFilters, AlertSortField>;

/** Which alerts a close action acts on: one id, several ids, or filters. */
export type AlertSelection = string | readonly string[] | { filters: AlertFilters };

export interface CloseOptions {
  comment?: string;
  sendFeedback?: boolean;
  feedbackText?: string;
  allowContact?: boolean;
  contactEmail?: string;
  signal?: AbortSignal;
}
/** close_benign reasons: 2 actual severity is lower, 4 other, 5 confirmed with end user, 6 triggered by test. */
export interface CloseBenignOptions extends CloseOptions {
  reasonId?: 2 | 4 | 5 | 6;
}
/** close_false_positive reasons: 0 not of interest, 1 too many similar alerts, 3 alert is not accurate, 4 other. */
export interface CloseFalsePositiveOptions extends CloseOptions {
  reasonId?: 0 | 1 | 3 | 4;
}

function selectionFilters(selection: AlertSelection): Record<string, unknown> {
  if (typeof selection === 'string') return { id: { eq: [selection] } };
  if (Array.isArray(selection)) return { id: { eq: [...(selection as readonly string[])] } };
  return filtersToWire((selection as { filters: AlertFilters }).filters);
}

/** Alerts: list, get, mark read/unread, close (reference §6.1). */
export class AlertsOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  /** Every matching alert, newest first by default; `.byPage()` for pages. */
  list(options: AlertListOptions = {}): PagedAsyncIterableIterator<Alert> {
    return listBySkip<Alert>(this.pipeline, '/api/v1/alerts/', options);
  }

  get(id: string, options: { signal?: AbortSignal } = {}): Promise<Alert> {
    return this.pipeline.send<Alert>({ method: 'GET', url: `/api/v1/alerts/${enc(id)}/`, ...withSignal(options.signal) });
  }

  async markRead(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({ method: 'POST', url: `/api/v1/alerts/${enc(id)}/read/`, idempotent: true, ...withSignal(options.signal) });
  }

  async markUnread(id: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.pipeline.send({ method: 'POST', url: `/api/v1/alerts/${enc(id)}/unread/`, idempotent: true, ...withSignal(options.signal) });
  }

  closeBenign(selection: AlertSelection, options: CloseBenignOptions = {}): Promise<CloseResult> {
    return this.close('close_benign', 'closed_benign', selection, options);
  }

  closeFalsePositive(selection: AlertSelection, options: CloseFalsePositiveOptions = {}): Promise<CloseResult> {
    return this.close('close_false_positive', 'closed_false_positive', selection, options);
  }

  closeTruePositive(selection: AlertSelection, options: CloseOptions = {}): Promise<CloseResult> {
    return this.close('close_true_positive', 'closed_true_positive', selection, options);
  }

  private async close(
    action: string,
    key: string,
    selection: AlertSelection,
    options: CloseOptions & { reasonId?: number },
  ): Promise<CloseResult> {
    const { signal, ...rest } = options;
    // Closing sets a state: repeating it after a lost answer does no harm.
    const raw = await this.pipeline.send<Record<string, unknown>>({
      method: 'POST',
      url: `/api/v1/alerts/${action}/`,
      json: { filters: selectionFilters(selection), ...rest },
      idempotent: true,
      ...withSignal(signal),
    });
    return {
      closed: typeof raw?.[key] === 'number' ? (raw[key] as number) : 0,
      alertsNotFound: Array.isArray(raw?.alertsNotFound) ? (raw.alertsNotFound as string[]) : [],
      raw: raw ?? {},
    };
  }
}
