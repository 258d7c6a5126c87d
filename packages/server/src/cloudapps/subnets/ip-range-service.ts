import { IpRangeTable } from '../../discovery/index.js';
import type { Stores } from '../../store/interfaces.js';
import type { CloudAppsActivityRow } from '../../store/schema.js';
import { subnetCidr, type NormalisedSubnet } from './model.js';

/** What a matching range contributes to an activity or a discovery bucket. */
export interface RangeInfo {
  id: string;
  name: string;
  category: number;
  tags: readonly string[];
  organization: string | null;
  overrideOrganization: boolean;
}

export interface IpEnrichment {
  category: number;
  tags: string[];
  /** The most specific range's organization, when one sets it. */
  organization: string | null;
  /** That organization replaces whatever the record already had. */
  overrideOrganization: boolean;
}

interface CachedTable {
  version: string;
  stamp: string;
  table: IpRangeTable<RangeInfo>;
}

const CATEGORY_VALUES: Record<number, string> = {
  1: 'CORPORATE',
  2: 'ADMINISTRATIVE',
  3: 'RISKY',
  4: 'VPN',
  5: 'CLOUD_PROVIDER',
  6: 'OTHER',
};

/**
 * Per-tenant IpRangeTable over the tenant's ranges, rebuilt when they change. A change in this
 * process drops the entry at once; a change by another process sharing the database is seen
 * through the store's change stamp and the ranges' fingerprint (count, last modification).
 */
export class IpRangeService {
  private readonly cache = new Map<string, CachedTable>();

  constructor(private readonly stores: Stores) {}

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  async table(tenantId: string): Promise<IpRangeTable<RangeInfo>> {
    const stamp = this.stores.changeStamp();
    const hit = this.cache.get(tenantId);
    if (hit && hit.stamp === stamp) return hit.table;
    const store = this.stores.discovery.ipRanges;
    const version = await store.version(tenantId);
    if (hit && hit.version === version) {
      hit.stamp = stamp;
      return hit.table;
    }
    const rows = await store.list(tenantId);
    const entries: { range: string; value: RangeInfo }[] = [];
    for (const r of rows) {
      const info: RangeInfo = {
        id: r.id,
        name: r.name,
        category: r.category,
        tags: JSON.parse(r.tags) as string[],
        organization: r.organization,
        overrideOrganization: r.override_organization === 1,
      };
      for (const s of JSON.parse(r.subnets) as NormalisedSubnet[]) entries.push({ range: subnetCidr(s), value: info });
    }
    const table = IpRangeTable.build(entries);
    this.cache.set(tenantId, { version, stamp, table });
    return table;
  }

  /** Category of the most specific range, tags of every range, organization of the most specific range that has one. */
  static enrichment(table: IpRangeTable<RangeInfo>, ip: string | null | undefined): IpEnrichment | undefined {
    if (!ip || table.size === 0) return undefined;
    const hits = table.lookup(ip);
    if (hits.length === 0) return undefined;
    const tags: string[] = [];
    for (const h of hits) for (const t of h.tags) if (!tags.includes(t)) tags.push(t);
    const org = hits.find((h) => h.organization);
    return {
      category: hits[0]!.category,
      tags,
      organization: org?.organization ?? null,
      overrideOrganization: org?.overrideOrganization ?? false,
    };
  }

  /**
   * Labels activities whose client IP lies in one of the tenant's ranges: `location.category`
   * (filter `ip.category`), the range tags (filter `ip.tags`), and the organization (when the
   * range overrides it, or the activity has none). Rows and their stored documents both change.
   */
  async enrichActivities(tenantId: string, rows: CloudAppsActivityRow[]): Promise<number> {
    const table = await this.table(tenantId);
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
}
