import type { CloudAppsActivityRow, CloudAppsAlertRow, CloudAppsEntityRow, CloudAppsFileRow } from '../store/schema.js';
import { activityRowFromDocument } from './activities/model.js';
import { alertRowFromDocument } from './alerts/model.js';
import { DocumentError, obj } from './document-fields.js';
import { entityRowFromDocument } from './entities/model.js';
import { fileRowFromDocument } from './files/model.js';

export const IMPORT_RESOURCES = ['activities', 'alerts', 'entities', 'files'] as const;
export type ImportResource = (typeof IMPORT_RESOURCES)[number];

/** Bad lines listed in one answer. */
export const MAX_REPORTED_ERRORS = 100;

export interface ImportLineError {
  line: number;
  error: string;
}

export type AnyRow = CloudAppsAlertRow | CloudAppsActivityRow | CloudAppsEntityRow | CloudAppsFileRow;

const TO_ROW: Record<ImportResource, (tenantId: string, doc: Record<string, unknown>) => AnyRow> = {
  alerts: alertRowFromDocument,
  activities: activityRowFromDocument,
  entities: entityRowFromDocument,
  files: fileRowFromDocument,
};

export const rowKey = (r: AnyRow) => ('oid' in r ? r.oid : r.id);

/** What one part of a JSON Lines text gives: its rows by key (the last line wins) and its bad lines. */
export interface ParsedLines {
  rows: AnyRow[];
  /** Non-blank lines read. */
  lines: number;
  /** Lines of the part, blank ones included (line numbers of the next part start after them). */
  physicalLines: number;
  errorCount: number;
  /** The first MAX_REPORTED_ERRORS, numbered from `firstLine`. */
  errors: ImportLineError[];
}

/** One non-blank line into its row, or the reason it is bad. */
export function parseLine(tenantId: string, resource: ImportResource, line: string): AnyRow | string {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const o = obj(doc);
  if (!o) return 'each line must be one JSON object';
  try {
    return TO_ROW[resource](tenantId, o);
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    return e.message;
  }
}

/** Parses and validates JSON Lines of wire-shaped objects into rows (reference §7). */
export function parseLines(tenantId: string, resource: ImportResource, text: string, firstLine = 1): ParsedLines {
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
      if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: firstLine + i, error: e.message });
    }
  }
  return { rows: [...byId.values()], lines, physicalLines: all.length, errorCount, errors };
}
