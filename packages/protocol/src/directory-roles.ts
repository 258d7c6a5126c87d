import type { CloudAppsEndpoint } from './cloudapps-permissions.js';
import { CLOUD_APPS_ENDPOINTS } from './cloudapps-permissions.js';

/** A built-in Entra directory role, by its template id (the same in every tenant). */
export interface DirectoryRoleTemplate {
  id: string;
  displayName: string;
  description: string;
}

const role = (id: string, displayName: string, description: string): DirectoryRoleTemplate => ({ id, displayName, description });

export const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
export const SECURITY_ADMINISTRATOR = '194ae4cb-b126-40b2-bd5b-6091b380977d';
export const CLOUD_APP_SECURITY_ADMINISTRATOR = '892c5842-a9a6-463a-8041-72aa08ca3cf6';
export const COMPLIANCE_ADMINISTRATOR = '17315797-102d-40b4-93e0-432062caca18';
export const COMPLIANCE_DATA_ADMINISTRATOR = 'e6d1a23a-da11-4be4-9570-befc86d067a7';
export const SECURITY_OPERATOR = '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f';
export const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
export const APPLICATION_ADMINISTRATOR = '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3';
export const CLOUD_APPLICATION_ADMINISTRATOR = '158c047a-c907-4556-b7ef-446551a6b5f7';
export const PRIVILEGED_ROLE_ADMINISTRATOR = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';

/** The directory roles Appwarden knows, with Entra's template ids and names (permissions-reference). */
export const DIRECTORY_ROLE_TEMPLATES: readonly DirectoryRoleTemplate[] = [
  role(
    GLOBAL_ADMINISTRATOR,
    'Global Administrator',
    'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
  ),
  role(
    SECURITY_ADMINISTRATOR,
    'Security Administrator',
    'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
  ),
  role(
    CLOUD_APP_SECURITY_ADMINISTRATOR,
    'Cloud App Security Administrator',
    'Can manage all aspects of the Defender for Cloud Apps product.',
  ),
  role(
    COMPLIANCE_ADMINISTRATOR,
    'Compliance Administrator',
    'Can read and manage compliance configuration and reports in Microsoft Entra ID and Microsoft 365.',
  ),
  role(COMPLIANCE_DATA_ADMINISTRATOR, 'Compliance Data Administrator', 'Creates and manages compliance content.'),
  role(SECURITY_OPERATOR, 'Security Operator', 'Creates and manages security events.'),
  role(SECURITY_READER, 'Security Reader', 'Can read security information and reports in Microsoft Entra ID and Office 365.'),
  role(GLOBAL_READER, 'Global Reader', 'Can read everything that a Global Administrator can, but not update anything.'),
  role(
    APPLICATION_ADMINISTRATOR,
    'Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps.',
  ),
  role(
    CLOUD_APPLICATION_ADMINISTRATOR,
    'Cloud Application Administrator',
    'Can create and manage all aspects of app registrations and enterprise apps except App Proxy.',
  ),
  role(
    PRIVILEGED_ROLE_ADMINISTRATOR,
    'Privileged Role Administrator',
    'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
  ),
  role(
    USER_ADMINISTRATOR,
    'User Administrator',
    'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
  ),
];

const READ: readonly CloudAppsEndpoint[] = [
  'alerts.list',
  'alerts.fetch',
  'alerts.read',
  'alerts.unread',
  'activities.list',
  'activities.fetch',
  'entities.list',
  'entities.fetch',
  'entities.tree',
  'discovery.streams',
  'discovery.categories',
  'files.list',
  'files.fetch',
  'policies.list',
  'policies.fetch',
];
const MANAGE_ALERTS: readonly CloudAppsEndpoint[] = ['alerts.close', 'activities.feedback'];
const READ_IP_RANGES: readonly CloudAppsEndpoint[] = ['subnet.list', 'subnet.fetch'];

/**
 * What each directory role may do in the Cloud Apps API when its holder calls with a delegated
 * token: Microsoft's "manage admins" matrix (reference user-context §1.3), mapped onto operations.
 * Which operation each matrix row covers is inferred (MDCA does not publish its mapping); so is
 * `activities.feedback` counting as alert management. Roles not listed have no Cloud Apps access.
 */
export const CLOUD_APPS_ROLE_ACCESS: Readonly<Record<string, readonly CloudAppsEndpoint[]>> = {
  [GLOBAL_ADMINISTRATOR]: CLOUD_APPS_ENDPOINTS,
  [SECURITY_ADMINISTRATOR]: CLOUD_APPS_ENDPOINTS,
  [CLOUD_APP_SECURITY_ADMINISTRATOR]: CLOUD_APPS_ENDPOINTS,
  [COMPLIANCE_ADMINISTRATOR]: [...READ, ...MANAGE_ALERTS, ...READ_IP_RANGES],
  [COMPLIANCE_DATA_ADMINISTRATOR]: [...READ, ...MANAGE_ALERTS, ...READ_IP_RANGES],
  [SECURITY_OPERATOR]: [...READ, ...MANAGE_ALERTS],
  [SECURITY_READER]: READ,
  [GLOBAL_READER]: [...READ, ...READ_IP_RANGES],
};

/** The Cloud Apps operations a user holding these directory roles may perform. */
export function cloudAppsAccessOfRoles(roleTemplateIds: Iterable<string>): Set<CloudAppsEndpoint> {
  const out = new Set<CloudAppsEndpoint>();
  for (const id of roleTemplateIds) for (const e of CLOUD_APPS_ROLE_ACCESS[id] ?? []) out.add(e);
  return out;
}

/**
 * Which Graph permissions a directory role lets its holder exercise through a delegated token
 * on the management API (the role half of Graph's "delegated permission AND role" rule).
 * Coarse and partly inferred from the roles' descriptions.
 */
export const GRAPH_ROLE_ACCESS: Readonly<Record<string, readonly string[]>> = {
  [GLOBAL_ADMINISTRATOR]: ['*'],
  [PRIVILEGED_ROLE_ADMINISTRATOR]: ['*'],
  [APPLICATION_ADMINISTRATOR]: [
    'Application.',
    'AppRoleAssignment.',
    'DelegatedPermissionGrant.',
    'Directory.Read',
    'User.Read',
    'Organization.Read',
  ],
  [CLOUD_APPLICATION_ADMINISTRATOR]: [
    'Application.',
    'AppRoleAssignment.',
    'DelegatedPermissionGrant.',
    'Directory.Read',
    'User.Read',
    'Organization.Read',
  ],
  [USER_ADMINISTRATOR]: ['User.', 'Directory.Read', 'Organization.Read', 'Application.Read'],
  [GLOBAL_READER]: ['Application.Read', 'Directory.Read', 'User.Read', 'Organization.Read', 'RoleManagement.Read', 'SecurityAlert.Read'],
  [SECURITY_ADMINISTRATOR]: [
    'Application.Read',
    'Directory.Read',
    'User.Read',
    'Organization.Read',
    'RoleManagement.Read',
    'SecurityAlert.',
  ],
  // Security alerts (alerts_v2): operators triage them, readers read them (inferred from the roles' descriptions).
  [SECURITY_OPERATOR]: ['SecurityAlert.'],
  [SECURITY_READER]: ['Application.Read', 'Directory.Read', 'User.Read', 'Organization.Read', 'RoleManagement.Read', 'SecurityAlert.Read'],
};

/** Whether any of the roles lets its holder exercise a Graph permission (prefix match on the table above). */
export function graphRoleAllows(roleTemplateIds: Iterable<string>, permission: string): boolean {
  for (const id of roleTemplateIds) {
    for (const p of GRAPH_ROLE_ACCESS[id] ?? []) {
      // `User.Read` covers `User.Read.All` but not `User.ReadWrite.All`; `Application.` covers the family.
      const next = permission.charAt(p.length);
      if (p === '*' || (permission.startsWith(p) && (p.endsWith('.') || next === '' || next === '.'))) return true;
    }
  }
  return false;
}
