import crypto from 'node:crypto';
import { BUILT_IN_RESOURCES, FIRST_PARTY_TENANT_ID, MICROSOFT_GRAPH_APP_ID, type AppRole } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import type { Stores } from '../store/interfaces.js';
import type { AppRoleAssignmentRow, ServicePrincipalRow } from '../store/schema.js';
import type { Application } from './application-model.js';
import type { ApplicationService } from './application-service.js';
import type { Clock } from '../clock.js';
import { GUID_RE } from './tenant-service.js';

export const NO_ROLE_ID = '00000000-0000-0000-0000-000000000000';

/** A service principal (enterprise app) in one tenant, with its application's roles and identifiers. */
export interface ServicePrincipal {
  id: string;
  tenantId: string;
  appId: string;
  displayName: string;
  accountEnabled: boolean;
  appRoleAssignmentRequired: boolean;
  appOwnerOrganizationId: string;
  appRoles: AppRole[];
  servicePrincipalNames: string[];
  signInAudience: string;
  requestedAccessTokenVersion: number | null;
  createdAt: number;
}

export interface AppRoleAssignment {
  id: string;
  tenantId: string;
  principalId: string;
  principalDisplayName: string;
  principalType: 'ServicePrincipal';
  resourceId: string;
  resourceDisplayName: string;
  appRoleId: string;
  createdAt: number;
}

/** Service principals, app role assignments and admin consent. */
export class ServicePrincipalService {
  constructor(
    private readonly stores: Stores,
    private readonly applications: ApplicationService,
    private readonly clock: Clock,
    /** The server's public origin: a resource named by it is Microsoft Graph (see findResource). */
    private readonly origin: { readonly value: string } = { value: '' },
  ) {}

  private async expand(row: ServicePrincipalRow, app?: Application): Promise<ServicePrincipal> {
    const a = app ?? (await this.applications.findAnyByAppId(row.app_id));
    return {
      id: row.id,
      tenantId: row.tenant_id,
      appId: row.app_id,
      displayName: row.display_name,
      accountEnabled: row.account_enabled === 1,
      appRoleAssignmentRequired: row.app_role_assignment_required === 1,
      appOwnerOrganizationId: row.app_owner_organization_id,
      appRoles: a?.appRoles ?? [],
      servicePrincipalNames: [row.app_id, ...(a?.identifierUris ?? [])],
      signInAudience: a?.signInAudience ?? 'AzureADMultipleOrgs',
      requestedAccessTokenVersion: a?.api.requestedAccessTokenVersion ?? null,
      createdAt: row.created_at,
    };
  }

  /** Creates the service principal of an application in a tenant (its home, or any tenant for a multi-tenant app). */
  async create(
    tenantId: string,
    appId: unknown,
    patch: { accountEnabled?: unknown; appRoleAssignmentRequired?: unknown } = {},
  ): Promise<ServicePrincipal> {
    if (typeof appId !== 'string' || !GUID_RE.test(appId)) throw errors.invalidInput("Property 'appId' is required and must be a GUID.");
    const app = await this.applications.findAnyByAppId(appId);
    if (!app) {
      throw errors.invalidInput(`The appId '${appId}' of the service principal does not reference a valid application object.`);
    }
    if (app.tenantId !== tenantId && !app.builtIn && app.signInAudience === 'AzureADMyOrg') {
      throw errors.invalidInput(
        `The application '${app.displayName}' (${app.appId}) is a single-tenant application; its service principal can only be created in its home tenant.`,
      );
    }
    if (await this.stores.servicePrincipals.getByAppId(tenantId, app.appId)) {
      throw errors.conflict(`A service principal with appId '${app.appId}' already exists in this tenant.`);
    }
    const row: ServicePrincipalRow = {
      id: crypto.randomUUID(),
      tenant_id: tenantId,
      app_id: app.appId,
      display_name: app.displayName,
      account_enabled: patch.accountEnabled === false ? 0 : 1,
      app_role_assignment_required: patch.appRoleAssignmentRequired === true ? 1 : 0,
      app_owner_organization_id: app.builtIn ? FIRST_PARTY_TENANT_ID : app.tenantId,
      created_at: this.clock.now(),
    };
    await this.stores.servicePrincipals.insert(row);
    return this.expand(row, app);
  }

  async get(tenantId: string, id: string): Promise<ServicePrincipal | undefined> {
    if (!GUID_RE.test(id)) return undefined;
    const r = await this.stores.servicePrincipals.getById(tenantId, id.toLowerCase());
    return r ? this.expand(r) : undefined;
  }

  async getByAppId(tenantId: string, appId: string): Promise<ServicePrincipal | undefined> {
    const r = await this.stores.servicePrincipals.getByAppId(tenantId, appId.toLowerCase());
    return r ? this.expand(r) : undefined;
  }

  /** The raw row: the token endpoint's hot path needs no expansion. */
  rowByAppId(tenantId: string, appId: string): Promise<ServicePrincipalRow | undefined> {
    return this.stores.servicePrincipals.getByAppId(tenantId, appId.toLowerCase());
  }

  async list(tenantId: string, filter: { appId?: string; displayName?: string }, limit = 999): Promise<ServicePrincipal[]> {
    const rows = await this.stores.servicePrincipals.list(tenantId, filter, limit);
    return Promise.all(rows.map((r) => this.expand(r)));
  }

  /** Whether a resource identifier names this server's origin (any case, trailing slashes ignored). */
  isOwnOrigin(identifier: string): boolean {
    const own = this.origin.value.toLowerCase();
    return own !== '' && identifier.trim().replace(/\/+$/, '').toLowerCase() === own;
  }

  /**
   * Finds a resource's service principal in a tenant from what a client sent: the appId GUID or an
   * identifier URI, case-insensitively, with or without a trailing slash.
   */
  async findResource(tenantId: string, identifier: string): Promise<{ sp: ServicePrincipalRow; app: Application } | undefined> {
    const trimmed = identifier.trim();
    let app: Application | undefined;
    // The server's own origin is an alias of Microsoft Graph: az and other tools derive the Graph
    // scope from a custom Graph endpoint (`https://host:8443//.default`), and its /v1.0 is Graph here.
    if (this.isOwnOrigin(trimmed)) {
      app = await this.applications.findAnyByAppId(MICROSOFT_GRAPH_APP_ID);
    } else if (GUID_RE.test(trimmed)) {
      app = await this.applications.findAnyByAppId(trimmed);
    } else {
      const bare = trimmed.replace(/\/+$/, '');
      const candidates = [bare, `${bare}/`];
      for (const c of candidates) {
        const rows = await this.stores.applications.findByIdentifierUri(c);
        if (rows.length > 0) {
          // Prefer an application visible in this tenant (its SP exists here).
          for (const r of rows) {
            const sp = await this.stores.servicePrincipals.getByAppId(tenantId, r.app_id);
            if (sp) return { sp, app: (await this.applications.findAnyByAppId(r.app_id))! };
          }
        }
      }
      return undefined;
    }
    if (!app) return undefined;
    const sp = await this.stores.servicePrincipals.getByAppId(tenantId, app.appId);
    return sp ? { sp, app } : undefined;
  }

  async update(sp: ServicePrincipal, patch: Record<string, unknown>): Promise<ServicePrincipal> {
    const update: Partial<Pick<ServicePrincipalRow, 'account_enabled' | 'app_role_assignment_required' | 'display_name'>> = {};
    if (patch.accountEnabled !== undefined) {
      if (typeof patch.accountEnabled !== 'boolean') throw errors.invalidInput("Property 'accountEnabled' must be a boolean.");
      update.account_enabled = patch.accountEnabled ? 1 : 0;
    }
    if (patch.appRoleAssignmentRequired !== undefined) {
      if (typeof patch.appRoleAssignmentRequired !== 'boolean')
        throw errors.invalidInput("Property 'appRoleAssignmentRequired' must be a boolean.");
      update.app_role_assignment_required = patch.appRoleAssignmentRequired ? 1 : 0;
    }
    if (patch.displayName !== undefined) {
      if (typeof patch.displayName !== 'string' || patch.displayName === '')
        throw errors.invalidInput("Property 'displayName' must be a non-empty string.");
      update.display_name = patch.displayName;
    }
    await this.stores.servicePrincipals.update(sp.id, update);
    return (await this.get(sp.tenantId, sp.id))!;
  }

  async delete(sp: ServicePrincipal): Promise<void> {
    if (BUILT_IN_RESOURCES.some((r) => r.appId === sp.appId)) {
      throw errors.invalidInput('The service principals of built-in Microsoft resources cannot be deleted.');
    }
    await this.stores.servicePrincipals.delete(sp.id);
  }

  // ---- app role assignments ----

  private async expandAssignment(row: AppRoleAssignmentRow): Promise<AppRoleAssignment> {
    const [p, r] = await Promise.all([
      this.stores.servicePrincipals.getById(row.tenant_id, row.principal_id),
      this.stores.servicePrincipals.getById(row.tenant_id, row.resource_id),
    ]);
    return {
      id: row.id,
      tenantId: row.tenant_id,
      principalId: row.principal_id,
      principalDisplayName: p?.display_name ?? '',
      principalType: 'ServicePrincipal',
      resourceId: row.resource_id,
      resourceDisplayName: r?.display_name ?? '',
      appRoleId: row.app_role_id,
      createdAt: row.created_at,
    };
  }

  /** Grants an application permission: principal = client SP, resource = resource SP, appRoleId = one of its roles. */
  async assign(tenantId: string, input: { principalId?: unknown; resourceId?: unknown; appRoleId?: unknown }): Promise<AppRoleAssignment> {
    for (const k of ['principalId', 'resourceId', 'appRoleId'] as const) {
      const v = input[k];
      if (typeof v !== 'string' || !GUID_RE.test(v)) throw errors.invalidInput(`Property '${k}' is required and must be a GUID.`);
    }
    const principalId = String(input.principalId).toLowerCase();
    const resourceId = String(input.resourceId).toLowerCase();
    const appRoleId = String(input.appRoleId).toLowerCase();
    const principal = await this.stores.servicePrincipals.getById(tenantId, principalId);
    if (!principal)
      throw errors.notFound(`Resource '${principalId}' does not exist or one of its queried reference-property objects are not present.`);
    const resource = await this.get(tenantId, resourceId);
    if (!resource)
      throw errors.notFound(`Resource '${resourceId}' does not exist or one of its queried reference-property objects are not present.`);
    if (appRoleId !== NO_ROLE_ID) {
      const role = resource.appRoles.find((r) => r.id === appRoleId);
      if (!role) throw errors.invalidInput('Permission being assigned was not found on application');
      if (!role.allowedMemberTypes.includes('Application')) {
        throw errors.invalidInput('Permission being assigned is not allowed for applications (allowedMemberTypes lacks Application).');
      }
      if (!role.isEnabled) throw errors.invalidInput('Permission being assigned is disabled.');
    }
    const existing = await this.stores.assignments.listByPrincipal(tenantId, principalId);
    if (existing.some((e) => e.resource_id === resourceId && e.app_role_id === appRoleId)) {
      throw errors.conflict('Permission being assigned already exists on the object');
    }
    const row: AppRoleAssignmentRow = {
      id: crypto.randomBytes(32).toString('base64url').slice(0, 43),
      tenant_id: tenantId,
      principal_id: principalId,
      resource_id: resourceId,
      app_role_id: appRoleId,
      created_at: this.clock.now(),
    };
    await this.stores.assignments.insert(row);
    return this.expandAssignment(row);
  }

  async assignmentsOfPrincipal(tenantId: string, principalId: string): Promise<AppRoleAssignment[]> {
    const rows = await this.stores.assignments.listByPrincipal(tenantId, principalId);
    return Promise.all(rows.map((r) => this.expandAssignment(r)));
  }

  async assignmentsToResource(tenantId: string, resourceId: string): Promise<AppRoleAssignment[]> {
    const rows = await this.stores.assignments.listByResource(tenantId, resourceId);
    return Promise.all(rows.map((r) => this.expandAssignment(r)));
  }

  async getAssignment(tenantId: string, id: string): Promise<AppRoleAssignment | undefined> {
    const r = await this.stores.assignments.getById(tenantId, id);
    return r ? this.expandAssignment(r) : undefined;
  }

  async unassign(tenantId: string, id: string): Promise<boolean> {
    return this.stores.assignments.delete(tenantId, id);
  }

  /**
   * Admin consent, as the portal's "Grant admin consent" button or the consent link does: creates
   * the client's service principal in the tenant when missing, then an assignment for every
   * `Role` entry of requiredResourceAccess whose resource exists in the tenant.
   */
  async grantAdminConsent(
    tenantId: string,
    appId: string,
  ): Promise<{ servicePrincipal: ServicePrincipal; granted: AppRoleAssignment[]; missingResources: string[] }> {
    const app = await this.applications.findAnyByAppId(appId);
    if (!app || app.builtIn) throw errors.notFound(`Application with identifier '${appId}' was not found.`);
    const sp = (await this.getByAppId(tenantId, app.appId)) ?? (await this.create(tenantId, app.appId));
    const granted: AppRoleAssignment[] = [];
    const missingResources: string[] = [];
    const current = await this.stores.assignments.listByPrincipal(tenantId, sp.id);
    for (const rra of app.requiredResourceAccess) {
      const roles = rra.resourceAccess.filter((a) => a.type === 'Role');
      if (roles.length === 0) continue;
      const resource = await this.getByAppId(tenantId, rra.resourceAppId);
      if (!resource) {
        missingResources.push(rra.resourceAppId);
        continue;
      }
      for (const role of roles) {
        if (current.some((c) => c.resource_id === resource.id && c.app_role_id === role.id)) continue;
        if (!resource.appRoles.some((r) => r.id === role.id)) continue;
        granted.push(await this.assign(tenantId, { principalId: sp.id, resourceId: resource.id, appRoleId: role.id }));
      }
    }
    return { servicePrincipal: sp, granted, missingResources };
  }
}
