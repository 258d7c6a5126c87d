import crypto from 'node:crypto';
import { BUILT_IN_SCOPES, type PermissionScope } from '@appwarden/protocol';
import { errors } from '../../http/errors.js';
import type { Stores } from '../../store/interfaces.js';
import type { PermissionGrantRow } from '../../store/user-context-schema.js';
import type { Application } from '../application-model.js';
import type { ApplicationService } from '../application-service.js';
import type { Clock } from '../../clock.js';
import { GUID_RE } from '../tenant-service.js';

/** The delegated permissions a resource exposes: built-in catalogs, else `api.oauth2PermissionScopes`. */
export function scopesOfResource(app: Application): PermissionScope[] {
  const builtIn = BUILT_IN_SCOPES[app.appId];
  if (builtIn) return [...builtIn];
  const declared = app.api.oauth2PermissionScopes;
  return Array.isArray(declared)
    ? (declared as PermissionScope[]).filter((s) => s && typeof s.value === 'string' && s.isEnabled !== false)
    : [];
}

const splitScope = (s: string) => s.split(/\s+/).filter(Boolean);

/**
 * Delegated permission grants (Graph `oAuth2PermissionGrant`): which delegated scopes a client
 * may use on a resource, for every user of the tenant (`AllPrincipals`) or for one (`Principal`).
 */
export class PermissionGrantService {
  constructor(
    private readonly stores: Stores,
    private readonly applications: ApplicationService,
    private readonly clock: Clock,
  ) {}

  list(tenantId: string, filter: { clientId?: string; resourceId?: string; consentType?: string }): Promise<PermissionGrantRow[]> {
    return this.stores.userContext.permissionGrants.list(tenantId, filter);
  }

  get(tenantId: string, id: string): Promise<PermissionGrantRow | undefined> {
    return this.stores.userContext.permissionGrants.get(tenantId, id);
  }

  delete(tenantId: string, id: string): Promise<boolean> {
    return this.stores.userContext.permissionGrants.delete(tenantId, id);
  }

  async create(tenantId: string, body: Record<string, unknown>): Promise<PermissionGrantRow> {
    const { clientId, resourceId, consentType, principalId, scope } = body;
    for (const [name, v] of [
      ['clientId', clientId],
      ['resourceId', resourceId],
    ] as const) {
      if (typeof v !== 'string' || !GUID_RE.test(v)) throw errors.invalidInput(`Property '${name}' must be a service principal id.`);
    }
    if (consentType !== 'AllPrincipals' && consentType !== 'Principal') {
      throw errors.invalidInput("Property 'consentType' must be 'AllPrincipals' or 'Principal'.");
    }
    let principal: string | null = null;
    if (consentType === 'Principal') {
      if (typeof principalId !== 'string' || !GUID_RE.test(principalId))
        throw errors.invalidInput("Property 'principalId' must be a user id.");
      const user = await this.stores.users.getById(principalId.toLowerCase());
      if (!user || user.tenant_id !== tenantId) throw errors.notFound(`Resource '${principalId}' does not exist.`);
      principal = user.id;
    } else if (principalId !== undefined && principalId !== null) {
      throw errors.invalidInput("Property 'principalId' must be null when consentType is 'AllPrincipals'.");
    }
    const client = await this.stores.servicePrincipals.getById(tenantId, (clientId as string).toLowerCase());
    const resource = await this.stores.servicePrincipals.getById(tenantId, (resourceId as string).toLowerCase());
    if (!client) throw errors.notFound(`Resource '${String(clientId)}' does not exist.`);
    if (!resource) throw errors.notFound(`Resource '${String(resourceId)}' does not exist.`);
    const values = await this.validScopes(resource.app_id, scope);
    const existing = (await this.list(tenantId, { clientId: client.id, resourceId: resource.id, consentType })).find(
      (g) => g.principal_id === principal,
    );
    if (existing) throw errors.conflict('Permission entry already exists.');
    const row: PermissionGrantRow = {
      id: crypto.randomBytes(32).toString('base64url'),
      tenant_id: tenantId,
      client_id: client.id,
      consent_type: consentType,
      principal_id: principal,
      resource_id: resource.id,
      scope: values.join(' '),
      created_at: this.clock.now(),
    };
    await this.stores.userContext.permissionGrants.insert(row);
    return row;
  }

  async updateScope(tenantId: string, grant: PermissionGrantRow, scope: unknown): Promise<void> {
    const resource = await this.stores.servicePrincipals.getById(tenantId, grant.resource_id);
    const values = await this.validScopes(resource!.app_id, scope);
    await this.stores.userContext.permissionGrants.updateScope(tenantId, grant.id, values.join(' '));
  }

  /** Scope values, each one a delegated permission of the resource (compared case-insensitively, stored with its casing). */
  private async validScopes(resourceAppId: string, scope: unknown): Promise<string[]> {
    if (typeof scope !== 'string') throw errors.invalidInput("Property 'scope' must be a space-separated string.");
    const app = await this.applications.findAnyByAppId(resourceAppId);
    const catalog = app ? scopesOfResource(app) : [];
    return splitScope(scope).map((v) => {
      const found = catalog.find((s) => s.value.toLowerCase() === v.toLowerCase());
      if (!found) throw errors.invalidInput(`Invalid scope value '${v}': the resource exposes no such delegated permission.`);
      return found.value;
    });
  }

  /** The delegated scopes a client may use on a resource for a user: union of the matching grants. */
  async grantedScopes(tenantId: string, clientSpId: string, resourceSpId: string, userId: string): Promise<Set<string>> {
    const grants = await this.list(tenantId, { clientId: clientSpId, resourceId: resourceSpId });
    const out = new Set<string>();
    for (const g of grants) {
      if (g.consent_type === 'AllPrincipals' || g.principal_id === userId) for (const s of splitScope(g.scope)) out.add(s);
    }
    return out;
  }

  /** Adds scopes to the client's grant of that type (creating it): what the consent prompt does. */
  async consent(tenantId: string, clientSpId: string, resourceSpId: string, scopes: string[], principalId: string | null): Promise<void> {
    const consentType = principalId ? 'Principal' : 'AllPrincipals';
    const existing = (await this.list(tenantId, { clientId: clientSpId, resourceId: resourceSpId, consentType })).find(
      (g) => g.principal_id === principalId,
    );
    if (existing) {
      const merged = new Set([...splitScope(existing.scope), ...scopes]);
      if (merged.size !== splitScope(existing.scope).length) {
        await this.stores.userContext.permissionGrants.updateScope(tenantId, existing.id, [...merged].join(' '));
      }
      return;
    }
    await this.stores.userContext.permissionGrants.insert({
      id: crypto.randomBytes(32).toString('base64url'),
      tenant_id: tenantId,
      client_id: clientSpId,
      consent_type: consentType,
      principal_id: principalId,
      resource_id: resourceSpId,
      scope: scopes.join(' '),
      created_at: this.clock.now(),
    });
  }

  /**
   * Admin consent for the delegated permissions an application requests (`Scope` entries of
   * requiredResourceAccess): one `AllPrincipals` grant per resource present in the tenant.
   */
  async grantAdminConsent(tenantId: string, app: Application, clientSpId: string): Promise<void> {
    for (const rra of app.requiredResourceAccess) {
      const ids = rra.resourceAccess.filter((a) => a.type === 'Scope').map((a) => a.id);
      if (ids.length === 0) continue;
      const resourceSp = await this.stores.servicePrincipals.getByAppId(tenantId, rra.resourceAppId);
      const resourceApp = await this.applications.findAnyByAppId(rra.resourceAppId);
      if (!resourceSp || !resourceApp) continue;
      const values = scopesOfResource(resourceApp)
        .filter((s) => ids.includes(s.id))
        .map((s) => s.value);
      if (values.length > 0) await this.consent(tenantId, clientSpId, resourceSp.id, values, null);
    }
  }
}
