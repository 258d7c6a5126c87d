import { describe, expect, expectTypeOf, it } from 'vitest';
import type { TokenCredential as AzureTokenCredential } from '@azure/identity';
import {
  CloudAppsClient,
  type ActivityFilters,
  type Alert,
  type AlertFilterField,
  type AlertFilters,
  type DiscoveredAppFilters,
  type EntityFilters,
  type ListPage,
  type PagedAsyncIterableIterator,
  type TokenCredential,
} from '@appwarden/sdk';
import type { ALERT_FILTER_FIELDS } from '@appwarden/protocol';

/**
 * Type tests: `tsc -p tsconfig.test.json` (npm run lint / typecheck) compiles this file, so every
 * `@ts-expect-error` below must really be an error — a misspelt field, an operator the field does
 * not support, or a value of the wrong type.
 */
const client = new CloudAppsClient('https://contoso.us2.portal.cloudappsecurity.com', { apiToken: 'x' });

describe('typed filters', () => {
  it('accepts the registry fields with their operators and value types', () => {
    const ok: AlertFilters = {
      severity: { eq: [2], neq: 0 },
      date: { gte: new Date(), lte: '2026-01-01', range: [{ start: 0, end: 1 }], gte_ndays: 7 },
      'entity.entity': { eq: [{ id: 'guid', saas: 11161, inst: 0 }] },
      alertOpen: { eq: true },
      id: { eq: ['603f704aaf7417985bbf3b22'] },
    };
    const activities: ActivityFilters = {
      'ip.address': { startswith: '10.', isset: true },
      'userAgent.userAgent': { contains: ['Mozilla'] },
      created: { gt: 1, lt: 2 },
      text: { text: 'download' },
    };
    const entities: EntityFilters = { type: { eq: ['user', 1] }, isExternal: { eq: null }, score: { gt: 3 } };
    expect([ok, activities, entities]).toHaveLength(3);
    expectTypeOf<AlertFilterField>().toEqualTypeOf<keyof typeof ALERT_FILTER_FIELDS>();
    expectTypeOf<'severity'>().toMatchTypeOf<AlertFilterField>();
  });

  it('rejects misspelt fields, unsupported operators and wrong values at compile time', () => {
    // @ts-expect-error: misspelt field
    const a: AlertFilters = { severty: { eq: 2 } };
    // @ts-expect-error: `severity` supports eq/neq only
    const b: AlertFilters = { severity: { gte: 1 } };
    // @ts-expect-error: `date` has no `eq`
    const c: AlertFilters = { date: { eq: 1 } };
    // @ts-expect-error: severity is a number
    const d: AlertFilters = { severity: { eq: 'high' } };
    // @ts-expect-error: an activity field is not an alert field
    const e: AlertFilters = { 'ip.address': { eq: '1.2.3.4' } };
    // @ts-expect-error: `alertOpen` takes a boolean
    const f: AlertFilters = { alertOpen: { eq: 1 } };
    // @ts-expect-error: entity keys need an id
    const g: AlertFilters = { 'entity.entity': { eq: [{ saas: 1 }] } };
    // @ts-expect-error: `isset` takes a boolean
    const h: ActivityFilters = { 'location.country': { isset: 'yes' } };
    // @ts-expect-error: entity type is 1, 2, 'account' or 'user'
    const i: EntityFilters = { type: { eq: 3 } };
    expect([a, b, c, d, e, f, g, h, i]).toHaveLength(9);
    // The same checks on a call site.
    // @ts-expect-error: misspelt field in a list call
    void client.alerts.list({ filters: { severityy: { eq: 1 } } });
    // @ts-expect-error: unsupported operator in a scan
    void client.activities.scan({ filters: { service: { contains: 'x' } } });
    // @ts-expect-error: sortField of another resource
    void client.alerts.list({ sortField: 'created' });
  });

  it('discovery lists and IP ranges are typed from the same registry', () => {
    const apps: DiscoveredAppFilters = {
      users: { gt: 5, lt: 9 },
      score: { eq: [3, 8] },
      appId: { eq: [11161] },
      tag: { eq: 'Sanctioned' },
    };
    expect(apps).toBeDefined();
    // @ts-expect-error: `users` is a number
    void client.discovery.apps({ streamId: 's', filters: { users: { gt: 'many' } } });
    // @ts-expect-error: categories filter by id, eq/neq only
    void client.discovery.categories({ streamId: 's', filters: { id: { contains: 'CLOUD' } } });
    // @ts-expect-error: `builtIn` supports eq only
    void client.subnets.list({ filters: { builtIn: { neq: true } } });
  });
});

describe('API shape', () => {
  it('returns Azure-style paged iterators of typed items', () => {
    expectTypeOf(client.alerts.list()).toEqualTypeOf<PagedAsyncIterableIterator<Alert>>();
    expectTypeOf(client.alerts.list().byPage()).toEqualTypeOf<AsyncIterableIterator<ListPage<Alert>>>();
    expectTypeOf(client.alerts.get).returns.resolves.toEqualTypeOf<Alert>();
  });

  it('accepts @azure/identity credentials', () => {
    expectTypeOf<AzureTokenCredential>().toMatchTypeOf<TokenCredential>();
    expectTypeOf<ConstructorParameters<typeof CloudAppsClient>[1]>().toMatchTypeOf<AzureTokenCredential | { apiToken: string }>();
  });
});
