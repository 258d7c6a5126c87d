import crypto from 'node:crypto';
import {
  ADMIN_CENTER_APP_ID,
  ADMIN_CENTER_DISPLAY_NAME,
  AZURE_CLI_APP_ID,
  AZURE_SERVICE_MANAGEMENT_APP_ID,
  BUILT_IN_RESOURCES,
  BUILT_IN_SCOPES,
  FIRST_PARTY_TENANT_ID,
} from '@appwarden/protocol';
import type { Stores } from '../store/interfaces.js';

interface FirstPartyClient {
  appId: string;
  displayName: string;
  publicClientRedirectUris: string[];
}

/**
 * Public clients that exist in every tenant, pre-consented for the delegated scopes of the
 * built-in resources (as Microsoft's own first-party clients are): the admin center (a SPA whose
 * redirect URI is the server's own origin, see redirect-uris.ts) and the Azure CLI's client id,
 * which @azure/identity's user credentials use by default.
 */
const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [
  { appId: ADMIN_CENTER_APP_ID, displayName: ADMIN_CENTER_DISPLAY_NAME, publicClientRedirectUris: [] },
  { appId: AZURE_CLI_APP_ID, displayName: 'Microsoft Azure CLI', publicClientRedirectUris: ['http://localhost'] },
];

export const isFirstPartyClient = (appId: string) => FIRST_PARTY_CLIENTS.some((c) => c.appId === appId.toLowerCase());

function objectIdFor(seed: string): string {
  const h = crypto.createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Registers the first-party client applications (once per installation). */
export async function ensureFirstPartyApplications(stores: Stores, now: number): Promise<void> {
  for (const c of FIRST_PARTY_CLIENTS) {
    if (await stores.applications.getByAppId(c.appId)) continue;
    await stores.applications.insert({
      id: objectIdFor(`appwarden first-party ${c.appId}`),
      app_id: c.appId,
      tenant_id: FIRST_PARTY_TENANT_ID,
      display_name: c.displayName,
      sign_in_audience: 'AzureADMultipleOrgs',
      identifier_uris: '[]',
      app_roles: '[]',
      required_resource_access: '[]',
      web: JSON.stringify({ redirectUris: [] }),
      api: JSON.stringify({ requestedAccessTokenVersion: null }),
      built_in: 0,
      created_at: now,
      public_client: JSON.stringify({ redirectUris: c.publicClientRedirectUris }),
      is_fallback_public_client: 1,
    });
  }
}

/**
 * Gives a tenant every built-in resource's service principal (tenants made before a resource was
 * added get it here), the first-party clients' service principals and their delegated grants on
 * each built-in resource (added when missing, so a new resource reaches existing tenants).
 */
export async function ensureFirstPartyClients(stores: Stores, tenantId: string, now: number): Promise<void> {
  const resources: { id: string; scopes: string }[] = [];
  for (const r of BUILT_IN_RESOURCES) {
    let sp = await stores.servicePrincipals.getByAppId(tenantId, r.appId);
    if (!sp) {
      // Only tenants that already have the original built-ins are backfilled (TenantService.create makes all).
      if (r.appId !== AZURE_SERVICE_MANAGEMENT_APP_ID) return;
      await stores.servicePrincipals.insert({
        id: crypto.randomUUID(),
        tenant_id: tenantId,
        app_id: r.appId,
        display_name: r.displayName,
        account_enabled: 1,
        app_role_assignment_required: 0,
        app_owner_organization_id: FIRST_PARTY_TENANT_ID,
        created_at: now,
      });
      sp = await stores.servicePrincipals.getByAppId(tenantId, r.appId);
      if (!sp) return;
    }
    const scopes = BUILT_IN_SCOPES[r.appId] ?? [];
    if (scopes.length > 0) resources.push({ id: sp.id, scopes: scopes.map((s) => s.value).join(' ') });
  }
  for (const c of FIRST_PARTY_CLIENTS) {
    let client = await stores.servicePrincipals.getByAppId(tenantId, c.appId);
    if (!client) {
      await stores.servicePrincipals.insert({
        id: crypto.randomUUID(),
        tenant_id: tenantId,
        app_id: c.appId,
        display_name: c.displayName,
        account_enabled: 1,
        app_role_assignment_required: 0,
        app_owner_organization_id: FIRST_PARTY_TENANT_ID,
        created_at: now,
      });
      client = await stores.servicePrincipals.getByAppId(tenantId, c.appId);
      if (!client) continue;
    }
    for (const resource of resources) {
      const existing = await stores.userContext.permissionGrants.list(tenantId, {
        clientId: client.id,
        resourceId: resource.id,
        consentType: 'AllPrincipals',
      });
      if (existing.length > 0) continue;
      await stores.userContext.permissionGrants.insert({
        id: crypto.randomBytes(32).toString('base64url'),
        tenant_id: tenantId,
        client_id: client.id,
        consent_type: 'AllPrincipals',
        principal_id: null,
        resource_id: resource.id,
        scope: resource.scopes,
        created_at: now,
      });
    }
  }
}
