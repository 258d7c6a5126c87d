import crypto from 'node:crypto';
import {
  ADMIN_CENTER_APP_ID,
  ADMIN_CENTER_DISPLAY_NAME,
  AZURE_CLI_APP_ID,
  CLOUD_APP_SECURITY_APP_ID,
  CLOUD_APP_SECURITY_SCOPES,
  FIRST_PARTY_TENANT_ID,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_SCOPES,
} from '@appwarden/protocol';
import type { Stores } from '../store/interfaces.js';

interface FirstPartyClient {
  appId: string;
  displayName: string;
  publicClientRedirectUris: string[];
}

/**
 * Public clients that exist in every tenant, pre-consented for the delegated scopes of both
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

/** Gives a tenant the first-party clients' service principals and their delegated grants. */
export async function ensureFirstPartyClients(stores: Stores, tenantId: string, now: number): Promise<void> {
  const cas = await stores.servicePrincipals.getByAppId(tenantId, CLOUD_APP_SECURITY_APP_ID);
  const graph = await stores.servicePrincipals.getByAppId(tenantId, MICROSOFT_GRAPH_APP_ID);
  if (!cas || !graph) return;
  for (const c of FIRST_PARTY_CLIENTS) {
    if (await stores.servicePrincipals.getByAppId(tenantId, c.appId)) continue;
    const spId = crypto.randomUUID();
    await stores.servicePrincipals.insert({
      id: spId,
      tenant_id: tenantId,
      app_id: c.appId,
      display_name: c.displayName,
      account_enabled: 1,
      app_role_assignment_required: 0,
      app_owner_organization_id: FIRST_PARTY_TENANT_ID,
      created_at: now,
    });
    for (const [resource, scopes] of [
      [cas.id, CLOUD_APP_SECURITY_SCOPES],
      [graph.id, MICROSOFT_GRAPH_SCOPES],
    ] as const) {
      await stores.userContext.permissionGrants.insert({
        id: crypto.randomBytes(32).toString('base64url'),
        tenant_id: tenantId,
        client_id: spId,
        consent_type: 'AllPrincipals',
        principal_id: null,
        resource_id: resource,
        scope: scopes.map((s) => s.value).join(' '),
        created_at: now,
      });
    }
  }
}
