import { AZURE_SERVICE_MANAGEMENT_APP_ID, CLOUD_APP_SECURITY_APP_ID, MICROSOFT_GRAPH_APP_ID } from './well-known.js';

/** A delegated permission exposed by a resource, in Graph's `permissionScope` shape. */
export interface PermissionScope {
  id: string;
  value: string;
  /** `Admin`: only an administrator may consent; `User`: users may consent for themselves. */
  type: 'Admin' | 'User';
  adminConsentDisplayName: string;
  adminConsentDescription: string;
  userConsentDisplayName: string | null;
  userConsentDescription: string | null;
  isEnabled: boolean;
}

const scope = (id: string, value: string, type: 'Admin' | 'User', displayName: string, description: string): PermissionScope => ({
  id,
  value,
  type,
  adminConsentDisplayName: displayName,
  adminConsentDescription: description,
  userConsentDisplayName: type === 'User' ? displayName : null,
  userConsentDescription: type === 'User' ? description : null,
  isEnabled: true,
});

/**
 * The six permissions of Microsoft Cloud App Security as delegated scopes. Ids from a published
 * permission listing (reference user-context §1.2, not official); values keep the casing of the
 * application permissions, and scopes are compared case-insensitively.
 */
export const CLOUD_APP_SECURITY_SCOPES: readonly PermissionScope[] = [
  scope(
    '83bc8d83-2679-44ef-b813-d5f556fc4474',
    'Investigation.read',
    'Admin',
    'Read investigation data',
    'View alerts, activities, entities and policies as the signed-in user.',
  ),
  scope(
    'a832eaa3-0cfc-4a2b-9af1-27c5b092dd40',
    'Investigation.manage',
    'Admin',
    'Manage investigation data',
    'View and manage alerts, activities and IP ranges as the signed-in user.',
  ),
  scope(
    'e9aa7b67-ea0d-435b-ab36-592cd9b23d61',
    'Discovery.read',
    'Admin',
    'Read Cloud Discovery data',
    'View alerts, Cloud Discovery reports and categories as the signed-in user.',
  ),
  scope(
    'f6e78c1a-b9c7-42d3-b067-220689a7a2e9',
    'Discovery.manage',
    'Admin',
    'Manage Cloud Discovery',
    'Close alerts, upload discovery logs and generate block scripts as the signed-in user.',
  ),
  scope('8e41f311-31d5-43aa-bb79-8fd4e14a8745', 'Settings.read', 'Admin', 'Read settings', 'List IP ranges as the signed-in user.'),
  scope(
    'cb792285-1541-416c-a581-d8ede4ebc219',
    'Settings.manage',
    'Admin',
    'Manage all settings',
    'List and manage IP ranges as the signed-in user.',
  ),
];

/** The OpenID Connect scopes, which Entra lists on Microsoft Graph. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** Microsoft Graph's delegated permissions that the management API and sign-in use (Graph's own ids). */
export const MICROSOFT_GRAPH_SCOPES: readonly PermissionScope[] = [
  scope(
    '37f7f235-527c-4136-accd-4a02d197296e',
    'openid',
    'User',
    'Sign users in',
    'Allows users to sign in to the app with their work or school accounts.',
  ),
  scope(
    '14dad69e-099b-42c9-810b-d002981feec1',
    'profile',
    'User',
    "View users' basic profile",
    "Allows the app to see your users' basic profile (name and user name).",
  ),
  scope(
    '64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0',
    'email',
    'User',
    "View users' email address",
    "Allows the app to read your users' primary email address.",
  ),
  scope(
    '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
    'offline_access',
    'User',
    'Maintain access to data you have given it access to',
    'Allows the app to see and update the data you gave it access to, even when users are not currently using the app.',
  ),
  scope(
    'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
    'User.Read',
    'User',
    'Sign in and read user profile',
    'Allows users to sign in to the app, and allows the app to read the profile of signed-in users.',
  ),
  scope(
    'a154be20-db9c-4678-8ab7-66f6cc099a59',
    'User.Read.All',
    'Admin',
    "Read all users' full profiles",
    'Allows the app to read the full set of profile properties of other users on behalf of the signed-in user.',
  ),
  scope(
    '204e0828-b5ca-4ad8-b9f3-f32a958e7cc4',
    'User.ReadWrite.All',
    'Admin',
    "Read and write all users' full profiles",
    'Allows the app to read and write the full set of profile properties of all users on behalf of the signed-in user.',
  ),
  scope(
    'c79f8feb-a9db-4090-85f9-90d820caa0eb',
    'Application.Read.All',
    'Admin',
    'Read applications',
    'Allows the app to read applications and service principals on behalf of the signed-in user.',
  ),
  scope(
    'bdfbf15f-ee85-4955-8675-146e8e5296b5',
    'Application.ReadWrite.All',
    'Admin',
    'Read and write all applications',
    'Allows the app to create, read, update and delete applications and service principals on behalf of the signed-in user.',
  ),
  scope(
    '84bccea3-f856-4a8a-967b-dbe0a3d53a64',
    'AppRoleAssignment.ReadWrite.All',
    'Admin',
    'Manage app permission grants and app role assignments',
    'Allows the app to manage permission grants and app role assignments on behalf of the signed-in user.',
  ),
  scope(
    '41ce6ca6-6826-4807-84f1-1c82854f7ee5',
    'DelegatedPermissionGrant.ReadWrite.All',
    'Admin',
    'Manage all delegated permission grants',
    'Allows the app to manage delegated permission grants on behalf of the signed-in user.',
  ),
  scope(
    '06da0dbc-49e2-44d2-8312-53f166ab848a',
    'Directory.Read.All',
    'Admin',
    'Read directory data',
    "Allows the app to read data in your organization's directory on behalf of the signed-in user.",
  ),
  scope(
    'c5366453-9fb0-48a5-a156-24f0c49a4b84',
    'Directory.ReadWrite.All',
    'Admin',
    'Read and write directory data',
    "Allows the app to read and write data in your organization's directory on behalf of the signed-in user.",
  ),
  scope(
    'd01b97e9-cbc0-49fe-810a-750afd5527a3',
    'RoleManagement.ReadWrite.Directory',
    'Admin',
    'Read and write directory RBAC settings',
    'Allows the app to read and manage the role-based access control settings for your directory on behalf of the signed-in user.',
  ),
  scope(
    '4908d5b9-3fb2-4b1e-9336-1888b7937185',
    'Organization.Read.All',
    'Admin',
    'Read organization information',
    'Allows the app to read the organization on behalf of the signed-in user.',
  ),
  scope(
    'bc257fb8-46b4-4b15-8713-01e91bfbe4ea',
    'SecurityAlert.Read.All',
    'Admin',
    'Read all security alerts',
    'Allows the app to read all security alerts, on behalf of the signed-in user.',
  ),
  scope(
    '471f2a7f-2a42-4d45-a2bf-594d0838070d',
    'SecurityAlert.ReadWrite.All',
    'Admin',
    'Read and write to all security alerts',
    'Allows the app to read and write to all security alerts, on behalf of the signed-in user.',
  ),
];

/** The one delegated scope of Windows Azure Service Management API (id as published for Entra). */
export const AZURE_SERVICE_MANAGEMENT_SCOPES: readonly PermissionScope[] = [
  scope(
    '41094075-9dad-400e-a0bd-54e686782033',
    'user_impersonation',
    'User',
    'Access Azure Service Management as organization users',
    'Allows the application to access Azure Service Management as the signed-in user.',
  ),
];

/** Delegated scopes of the built-in resources, by appId. */
export const BUILT_IN_SCOPES: Readonly<Record<string, readonly PermissionScope[]>> = {
  [CLOUD_APP_SECURITY_APP_ID]: CLOUD_APP_SECURITY_SCOPES,
  [MICROSOFT_GRAPH_APP_ID]: MICROSOFT_GRAPH_SCOPES,
  [AZURE_SERVICE_MANAGEMENT_APP_ID]: AZURE_SERVICE_MANAGEMENT_SCOPES,
};

/**
 * The built-in public client that the admin center signs in with (docs/user-context.md): present
 * in every tenant with admin consent for the delegated scopes of both built-in resources.
 */
export const ADMIN_CENTER_APP_ID = 'c6e9b1a4-2f0d-4e7b-9a53-8d1f0e6b7c21';
export const ADMIN_CENTER_DISPLAY_NAME = 'Appwarden admin center';
/** The Azure CLI's public client id, which @azure/identity's user credentials use by default. */
export const AZURE_CLI_APP_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
