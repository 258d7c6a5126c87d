import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import type { InProcessHarness, InProcessOptions } from '../../../../test/support/harness.js';

/** A fixed instant for frozen-clock tests: 2025-03-10T09:00:00Z. */
export const T0 = Date.UTC(2025, 2, 10, 9, 0, 0);
export const ORIGIN = 'https://login.appwarden.test';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

/**
 * inProcess() options of the identity tests: a bare Contoso tenant, a clock frozen at T0, ORIGIN.
 * `inProcess({ ...IDENTITY, config: { ... } })`.
 */
export const IDENTITY = { seed: 'tenant', clock: T0, origin: ORIGIN } as const satisfies InProcessOptions;

export interface RegisteredClient {
  appId: string;
  objectId: string;
  secret: string;
  servicePrincipalId: string;
}

/** Registers a confidential client in a tenant with a secret, its service principal and, optionally, Cloud App Security roles. */
export async function registerClient(
  fx: InProcessHarness,
  options: { displayName?: string; casRoles?: string[]; tenantId?: string; signInAudience?: string; secretEnd?: string } = {},
): Promise<RegisteredClient> {
  const tenantId = options.tenantId ?? fx.tenant.id;
  const app = await fx.services.applications.create(tenantId, {
    displayName: options.displayName ?? 'Test daemon',
    ...(options.signInAudience ? { signInAudience: options.signInAudience } : {}),
  });
  const secret = await fx.services.applications.addPassword(app, options.secretEnd ? { endDateTime: options.secretEnd } : {});
  const sp = await fx.services.servicePrincipals.create(tenantId, app.appId);
  if (options.casRoles?.length) {
    const cas = (await fx.services.servicePrincipals.getByAppId(tenantId, CLOUD_APP_SECURITY_APP_ID))!;
    for (const value of options.casRoles) {
      const role = CLOUD_APP_SECURITY_ROLES.find((r) => r.value === value)!;
      await fx.services.servicePrincipals.assign(tenantId, { principalId: sp.id, resourceId: cas.id, appRoleId: role.id });
    }
  }
  return { appId: app.appId, objectId: app.id, secret: secret.secretText, servicePrincipalId: sp.id };
}

export interface InjectedResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  json: Record<string, unknown>;
}

/** POSTs a token request through the app (no network). */
export async function postToken(
  fx: InProcessHarness,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<InjectedResponse> {
  const res = await fx.app.inject({
    method: 'POST',
    url: path,
    headers: { ...FORM, ...headers },
    payload: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, headers: res.headers, json: res.json() as Record<string, unknown> };
}

/** The decoded header and payload of a compact JWS (no verification: tests verify separately). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}
