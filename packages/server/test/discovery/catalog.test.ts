import { describe, expect, it } from 'vitest';
import { AppMatcher } from '../../src/discovery/catalog/app-matcher.js';
import { CATALOG_APPS, type CatalogApp } from '../../src/discovery/catalog/apps.js';
import { isSaasCategory } from '../../src/discovery/catalog/categories.js';

describe('seed catalog', () => {
  it('has at least 300 apps with unique ids, names and domains and valid fields', () => {
    expect(CATALOG_APPS.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CATALOG_APPS.map((a) => a.id)).size).toBe(CATALOG_APPS.length);
    expect(new Set(CATALOG_APPS.map((a) => a.name)).size).toBe(CATALOG_APPS.length);
    const domains = CATALOG_APPS.flatMap((a) => a.domains);
    expect(new Set(domains).size).toBe(domains.length);
    for (const a of CATALOG_APPS) {
      expect(isSaasCategory(a.category), a.name).toBe(true);
      expect(a.category).not.toBe('SAASDB_CATEGORY_ALL');
      expect(a.domains.length, a.name).toBeGreaterThan(0);
      for (const s of [a.risk.score, a.risk.general, a.risk.security, a.risk.compliance, a.risk.legal]) {
        expect(Number.isInteger(s) && s >= 0 && s <= 10, a.name).toBe(true);
      }
    }
  });

  it('keeps the public Microsoft catalog ids', () => {
    const byName = new Map(CATALOG_APPS.map((a) => [a.name, a.id]));
    expect(byName.get('Office 365')).toBe(11161);
    expect(byName.get('Microsoft Teams')).toBe(28375);
    expect(byName.get('Box')).toBe(10489);
    expect(byName.get('Salesforce')).toBe(11114);
  });
});

describe('app matcher', () => {
  const matcher = new AppMatcher(CATALOG_APPS);
  const name = (host: string): string | undefined => matcher.matchHost(host)?.name;

  it('matches registrable domains and subdomains, longest first', () => {
    expect(name('www.dropbox.com')).toBe('Dropbox');
    expect(name('DROPBOX.COM.')).toBe('Dropbox');
    expect(name('outlook.office.com')).toBe('Microsoft Exchange Online');
    expect(name('eu.outlook.office.com')).toBe('Microsoft Exchange Online');
    expect(name('www.office.com')).toBe('Office 365');
    expect(name('forms.office.com')).toBe('Microsoft Forms');
    expect(name('docs.google.com')).toBe('Google Workspace');
    expect(name('drive.google.com')).toBe('Google Drive');
    expect(name('google.com')).toBeUndefined();
    expect(name('octocat.github.io')).toBe('GitHub');
  });

  it('applies *-label patterns before the parent domain', () => {
    expect(name('contoso-my.sharepoint.com')).toBe('Microsoft OneDrive for Business');
    expect(name('contoso.sharepoint.com')).toBe('Microsoft SharePoint Online');
    expect(name('-my.sharepoint.com')).toBe('Microsoft SharePoint Online');
  });

  it('falls back to IP ranges and reports unclassified keys', () => {
    expect(matcher.match({ destIp: '162.125.19.131' }).app?.name).toBe('Dropbox');
    expect(matcher.match({ destIp: '2a0a:a440::1' }).app?.name).toBe('GitHub');
    expect(matcher.match({ destIp: '203.0.113.5' })).toEqual({ unclassifiedKey: '203.0.113.5' });
    expect(matcher.match({ destHost: 'cdn.unknown-vendor.co.uk' })).toEqual({ unclassifiedKey: 'unknown-vendor.co.uk' });
    expect(matcher.match({ destHost: 'unknown.example', destIp: '140.82.112.4' }).app?.name).toBe('GitHub');
    expect(matcher.match({ destHost: 'co.uk' }).app).toBeUndefined();
    expect(matcher.match({})).toEqual({});
  });

  it('lets appended custom apps override seed domains', () => {
    const custom: CatalogApp = {
      id: 5000001,
      name: 'Contoso Intranet',
      category: 'SAASDB_CATEGORY_COLLABORATION',
      domains: ['intranet.example.com', 'dropbox.com'],
      ipRanges: ['198.51.100.0/24'],
      risk: { score: 10, general: 10, security: 10, compliance: 10, legal: 10 },
      vendor: 'Contoso',
      custom: true,
    };
    const m = new AppMatcher([...CATALOG_APPS, custom]);
    expect(m.matchHost('a.intranet.example.com')?.id).toBe(5000001);
    expect(m.matchHost('dropbox.com')?.id).toBe(5000001);
    expect(m.matchIp('198.51.100.9')?.id).toBe(5000001);
  });
});
