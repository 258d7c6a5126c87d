import { activityRowFromDocument } from '../cloudapps/activities/model.js';
import { alertRowFromDocument } from '../cloudapps/alerts/model.js';
import { entityRowFromDocument } from '../cloudapps/entities/model.js';
import { fileRowFromDocument } from '../cloudapps/files/model.js';
import { writeRows } from '../cloudapps/import.js';
import type { Stores } from '../store/interfaces.js';
import type { CloudAppsActivityRow, CloudAppsEntityRow } from '../store/schema.js';
import { generateDemoData, type DemoDataOptions } from './cloudapps-data.js';

export interface LoadedCounts {
  entities: number;
  files: number;
  activities: number;
  alerts: number;
}

/** Generates demo data for a tenant and writes it batch by batch (one transaction per batch). */
export async function loadDemoData(
  stores: Stores,
  tenantId: string,
  options: DemoDataOptions,
  /** Labels activities with the tenant's IP ranges before they are written. */
  enrichActivities?: (rows: CloudAppsActivityRow[]) => Promise<unknown>,
): Promise<LoadedCounts> {
  const counts: LoadedCounts = { entities: 0, files: 0, activities: 0, alerts: 0 };
  for await (const b of generateDemoData(tenantId, options)) {
    const rows =
      b.resource === 'alerts'
        ? b.documents.map((d) => alertRowFromDocument(tenantId, d))
        : b.resource === 'activities'
          ? b.documents.map((d) => activityRowFromDocument(tenantId, d))
          : b.resource === 'files'
            ? b.documents.map((d) => fileRowFromDocument(tenantId, d))
            : await newEntities(
                stores,
                tenantId,
                b.documents.map((d) => entityRowFromDocument(tenantId, d)),
              );
    if (b.resource === 'activities' && enrichActivities) await enrichActivities(rows as CloudAppsActivityRow[]);
    await writeRows(stores, b.resource, rows, rows.length || 1, false);
    counts[b.resource] += rows.length;
  }
  await Promise.all([stores.alerts.analyze(), stores.activities.analyze(), stores.entities.analyze(), stores.files.analyze()]);
  return counts;
}

/**
 * Generated user names come from a fixed pool, so a second data set in the same tenant can name
 * an account the tenant already holds (same user, same app: the same entity key). Those accounts
 * are kept as they are and the new activities simply refer to them.
 */
async function newEntities(stores: Stores, tenantId: string, rows: CloudAppsEntityRow[]): Promise<CloudAppsEntityRow[]> {
  const present = await Promise.all(rows.map((r) => stores.entities.getByPk(tenantId, r.pk)));
  return rows.filter((r, i) => present[i] === undefined || present[i]!.oid === r.oid);
}

/** `--demo`: a few thousand records for a tenant that has no Cloud Apps data yet; alerts come from the detection engine. */
export async function seedDemoCloudApps(
  stores: Stores,
  tenantId: string,
  domain: string,
  now: number,
  enrichActivities?: (rows: CloudAppsActivityRow[]) => Promise<unknown>,
): Promise<LoadedCounts | undefined> {
  if ((await stores.alerts.count(tenantId)) > 0 || (await stores.activities.count(tenantId)) > 0) return undefined;
  // Whole days keep the data identical across restarts on the same day.
  const endTime = Math.floor(now / 86_400_000) * 86_400_000;
  // No generated alerts: the demo's alerts are raised by the detection engine from these activities
  // (the caller drains it), as a real tenant's would be.
  return loadDemoData(stores, tenantId, { activities: 2500, alerts: 0, seed: `demo:${tenantId}`, domain, endTime }, enrichActivities);
}
