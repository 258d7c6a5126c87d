// Discovered apps and categories of a report: the stored daily buckets summed per app over the
// time frame, joined with the catalog and the tenant's sanctioning.
import type { SanctionState } from '../../store/discovery-schema.js';
import type { UsageTotals } from '../../store/discovery-interfaces.js';
import { CATALOG_APPS, type CatalogApp } from '../index.js';

export const TIME_FRAMES = [7, 30, 90] as const;
const MS_PER_DAY = 86_400_000;

const CATALOG_BY_ID = new Map<number, CatalogApp>(CATALOG_APPS.map((a) => [a.id, a]));

export function catalogApp(id: number): CatalogApp | undefined {
  return CATALOG_BY_ID.get(id);
}

/** First day (UTC midnight) of a window of `days` days ending today. */
export function windowStart(now: number, days: number): number {
  return Math.floor(now / MS_PER_DAY) * MS_PER_DAY - (days - 1) * MS_PER_DAY;
}

export const SANCTION_TAGS: Record<SanctionState, string> = {
  sanctioned: 'Sanctioned',
  unsanctioned: 'Unsanctioned',
  monitored: 'Monitored',
};

/** A discovered app, with the legacy REST field names the PowerShell module and scripts read. */
export interface DiscoveredApp {
  appId: number;
  name: string;
  category: string;
  score: number;
  riskScores: { general: number; security: number; compliance: number; legal: number };
  vendor: string;
  headquarters: string | null;
  domainList: string[];
  usersCount: number;
  ipAddressesCount: number;
  trafficTotalEvents: number;
  trafficBlockedEvents: number;
  trafficUploadedBytes: number;
  trafficDownloadedBytes: number;
  trafficTotalBytes: number;
  firstUsed: number;
  lastUsed: number;
  /** Sanctioned, Unsanctioned or Monitored, when the tenant marked the app. */
  tags: string[];
  sanctionState: SanctionState | null;
  banned: boolean;
}

export function discoveredApps(totals: UsageTotals[], states: ReadonlyMap<number, SanctionState>): DiscoveredApp[] {
  const out: DiscoveredApp[] = [];
  for (const t of totals) {
    const app = CATALOG_BY_ID.get(t.app_id);
    if (!app) continue;
    const state = states.get(app.id) ?? null;
    out.push({
      appId: app.id,
      name: app.name,
      category: app.category,
      score: app.risk.score,
      riskScores: { general: app.risk.general, security: app.risk.security, compliance: app.risk.compliance, legal: app.risk.legal },
      vendor: app.vendor,
      headquarters: app.headquarters ?? null,
      domainList: [...app.domains],
      usersCount: t.users,
      ipAddressesCount: t.ips,
      trafficTotalEvents: t.transactions,
      trafficBlockedEvents: t.blocked,
      trafficUploadedBytes: t.bytes_up,
      trafficDownloadedBytes: t.bytes_down,
      trafficTotalBytes: t.bytes_total,
      firstUsed: t.first_day,
      lastUsed: t.last_day,
      tags: state ? [SANCTION_TAGS[state]] : [],
      sanctionState: state,
      banned: state === 'unsanctioned',
    });
  }
  return out;
}

/** `[{id, total}]`: number of discovered apps per category. */
export function categoryCounts(apps: readonly DiscoveredApp[]): { id: string; total: number }[] {
  const counts = new Map<string, number>();
  for (const a of apps) counts.set(a.category, (counts.get(a.category) ?? 0) + 1);
  return [...counts].map(([id, total]) => ({ id, total }));
}
