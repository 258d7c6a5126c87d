import type { PermissionGrantRow } from '../store/user-context-schema.js';

/** Graph v1.0 JSON of an `oAuth2PermissionGrant`. */
export const permissionGrantJson = (g: PermissionGrantRow) => ({
  id: g.id,
  clientId: g.client_id,
  consentType: g.consent_type,
  principalId: g.principal_id,
  resourceId: g.resource_id,
  scope: g.scope,
});
