import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES, MICROSOFT_GRAPH_APP_ID, MICROSOFT_GRAPH_ROLES } from '@appwarden/protocol';
import { hashPassword } from '../identity/password-hashing.js';
import type { Services } from '../wiring.js';

export interface DemoCredentials {
  tenantId: string;
  domain: string;
  admin: { username: string; password: string };
  management: { clientId: string; clientSecret: string };
  daemon?: { clientId: string; clientSecret: string };
}

export interface DemoFile {
  tenants: { contoso: DemoCredentials; fabrikam: DemoCredentials };
}

const MANAGEMENT_ROLES = ['Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'];

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
    if (await services.tenants.getById(existing.tenants.contoso.tenantId)) return existing;
  }
  const contoso = await seedTenant(services, 'contoso', 'Contoso', true);
  const fabrikam = await seedTenant(services, 'fabrikam', 'Fabrikam', false);
  const demo: DemoFile = { tenants: { contoso, fabrikam } };
  fs.writeFileSync(file, JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return demo;
}
