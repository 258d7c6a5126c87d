import { IP_CATEGORY } from '@appwarden/protocol';
import { IpRangeService } from '../../discovery/ip-range-service.js';
import type { CloudAppsActivityRow } from '../../store/schema.js';

/** `location.categoryValue` of each range category (the code table's names; NONE never labels a range). */
const CATEGORY_VALUES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(IP_CATEGORY)
    .filter(([, code]) => code !== IP_CATEGORY.NONE)
    .map(([name, code]) => [code, name]),
);

/**
 * Labels activities whose client IP lies in one of the tenant's ranges: `location.category`
 * (filter `ip.category`), the range tags (filter `ip.tags`), and the organization (when the
 * range overrides it, or the activity has none). Rows and their stored documents both change.
 */
export async function enrichActivities(ipRanges: IpRangeService, tenantId: string, rows: CloudAppsActivityRow[]): Promise<number> {
  const table = await ipRanges.table(tenantId);
  if (table.size === 0) return 0;
  let changed = 0;
  for (const row of rows) {
    const e = IpRangeService.enrichment(table, row.ip);
    if (!e) continue;
    changed++;
    const doc = JSON.parse(row.doc) as Record<string, unknown>;
    const location = { ...((doc.location as Record<string, unknown> | undefined) ?? {}) };
    location.category = e.category;
    location.categoryValue = CATEGORY_VALUES[e.category] ?? 'null';
    const tags = [...(JSON.parse(row.ip_tags) as string[])];
    for (const t of e.tags) if (!tags.includes(t)) tags.push(t);
    let organization = row.organization;
    if (e.organization && (e.overrideOrganization || !organization)) organization = e.organization;
    location.organizationSearchable = organization;
    doc.location = location;
    doc.ipTags = tags;
    row.ip_category = e.category;
    row.ip_tags = JSON.stringify(tags);
    row.organization = organization;
    row.doc = JSON.stringify(doc);
  }
  return changed;
}
