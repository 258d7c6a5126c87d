import type { TokenCredential } from './credentials.js';
import { AppwardenError } from './errors.js';
import { RequestPipeline, type OperatorKeyAuth, type PipelineOptions } from './cloudapps/request-pipeline.js';
import { SecurityAlertsOperations } from './security-alerts.js';

/** Graph resource identifier; Appwarden's management API accepts tokens for it. */
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export type ManagementAuth =
  | { credential: TokenCredential }
  /** Appwarden extension: the operator key acting in one tenant. */
  | OperatorKeyAuth;

/** fetch, retries, time limit and retry hook, as for the Cloud Apps client; the scope is Graph's. */
export type ManagementClientOptions = Omit<PipelineOptions, 'scope'>;

export interface GraphList<T> {
  value: T[];
  '@odata.nextLink'?: string;
}

export type GraphObject = Record<string, unknown> & { id: string };

/**
 * A small Microsoft Graph v1.0 client for what Appwarden's management API serves: applications,
 * service principals, app role assignments, organization; plus Appwarden's operator endpoints.
 * Requests go through the same RequestPipeline as the Cloud Apps client: typed errors, a time
 * limit per attempt, retries after 429 (every call) and 5xx (idempotent calls).
 */
export class ManagementClient {
  /** The request pipeline (auth, retries, timeouts), for calls this client does not wrap. */
  readonly pipeline: RequestPipeline;
  /** Microsoft Graph security alerts (alerts_v2): list, get, update, comments. */
  readonly securityAlerts: SecurityAlertsOperations;

  constructor(endpoint: string, auth: ManagementAuth, options: ManagementClientOptions = {}) {
    if (!/^https?:\/\//i.test(endpoint)) throw new TypeError(`endpoint must be an http(s) URL, got '${endpoint}'`);
    this.pipeline = new RequestPipeline(endpoint, 'credential' in auth ? auth.credential : auth, { ...options, scope: GRAPH_SCOPE });
    this.securityAlerts = new SecurityAlertsOperations(this);
  }

  get endpoint(): string {
    return this.pipeline.endpoint;
  }

  /** One call; `path` is below the endpoint (or an absolute URL on it). 204 yields undefined. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.pipeline.send<T>({ method, url: path, ...(body !== undefined ? { json: body } : {}) });
  }

  /**
   * Follows @odata.nextLink to the end. The server writes links with its public origin, which may
   * be spelt differently from the endpoint this client was given (127.0.0.1 for localhost, a
   * proxy): a link is followed by its path and query on this client's endpoint, so the token is
   * never sent anywhere else.
   */
  async listAll<T>(path: string): Promise<T[]> {
    const out: T[] = [];
    const base = new URL(this.endpoint);
    let next: string | undefined = path;
    while (next) {
      const page: GraphList<T> = await this.request<GraphList<T>>('GET', next);
      if (!Array.isArray(page?.value)) throw new AppwardenError(`GET ${next}: the answer has no value array`, 200, page);
      out.push(...page.value);
      const link = page['@odata.nextLink'];
      next = link === undefined ? undefined : onEndpoint(base, link);
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
  /** SIEM export targets of a tenant (operator key; Appwarden's docs/siem.md). */
  listSiemTargets(tenant: string) {
    return this.request<{ value: Record<string, unknown>[] }>('GET', `/admin/tenants/${encodeURIComponent(tenant)}/siem/targets`);
  }
  /** Adds a target; a webhook's answer carries its signing `secret`, shown this once. */
  addSiemTarget(
    tenant: string,
    target: { url: string; alerts?: boolean; activities?: boolean; format?: string; framing?: string; ca?: string; enabled?: boolean },
  ) {
    return this.request<Record<string, unknown>>('POST', `/admin/tenants/${encodeURIComponent(tenant)}/siem/targets`, target);
  }
  removeSiemTarget(tenant: string, id: string) {
    return this.request<void>('DELETE', `/admin/tenants/${encodeURIComponent(tenant)}/siem/targets/${encodeURIComponent(id)}`);
  }
}

/** An absolute or relative link, moved onto the endpoint's origin. */
function onEndpoint(base: URL, link: string): string {
  const u = new URL(link, base);
  return u.origin === base.origin ? u.href : `${base.origin}${u.pathname}${u.search}`;
}
