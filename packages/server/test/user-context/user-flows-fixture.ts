import crypto from 'node:crypto';
import { CLOUD_APP_SECURITY_APP_ID, GLOBAL_ADMINISTRATOR, SECURITY_READER } from '@appwarden/protocol';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { FORM, IDENTITY } from '../identity/identity-fixture.js';

export const PASSWORD = 'Correct-Horse-9';

export interface UserFlowFixture extends InProcessHarness {
  /** A Global Administrator and a Security Reader of Contoso. */
  admin: { id: string; upn: string };
  reader: { id: string; upn: string };
  /** A public client (desktop + SPA redirect URIs) with admin consent for every Cloud App Security scope. */
  publicClient: { appId: string };
}

/** inProcess(IDENTITY) plus two users, and a public client consented for Cloud App Security's delegated scopes. */
export async function createUserFlowFixture(): Promise<UserFlowFixture> {
  const fx = await inProcess(IDENTITY);
  const mk = async (alias: string, role: string) => {
    const u = await fx.services.users.create(fx.tenant, {
      accountEnabled: true,
      displayName: alias,
      mailNickname: alias,
      userPrincipalName: `${alias}@contoso.onmicrosoft.com`,
      passwordProfile: { password: PASSWORD, forceChangePasswordNextSignIn: false },
    });
    await fx.services.directoryRoles.assign(fx.tenant.id, u.id, role);
    return { id: u.id, upn: u.userPrincipalName };
  };
  const admin = await mk('admin', GLOBAL_ADMINISTRATOR);
  const reader = await mk('reader', SECURITY_READER);
  const app = await fx.services.applications.create(fx.tenant.id, {
    displayName: 'Investigation script',
    publicClient: { redirectUris: ['http://localhost'] },
    spa: { redirectUris: ['https://spa.example/'] },
    isFallbackPublicClient: true,
    requiredResourceAccess: [
      {
        resourceAppId: CLOUD_APP_SECURITY_APP_ID,
        resourceAccess: [
          { id: '83bc8d83-2679-44ef-b813-d5f556fc4474', type: 'Scope' },
          { id: 'a832eaa3-0cfc-4a2b-9af1-27c5b092dd40', type: 'Scope' },
        ],
      },
    ],
  });
  const result = await fx.services.servicePrincipals.grantAdminConsent(fx.tenant.id, app.appId);
  await fx.services.permissionGrants.grantAdminConsent(fx.tenant.id, app, result.servicePrincipal.id);
  return Object.assign(fx, { admin, reader, publicClient: { appId: app.appId } });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = crypto.randomBytes(32).toString('base64url');
  return { verifier, challenge: crypto.createHash('sha256').update(verifier).digest('base64url') };
}

/** Drives the sign-in page like a browser (inject): GET authorize, POST credentials; returns the final response. */
export async function signInThroughPage(fx: InProcessHarness, authorizeUrl: string, username: string, password: string) {
  const page = await fx.app.inject({ method: 'GET', url: authorizeUrl });
  const flow = /name="flow" value="([^"]+)"/.exec(page.body)?.[1];
  if (!flow) return { page, final: page, cookie: undefined };
  const final = await fx.app.inject({
    method: 'POST',
    url: '/appwarden/sign-in',
    headers: FORM,
    payload: new URLSearchParams({ flow, username, password, decision: 'sign-in' }).toString(),
  });
  const setCookie = final.headers['set-cookie'];
  const cookie = typeof setCookie === 'string' ? setCookie.split(';')[0] : undefined;
  return { page, final, cookie };
}
