import type { FetchLike, TokenCredential } from './credentials.js';
import { callJson } from './http-call.js';

/** Graph resource identifier; Appwarden's management API accepts tokens for it. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type ManagementAuth =
  | { credential: TokenCredential }
  /** Appwarden extension: the operator key acting in one tenant. */
  | { operatorKey: string; tenant?: string };

export interface GraphList<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

export type GraphObject = Record<string, unknown> & { id: string };

/**
 * A small Microsoft Graph v1.0 client for what Appwarden's management API serves: applications,
 * service principals, app role assignments, organization; plus Appwarden's operator endpoints.
 */
export class ManagementClient {
  private readonly endpoint: string;
  private readonly fetchImpl: FetchLike;

  constructor(
    endpoint: string,
    private readonly auth: ManagementAuth,
    options: { fetch?: FetchLike } = {},
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  private async authorization(): Promise<{ authorization: string; headers: Record<string, string> }> {
    if ('operatorKey' in this.auth) {
      return {
        authorization: `Bearer ${this.auth.operatorKey}`,
        headers: this.auth.tenant ? { 'x-appwarden-tenant': this.auth.tenant } : {},
      };
    }
    const token = await this.auth.credential.getToken(GRAPH_SCOPE);
    if (!token) throw new Error('the credential returned no token');
    return { authorization: `Bearer ${token.token}`, headers: {} };
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { authorization, headers } = await this.authorization();
    return callJson<T>(this.fetchImpl, `${this.endpoint}${path}`, authorization, { method, body, headers });
  }

  /** Follows @odata.nextLink to the end. */
  async listAll<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = `${this.endpoint}${path}`;
    while (next) {
      const page: GraphList<T> = await this.request<GraphList<T>>('GET', next.slice(this.endpoint.length));
      out.push(...page.value);
      next = page['@odata.nextLink'];
    }
    return out;
  }

  // applications
  listApplications(filter?: string) {
    return this.listAll<GraphObject>(`/v1.0/applications${filter ? `?$filter=${encodeURIComponent(filter)}` : ''}`);
  }
  getApplication(idOrAppId: string, byAppId = false) {
    return this.request<GraphObject>('GET', byAppId ? `/v1.0/applications(appId='${idOrAppId}')` : `/v1.0/applications/${idOrAppId}`);
  }
  createApplication(body: Record<string, unknown>) {
    return this.request<GraphObject>('POST', '/v1.0/applications', body);
  }
  updateApplication(id: string, body: Record<string, unknown>) {
    return this.request<void>('PATCH', `/v1.0/applications/${id}`, body);
  }
  deleteApplication(id: string) {
    return this.request<void>('DELETE', `/v1.0/applications/${id}`);
  }
  addPassword(id: string, passwordCredential: Record<string, unknown> = {}) {
    return this.request<GraphObject & { secretText: string; keyId: string }>('POST', `/v1.0/applications/${id}/addPassword`, {
      passwordCredential,
    });
  }
  removePassword(id: string, keyId: string) {
    return this.request<void>('POST', `/v1.0/applications/${id}/removePassword`, { keyId });
  }
  // service principals
  listServicePrincipals(filter?: string) {
    return this.listAll<GraphObject>(`/v1.0/servicePrincipals${filter ? `?$filter=${encodeURIComponent(filter)}` : ''}`);
  }
  async findServicePrincipalByAppId(appId: string): Promise<GraphObject | undefined> {
    const list = await this.listServicePrincipals(`appId eq '${appId}'`);
    return list[0];
  }
  createServicePrincipal(appId: string) {
    return this.request<GraphObject>('POST', '/v1.0/servicePrincipals', { appId });
  }
  assignAppRole(resourceSpId: string, principalId: string, appRoleId: string) {
    return this.request<GraphObject>('POST', `/v1.0/servicePrincipals/${resourceSpId}/appRoleAssignedTo`, {
      principalId,
      resourceId: resourceSpId,
      appRoleId,
    });
  }
  listAppRoleAssignments(principalSpId: string) {
    return this.listAll<GraphObject>(`/v1.0/servicePrincipals/${principalSpId}/appRoleAssignments`);
  }
  /** Appwarden extension: the portal's "Grant admin consent" in the caller's tenant. */
  grantAdminConsent(clientId: string) {
    return this.request<{ servicePrincipal: GraphObject; granted: GraphObject[]; missingResources: string[] }>(
      'POST',
      '/v1.0/appwarden.adminConsent',
      { clientId },
    );
  }
  organization() {
    return this.request<GraphList<GraphObject>>('GET', '/v1.0/organization');
  }
  // operator endpoints (operator key only)
  listTenants() {
    return this.request<{ value: Record<string, string>[] }>('GET', '/admin/tenants');
  }
  createTenant(name: string, displayName?: string) {
    return this.request<Record<string, string>>('POST', '/admin/tenants', { name, ...(displayName ? { displayName } : {}) });
  }
  rotateKeys(tenant: string, immediate = false) {
    return this.request<Record<string, unknown>>('POST', `/admin/tenants/${encodeURIComponent(tenant)}/keys/rotate`, { immediate });
  }
}
