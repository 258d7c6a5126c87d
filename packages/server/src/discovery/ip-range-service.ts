import type { Stores } from '../store/interfaces.js';
import { IpRangeTable } from './ip-ranges.js';
import { subnetCidr, type NormalisedSubnet } from './subnets.js';

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
}
