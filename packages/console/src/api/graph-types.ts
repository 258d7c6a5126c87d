/** The Graph v1.0 shapes the console reads (the management API returns more). */
export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes?: string[];
}

export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: { id: string; type: 'Role' | 'Scope' }[];
}

export interface PasswordCredentialJson {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string;
  endDateTime: string;
  secretText?: string | null;
}

export interface KeyCredentialJson {
  keyId: string;
  displayName: string | null;
  customKeyIdentifier: string | null;
  startDateTime: string;
  endDateTime: string;
  type: string;
  usage: string;
}

export interface ApplicationJson {
  id: string;
  appId: string;
  displayName: string;
  createdDateTime: string;
  signInAudience: string;
  identifierUris: string[];
  appRoles: AppRole[];
  passwordCredentials: PasswordCredentialJson[];
  keyCredentials: KeyCredentialJson[];
  requiredResourceAccess: RequiredResourceAccess[];
  web: { redirectUris: string[]; [k: string]: unknown };
  spa?: { redirectUris: string[] };
  [k: string]: unknown;
}

export interface ServicePrincipalJson {
  id: string;
  appId: string;
  displayName: string;
  appOwnerOrganizationId: string | null;
  accountEnabled: boolean;
  appRoles: AppRole[];
  servicePrincipalNames: string[];
  createdDateTime: string;
  signInAudience?: string;
  [k: string]: unknown;
}

export interface AppRoleAssignmentJson {
  id: string;
  appRoleId: string;
  principalId: string;
  principalDisplayName: string;
  resourceId: string;
  resourceDisplayName: string;
  createdDateTime: string;
}

export const SIGN_IN_AUDIENCE_LABELS: Record<string, string> = {
  AzureADMyOrg: 'My organization only',
  AzureADMultipleOrgs: 'Multiple organizations',
  AzureADandPersonalMicrosoftAccount: 'All Microsoft account users',
  PersonalMicrosoftAccount: 'Personal Microsoft accounts only',
};
