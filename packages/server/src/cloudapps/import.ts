import type { Stores } from '../store/interfaces.js';
import type { CloudAppsActivityRow, CloudAppsAlertRow, CloudAppsEntityRow } from '../store/schema.js';
import { activityRowFromDocument } from './activities/model.js';
import { alertRowFromDocument } from './alerts/model.js';
import { DocumentError, obj } from './document-fields.js';
import { entityRowFromDocument } from './entities/model.js';

export const IMPORT_RESOURCES = ['activities', 'alerts', 'entities'] as const;
export type ImportResource = (typeof IMPORT_RESOURCES)[number];

/** Rows written per transaction. */
export const IMPORT_BATCH_SIZE = 5000;
/** Bulk writes at least this large refresh the planner's statistics. */
const ANALYZE_AFTER_ROWS = 1000;
/** Bad lines listed in one answer. */
const MAX_REPORTED_ERRORS = 100;

export interface ImportLineError {
  line: number;
  error: string;
}

export interface ImportResult {
  resource: ImportResource;
  /** Non-blank lines read. */
  lines: number;
  /** Records written (0 when any line was bad). */
  imported: number;
  batches: number;
  errors: ImportLineError[];
  /** More bad lines than listed. */
  moreErrors: boolean;
}

type AnyRow = CloudAppsAlertRow | CloudAppsActivityRow | CloudAppsEntityRow;

const TO_ROW: Record<ImportResource, (tenantId: string, doc: Record<string, unknown>) => AnyRow> = {
  alerts: alertRowFromDocument,
  activities: activityRowFromDocument,
  entities: entityRowFromDocument,
};

const rowKey = (r: AnyRow) => ('oid' in r ? r.oid : r.id);

/** Writes rows in batches, one transaction per batch; a record with an existing id replaces it. */
export async function writeRows(
  stores: Stores,
  resource: ImportResource,
  rows: AnyRow[],
  batchSize = IMPORT_BATCH_SIZE,
  analyzeAfter = true,
): Promise<number> {
  let batches = 0;
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    await stores.transaction(async (tx) => {
      if (resource === 'alerts') await tx.alerts.upsert(batch as CloudAppsAlertRow[]);
      else if (resource === 'activities') await tx.activities.upsert(batch as CloudAppsActivityRow[]);
      else await tx.entities.upsert(batch as CloudAppsEntityRow[]);
    });
    batches += 1;
  }
  if (analyzeAfter && rows.length >= ANALYZE_AFTER_ROWS) await stores[resource].analyze();
  return batches;
}

/**
 * Imports JSON Lines of wire-shaped objects (reference §7). Every line is validated before
 * anything is written: one bad line rejects the whole import, reported with line numbers. Import
 * is idempotent by id (a repeated id replaces the record, the last line wins).
 */
export async function importJsonLines(
  stores: Stores,
  tenantId: string,
  resource: ImportResource,
  text: string,
  /** Labels activities with the tenant's IP ranges before they are written. */
  enrichActivities?: (rows: CloudAppsActivityRow[]) => Promise<unknown>,
): Promise<ImportResult> {
  const toRow = TO_ROW[resource];
  const byId = new Map<string, AnyRow>();
  const errors: ImportLineError[] = [];
  let lines = 0;
  let errorCount = 0;
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.trim();
    if (line === '') continue;
    lines += 1;
    try {
      let doc: unknown;
      try {
        doc = JSON.parse(line);
      } catch {
        throw new DocumentError('not valid JSON');
      }
      const o = obj(doc);
      if (!o) throw new DocumentError('each line must be one JSON object');
      const row = toRow(tenantId, o);
      byId.set(rowKey(row), row);
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      errorCount += 1;
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: i + 1, error: e.message });
    }
  }
  if (errorCount > 0) return { resource, lines, imported: 0, batches: 0, errors, moreErrors: errorCount > errors.length };
  const rows = [...byId.values()];
  if (resource === 'activities' && enrichActivities) await enrichActivities(rows as CloudAppsActivityRow[]);
  const batches = await writeRows(stores, resource, rows);
  return { resource, lines, imported: rows.length, batches, errors: [], moreErrors: false };
}
