import type { CloudAppsAlertRow } from './schema.js';

// The query Microsoft Graph's alerts_v2 list compiles to (management/security-alert-query.ts):
// a boolean expression over an alert's state columns, with Graph's and/or/not. The API layer maps
// Graph's properties and enums onto these columns; the stores compile it to SQL
// (kysely/alert-state-sql.ts), so a filtered page never loads the tenant's other alerts.

/** State columns of ca_alerts; `updated` is the last state change, or the alert's time when never changed. */
export type AlertStateColumn =
  | 'severity'
  | 'resolution_status'
  | 'status_value'
  | 'reason_id'
  | 'timestamp'
  | 'updated'
  | 'assigned_to'
  | 'classification'
  | 'determination';

export type AlertStateComparison = '=' | '<>' | '<' | '<=' | '>' | '>=';

/**
 * Two-valued: a comparison with a missing (NULL) column value is false, except `<>` which holds;
 * `= null` / `<> null` test for a missing value, as OData's `eq null` / `ne null`.
 */
export type AlertStatePredicate =
  | { and: AlertStatePredicate[] }
  | { or: AlertStatePredicate[] }
  | { not: AlertStatePredicate }
  | { column: AlertStateColumn; op: AlertStateComparison; value: string | number | null };

export interface AlertStateQuery {
  where: AlertStatePredicate | undefined;
  orderBy: 'timestamp' | 'updated';
  descending: boolean;
  skip: number;
  limit: number;
  /** Also count every match (`$count=true`). */
  count: boolean;
}

export interface AlertStatePage {
  rows: CloudAppsAlertRow[];
  /** More matches follow the page. */
  more: boolean;
  count?: number;
}
