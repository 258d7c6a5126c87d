import type { SecurityAlert, SecurityAlertComment, SecurityAlertUpdate } from '@appwarden/protocol';
import type { GraphList, ManagementClient } from './management-client.js';

export type { SecurityAlert, SecurityAlertComment, SecurityAlertUpdate } from '@appwarden/protocol';

/** Query options of GET /v1.0/security/alerts_v2 (docs/graph-security.md). */
export interface SecurityAlertListOptions {
  /** OData `$filter`, e.g. `status eq 'new' and severity in ('high','medium')`. */
  filter?: string;
  /** Page size (`$top`, 1–2000). */
  top?: number;
  skip?: number;
  /** `createdDateTime desc`, `lastUpdateDateTime asc`… */
  orderBy?: string;
  select?: string[];
}

export interface SecurityAlertPage extends GraphList<SecurityAlert> {
  '@odata.count'?: number;
}

/**
 * Microsoft Graph security alerts (alerts_v2) through the management client: the same calls work
 * against Appwarden and graph.microsoft.com. Needs a Graph token with SecurityAlert.Read.All
 * (reads) or SecurityAlert.ReadWrite.All (updates, comments).
 */
export class SecurityAlertsOperations {
  constructor(private readonly client: ManagementClient) {}

  /** One page, with `@odata.nextLink` when more follow (`count: true` adds `@odata.count`). */
  page(options: SecurityAlertListOptions & { count?: boolean } = {}): Promise<SecurityAlertPage> {
    return this.client.request<SecurityAlertPage>('GET', `/v1.0/security/alerts_v2${query(options)}`);
  }

  /** Every alert matching the options, following `@odata.nextLink`. */
  list(options: SecurityAlertListOptions = {}): Promise<SecurityAlert[]> {
    return this.client.listAll<SecurityAlert>(`/v1.0/security/alerts_v2${query(options)}`);
  }

  get(id: string): Promise<SecurityAlert> {
    return this.client.request<SecurityAlert>('GET', `/v1.0/security/alerts_v2/${encodeURIComponent(id)}`);
  }

  /** Changes status, classification, determination or assignedTo; the updated alert. */
  update(id: string, change: SecurityAlertUpdate): Promise<SecurityAlert> {
    return this.client.request<SecurityAlert>('PATCH', `/v1.0/security/alerts_v2/${encodeURIComponent(id)}`, change);
  }

  /** Adds a comment; every comment of the alert after it. */
  async addComment(id: string, comment: string): Promise<SecurityAlertComment[]> {
    const res = await this.client.request<GraphList<SecurityAlertComment>>(
      'POST',
      `/v1.0/security/alerts_v2/${encodeURIComponent(id)}/comments`,
      {
        '@odata.type': 'microsoft.graph.security.alertComment',
        comment,
      },
    );
    return res.value;
  }
}

function query(o: SecurityAlertListOptions & { count?: boolean }): string {
  const p = new URLSearchParams();
  if (o.filter !== undefined) p.set('$filter', o.filter);
  if (o.top !== undefined) p.set('$top', String(o.top));
  if (o.skip !== undefined) p.set('$skip', String(o.skip));
  if (o.orderBy !== undefined) p.set('$orderby', o.orderBy);
  if (o.select !== undefined) p.set('$select', o.select.join(','));
  if (o.count) p.set('$count', 'true');
  const s = p.toString();
  return s ? `?${s}` : '';
}
