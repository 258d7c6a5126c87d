import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CLOUD_APP_SECURITY_APP_ID,
  CLOUD_APP_SECURITY_ROLES,
  DIRECTORY_ROLE_TEMPLATES,
  GLOBAL_ADMINISTRATOR,
  MICROSOFT_GRAPH_APP_ID,
  MICROSOFT_GRAPH_ROLES,
  SECURITY_ADMINISTRATOR,
  SECURITY_OPERATOR,
  SECURITY_READER,
} from '@appwarden/protocol';
import { hashPassword } from '../identity/password-hashing.js';
import type { Services } from '../wiring.js';

export interface DemoUser {
  username: string;
  password: string;
  displayName: string;
  /** Directory role display names (Entra's). */
  roles: string[];
}

export interface DemoCredentials {
  tenantId: string;
  domain: string;
  admin: { username: string; password: string };
  /** Users who sign in (user context), one per kind of Defender for Cloud Apps access. */
  users?: DemoUser[];
  management: { clientId: string; clientSecret: string };
  daemon?: { clientId: string; clientSecret: string };
}

export interface DemoFile {
  tenants: { contoso: DemoCredentials; fabrikam: DemoCredentials };
}

const MANAGEMENT_ROLES = [
  'Application.ReadWrite.All',
  'AppRoleAssignment.ReadWrite.All',
  'User.ReadWrite.All',
  'RoleManagement.ReadWrite.Directory',
  'DelegatedPermissionGrant.ReadWrite.All',
];

/** The demo's signed-in users: alias, display name and directory role, from full access to read-only. */
const DEMO_USERS: { alias: string; displayName: string; role: string }[] = [
  { alias: 'secadmin', displayName: 'Megan Bowen', role: SECURITY_ADMINISTRATOR },
  { alias: 'analyst', displayName: 'Alex Wilber', role: SECURITY_OPERATOR },
  { alias: 'reader', displayName: 'Lynne Robbins', role: SECURITY_READER },
];

function randomPassword(): string {
  return `Aw-${crypto.randomBytes(12).toString('base64url')}`;
}

async function createConsentedApp(
  services: Services,
  tenantId: string,
  displayName: string,
  resourceAppId: string,
  roleIds: string[],
): Promise<{ clientId: string; clientSecret: string }> {
  const app = await services.applications.create(tenantId, {
    displayName,
    requiredResourceAccess: [{ resourceAppId, resourceAccess: roleIds.map((id) => ({ id, type: 'Role' })) }],
  });
  const secret = await services.applications.addPassword(app, { displayName: 'demo' });
  await services.servicePrincipals.grantAdminConsent(tenantId, app.appId);
  return { clientId: app.appId, clientSecret: secret.secretText };
}

const roleName = (id: string) => DIRECTORY_ROLE_TEMPLATES.find((r) => r.id === id)!.displayName;

/** Seeds the signed-in users of a tenant and makes the administrator a Global Administrator. */
async function seedUsers(services: Services, creds: DemoCredentials): Promise<DemoUser[]> {
  const tenant = (await services.tenants.getById(creds.tenantId))!;
  const admin = await services.users.findBySignInName(creds.admin.username);
  if (admin && (await services.directoryRoles.roleTemplateIdsOf(tenant.id, admin.id)).length === 0) {
    await services.directoryRoles.assign(tenant.id, admin.id, GLOBAL_ADMINISTRATOR);
  }
  const out: DemoUser[] = [];
  for (const u of DEMO_USERS) {
    const password = randomPassword();
    const user = await services.users.create(tenant, {
      accountEnabled: true,
      displayName: u.displayName,
      mailNickname: u.alias,
      userPrincipalName: `${u.alias}@${tenant.domain}`,
      passwordProfile: { password, forceChangePasswordNextSignIn: false },
    });
    await services.directoryRoles.assign(tenant.id, user.id, u.role);
    out.push({ username: user.userPrincipalName, password, displayName: u.displayName, roles: [roleName(u.role)] });
  }
  return out;
}

async function seedTenant(services: Services, name: string, displayName: string, withDaemon: boolean): Promise<DemoCredentials> {
  const tenant = await services.tenants.create({ name, displayName });
  const admin = { username: `admin@${tenant.domain}`, password: randomPassword() };
  await services.stores.users.insert({
    id: crypto.randomUUID(),
    tenant_id: tenant.id,
    user_principal_name: admin.username,
    display_name: `${displayName} Administrator`,
    password_hash: await hashPassword(admin.password),
    created_at: services.clock.now(),
  });
  const graphRoleIds = MICROSOFT_GRAPH_ROLES.filter((r) => MANAGEMENT_ROLES.includes(r.value)).map((r) => r.id);
  const management = await createConsentedApp(
    services,
    tenant.id,
    `${displayName} management client`,
    MICROSOFT_GRAPH_APP_ID,
    graphRoleIds,
  );
  const creds: DemoCredentials = { tenantId: tenant.id, domain: tenant.domain, admin, management };
  creds.users = await seedUsers(services, creds);
  if (withDaemon) {
    creds.daemon = await createConsentedApp(
      services,
      tenant.id,
      'Contoso SIEM connector',
      CLOUD_APP_SECURITY_APP_ID,
      CLOUD_APP_SECURITY_ROLES.map((r) => r.id),
    );
  }
  return creds;
}

/**
 * Seeds Contoso (home) and Fabrikam (a customer tenant) once per data directory and writes their
 * credentials to `<data-dir>/demo.json` (mode 0600). Later starts reuse both, so secrets are
 * stable across restarts.
 */
export async function seedDemoIdentity(services: Services, dataDir: string): Promise<DemoFile> {
  const file = path.join(dataDir, 'demo.json');
  if (fs.existsSync(file)) {
    const existing = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoFile;
    if (await services.tenants.getById(existing.tenants.contoso.tenantId)) {
      // Data directories seeded before user context get their users on the next start.
      if (existing.tenants.contoso.users) return existing;
      for (const creds of [existing.tenants.contoso, existing.tenants.fabrikam]) creds.users = await seedUsers(services, creds);
      fs.writeFileSync(file, JSON.stringify(existing, null, 2) + '\n', { mode: 0o600 });
      return existing;
    }
  }
  const contoso = await seedTenant(services, 'contoso', 'Contoso', true);
  const fabrikam = await seedTenant(services, 'fabrikam', 'Fabrikam', false);
  const demo: DemoFile = { tenants: { contoso, fabrikam } };
  fs.writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return demo;
}
