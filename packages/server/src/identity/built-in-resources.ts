import crypto from 'node:crypto';
import { BUILT_IN_RESOURCES, FIRST_PARTY_TENANT_ID } from '@appwarden/protocol';
import type { Stores } from '../store/interfaces.js';

/** Object ids of built-in applications are derived from their appId, so every process agrees on them. */
function objectIdFor(appId: string): string {
  const h = crypto.createHash('sha256').update(`appwarden built-in ${appId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Registers the built-in resources ("Microsoft Cloud App Security", "Microsoft Graph") as
 * applications of the first-party tenant, refreshing their roles when a new version changed them.
 */
export async function ensureBuiltInApplications(stores: Stores, now: number): Promise<void> {
  for (const r of BUILT_IN_RESOURCES) {
    const values = {
      display_name: r.displayName,
      sign_in_audience: 'AzureADMultipleOrgs',
      identifier_uris: JSON.stringify(r.identifierUris),
      app_roles: JSON.stringify(r.appRoles),
      required_resource_access: '[]',
      web: JSON.stringify({ redirectUris: [] }),
      api: JSON.stringify({ requestedAccessTokenVersion: r.requestedAccessTokenVersion === 2 ? 2 : null }),
      built_in: 1,
    };
    const existing = await stores.applications.getByAppId(r.appId);
    if (!existing) {
      await stores.applications.insert({
        id: objectIdFor(r.appId),
        app_id: r.appId,
        tenant_id: FIRST_PARTY_TENANT_ID,
        created_at: now,
        ...values,
      });
    } else if (existing.app_roles !== values.app_roles || existing.identifier_uris !== values.identifier_uris) {
      await stores.applications.update(existing.id, values);
    }
  }
}
