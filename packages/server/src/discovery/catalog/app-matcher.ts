// Transaction destination -> catalog app.
//  1. Host name: the longest catalog domain that equals the host or is a parent of it wins
//     (`outlook.office.com` -> Exchange Online before `office.com` -> Office 365), and a
//     `*-label.parent` pattern is tried at the same depth (`contoso-my.sharepoint.com` ->
//     OneDrive for Business). The walk stops above the registrable domain's public suffix
//     (tldts, ICANN section), so a catalog typo such as `co.uk` cannot swallow a country.
//  2. No host (IP-only sources): the most specific catalog IP range containing the address.
//  3. Otherwise unclassified; the registrable domain is returned as the grouping key for
//     "discovered but not catalogued" candidates.
// Later apps in the list override earlier ones for the same domain, so custom apps are appended.
import { getDomain, getPublicSuffix } from 'tldts';
import { IpRangeTable } from '../ip-ranges.js';
import type { CatalogApp } from './apps.js';

export interface MatchTarget {
  destHost?: string | undefined;
  destIp?: string | undefined;
}

export interface MatchResult {
  app?: CatalogApp;
  /** For unclassified traffic: the registrable domain (or the IP) to group candidates by. */
  unclassifiedKey?: string;
}

const MAX_CACHE = 100_000;

export class AppMatcher {
  private readonly exact = new Map<string, CatalogApp>();
  /** parent domain -> [label suffix, app] for `*-suffix.parent` patterns. */
  private readonly labelPatterns = new Map<string, [string, CatalogApp][]>();
  private readonly ipTable: IpRangeTable<CatalogApp>;
  private readonly hostCache = new Map<string, MatchResult>();
  readonly apps: readonly CatalogApp[];

  constructor(apps: readonly CatalogApp[]) {
    this.apps = apps;
    const ranges: { range: string; value: CatalogApp }[] = [];
    for (const app of apps) {
      for (const raw of app.domains) {
        const d = raw.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
        if (d.startsWith('*')) {
          const dot = d.indexOf('.');
          if (dot < 0) continue;
          const parent = d.slice(dot + 1);
          const list = this.labelPatterns.get(parent) ?? [];
          list.push([d.slice(1, dot), app]);
          this.labelPatterns.set(parent, list);
        } else this.exact.set(d, app);
      }
      for (const r of app.ipRanges ?? []) ranges.push({ range: r, value: app });
    }
    this.ipTable = IpRangeTable.build(ranges);
  }

  /** Catalog app for a host name (lower-case, no port), or undefined. */
  matchHost(host: string): CatalogApp | undefined {
    return this.classifyHost(host).app;
  }

  matchIp(ip: string): CatalogApp | undefined {
    return this.ipTable.lookupFirst(ip);
  }

  /** matchIp for an unsigned 32-bit IPv4 address. */
  matchIpv4(addr: number): CatalogApp | undefined {
    return this.ipTable.lookupV4(addr)[0];
  }

  /** Whether any catalog app has IP ranges (IP matching can be skipped when none does). */
  get hasIpRanges(): boolean {
    return this.ipTable.size > 0;
  }

  /** Host-name step of match() alone (cached per host). */
  matchHostResult(host: string): MatchResult {
    return this.classifyHost(host);
  }

  /** Host first, then IP; unmatched results carry the key to group unknown destinations by. */
  match(target: MatchTarget): MatchResult {
    if (target.destHost) {
      const r = this.classifyHost(target.destHost);
      if (r.app || !target.destIp) return r;
      const byIp = this.ipTable.lookupFirst(target.destIp);
      return byIp ? { app: byIp } : r;
    }
    if (target.destIp) {
      const app = this.ipTable.lookupFirst(target.destIp);
      return app ? { app } : { unclassifiedKey: target.destIp };
    }
    return {};
  }

  private classifyHost(hostIn: string): MatchResult {
    const cached = this.hostCache.get(hostIn);
    if (cached) return cached;
    const host = hostIn.toLowerCase().replace(/\.$/, '');
    const result = this.walk(host);
    if (this.hostCache.size >= MAX_CACHE) this.hostCache.clear();
    this.hostCache.set(hostIn, result);
    return result;
  }

  private walk(host: string): MatchResult {
    const suffix = getPublicSuffix(host, { allowPrivateDomains: false }) ?? '';
    let i = 0;
    for (;;) {
      const candidate = i === 0 ? host : host.slice(i);
      if (candidate === suffix) break;
      const app = this.exact.get(candidate);
      if (app) return { app };
      const dot = host.indexOf('.', i);
      if (dot < 0) break;
      const patterns = this.labelPatterns.get(host.slice(dot + 1));
      if (patterns) {
        const label = host.slice(i, dot);
        for (let k = patterns.length - 1; k >= 0; k--) {
          const [labelSuffix, pApp] = patterns[k]!;
          if (label.length > labelSuffix.length && label.endsWith(labelSuffix)) return { app: pApp };
        }
      }
      i = dot + 1;
    }
    return { unclassifiedKey: getDomain(host, { allowPrivateDomains: false }) ?? host };
  }
}
