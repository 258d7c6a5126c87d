import {
  AZURE_SERVICE_MANAGEMENT_APP_ID,
  AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS,
  CLOUD_APP_SECURITY_APP_ID,
  MICROSOFT_GRAPH_APP_ID,
} from './well-known.js';

/** An application permission (app role) exposed by a resource, in Graph's `appRole` shape. */
export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
  allowedMemberTypes: string[];
  isEnabled: boolean;
  origin?: string;
}

export type CloudAppsPermission =
  'Investigation.read' | 'Investigation.manage' | 'Discovery.read' | 'Discovery.manage' | 'Settings.read' | 'Settings.manage';

const appRole = (id: string, value: string, displayName: string, description: string): AppRole => ({
  id,
  value,
  displayName,
  description,
  allowedMemberTypes: ['Application'],
  isEnabled: true,
  origin: 'Application',
});

/**
 * The six application permissions of "Microsoft Cloud App Security", described as in Microsoft's
 * "application context" guide. The role ids are Appwarden's own, stable across installations.
 */
export const CLOUD_APP_SECURITY_ROLES: readonly AppRole[] = [
  appRole(
    'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0001',
    'Investigation.read',
    'Investigation.read',
    'Perform all supported actions on activities and alerts except closing alerts. View IP ranges but not add, update, or delete. Perform all entities actions.',
  ),
  appRole(
    'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0002',
    'Investigation.manage',
    'Investigation.manage',
    'Perform all Investigation.read actions in addition to managing alerts and IP ranges.',
  ),
  appRole(
    'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0003',
    'Discovery.read',
    'Discovery.read',
    'Perform all supported actions on activities and alerts except closing alerts. List discovery reports and categories.',
  ),
  appRole(
    'c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0004',
    'Discovery.manage',
    'Discovery.manage',
    'Discovery.read permissions; close alerts, upload discovery files, and generate block scripts.',
  ),
  appRole('c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0005', 'Settings.read', 'Settings.read', 'List IP ranges.'),
  appRole('c4c1e5a0-7a1b-4f7e-9a51-0c1b0e6a0006', 'Settings.manage', 'Settings.manage', 'List and manage IP ranges.'),
];

export type GraphPermission =
  | 'Application.Read.All'
  | 'Application.ReadWrite.All'
  | 'AppRoleAssignment.ReadWrite.All'
  | 'Organization.Read.All'
  | 'User.Read.All'
  | 'User.ReadWrite.All'
  | 'Directory.Read.All'
  | 'Directory.ReadWrite.All'
  | 'RoleManagement.ReadWrite.Directory'
  | 'DelegatedPermissionGrant.ReadWrite.All'
  | 'SecurityAlert.Read.All'
  | 'SecurityAlert.ReadWrite.All';

/** The Microsoft Graph application permissions that guard Appwarden's management API (Graph's own ids). */
export const MICROSOFT_GRAPH_ROLES: readonly AppRole[] = [
  appRole(
    '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
    'Application.Read.All',
    'Read all applications',
    'Allows the app to read all applications and service principals without a signed-in user.',
  ),
  appRole(
    '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
    'Application.ReadWrite.All',
    'Read and write all applications',
    'Allows the app to create, read, update and delete applications and service principals without a signed-in user.',
  ),
  appRole(
    '06b708a9-e830-4db3-a914-8e69da51d44f',
    'AppRoleAssignment.ReadWrite.All',
    'Manage app permission grants and app role assignments',
    'Allows the app to manage permission grants for application permissions to any API and app role assignments for any app, without a signed-in user.',
  ),
  appRole(
    '498476ce-e0fe-48b0-b801-37ba7e2685c6',
    'Organization.Read.All',
    'Read organization information',
    'Allows the app to read the organization and related resources, without a signed-in user.',
  ),
  // Users, directory roles and delegated grants (user context).
  appRole(
    'df021288-bdef-4463-88db-98f22de89214',
    'User.Read.All',
    "Read all users' full profiles",
    'Allows the app to read user profiles without a signed-in user.',
  ),
  appRole(
    '741f803b-c850-494e-b5df-cde7c675a1ca',
    'User.ReadWrite.All',
    "Read and write all users' full profiles",
    'Allows the app to read and update user profiles without a signed-in user.',
  ),
  appRole(
    '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
    'Directory.Read.All',
    'Read directory data',
    "Allows the app to read data in your organization's directory without a signed-in user.",
  ),
  appRole(
    '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
    'Directory.ReadWrite.All',
    'Read and write directory data',
    "Allows the app to read and write data in your organization's directory without a signed-in user.",
  ),
  appRole(
    '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8',
    'RoleManagement.ReadWrite.Directory',
    'Read and write all directory RBAC settings',
    'Allows the app to read and manage the role-based access control settings for your directory without a signed-in user.',
  ),
  appRole(
    '8e8e4742-1d95-4f68-9d56-6ee75648c72a',
    'DelegatedPermissionGrant.ReadWrite.All',
    'Manage all delegated permission grants',
    'Allows the app to manage permission grants for delegated permissions exposed by any API without a signed-in user.',
  ),
  // Security alerts (/v1.0/security/alerts_v2): the tenant's Defender for Cloud Apps alerts.
  appRole(
    '472e4a4d-bb4a-4026-98d1-0b0d74cb74a5',
    'SecurityAlert.Read.All',
    'Read all security alerts',
    'Allows the app to read all security alerts, without a signed-in user.',
  ),
  appRole(
    'ed4fca05-be46-441f-9803-1873825f8fdb',
    'SecurityAlert.ReadWrite.All',
    'Read and write to all security alerts',
    'Allows the app to read and write to all security alerts, without a signed-in user.',
  ),
];

export interface BuiltInResource {
  appId: string;
  displayName: string;
  identifierUris: string[];
  appRoles: readonly AppRole[];
  /** Access-token format for this resource: Microsoft's first-party APIs issue v1 tokens. */
  requestedAccessTokenVersion: 1 | 2;
}

export const BUILT_IN_RESOURCES: readonly BuiltInResource[] = [
  {
    appId: CLOUD_APP_SECURITY_APP_ID,
    displayName: 'Microsoft Cloud App Security',
    identifierUris: ['https://api.cloudappsecurity.com', 'https://portal.cloudappsecurity.com'],
    appRoles: CLOUD_APP_SECURITY_ROLES,
    requestedAccessTokenVersion: 1,
  },
  {
    appId: MICROSOFT_GRAPH_APP_ID,
    displayName: 'Microsoft Graph',
    identifierUris: ['https://graph.microsoft.com'],
    appRoles: MICROSOFT_GRAPH_ROLES,
    requestedAccessTokenVersion: 1,
  },
  {
    // Azure Resource Manager's audience: app-only tokens carry no roles (ARM authorizes with Azure
    // RBAC), delegated ones `scp: user_impersonation`.
    appId: AZURE_SERVICE_MANAGEMENT_APP_ID,
    displayName: 'Windows Azure Service Management API',
    identifierUris: [...AZURE_SERVICE_MANAGEMENT_IDENTIFIER_URIS],
    appRoles: [],
    requestedAccessTokenVersion: 1,
  },
];
