import type { Application, KeyCredential, PasswordCredential } from '../identity/application-model.js';
import type { AppRoleAssignment, ServicePrincipal } from '../identity/service-principal-service.js';
import type { Tenant } from '../identity/tenant-service.js';

/** Graph v1.0 JSON for each resource, with the property names and order Graph uses. */

export function applicationJson(app: Application, passwords: PasswordCredential[], keys: KeyCredential[]) {
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    createdDateTime: new Date(app.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    displayName: app.displayName,
    description: null,
    publisherDomain: null,
    signInAudience: app.signInAudience,
    identifierUris: app.identifierUris,
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
      ...app.api,
    },
    appRoles: app.appRoles.map(({ origin: _o, ...r }) => ({ ...r, origin: 'Application' })),
    keyCredentials: keys,
    passwordCredentials: passwords,
    requiredResourceAccess: app.requiredResourceAccess,
    isFallbackPublicClient: app.isFallbackPublicClient,
    publicClient: app.publicClient,
    spa: app.spa,
    web: {
      homePageUrl: null,
      logoutUrl: null,
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      ...app.web,
    },
  };
}

export function servicePrincipalJson(sp: ServicePrincipal) {
  return {
    id: sp.id,
    deletedDateTime: null,
    accountEnabled: sp.accountEnabled,
    appDisplayName: sp.displayName,
    appId: sp.appId,
    appOwnerOrganizationId: sp.appOwnerOrganizationId,
    appRoleAssignmentRequired: sp.appRoleAssignmentRequired,
    displayName: sp.displayName,
    servicePrincipalNames: sp.servicePrincipalNames,
    servicePrincipalType: 'Application',
    signInAudience: sp.signInAudience,
    tags: [],
    appRoles: sp.appRoles.map(({ origin: _o, ...r }) => ({ ...r, origin: 'Application' })),
    oauth2PermissionScopes: [],
    createdDateTime: new Date(sp.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

export function appRoleAssignmentJson(a: AppRoleAssignment) {
  return {
    id: a.id,
    deletedDateTime: null,
    appRoleId: a.appRoleId,
    createdDateTime: new Date(a.createdAt).toISOString(),
    creationTimestamp: new Date(a.createdAt).toISOString(),
    principalDisplayName: a.principalDisplayName,
    principalId: a.principalId,
    principalType: a.principalType,
    resourceDisplayName: a.resourceDisplayName,
    resourceId: a.resourceId,
  };
}

export function organizationJson(t: Tenant) {
  return {
    id: t.id,
    deletedDateTime: null,
    createdDateTime: new Date(t.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    displayName: t.displayName,
    tenantType: 'AAD',
    countryLetterCode: null,
    verifiedDomains: [
      { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: true, name: t.domain, type: 'Managed' },
    ],
  };
}
