import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { FrozenClock } from '../../src/clock.js';
import type { Tenant } from '../../src/identity/tenant-service.js';
import { createServices, type Services } from '../../src/wiring.js';
import { testDatabaseUrl } from '../../../../test/support/test-database.js';

/** A fixed instant for frozen-clock tests: 2025-03-10T09:00:00Z. */
export const T0 = Date.UTC(2025, 2, 10, 9, 0, 0);
export const ORIGIN = 'https://login.appwarden.test';
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' } as const;

export interface IdentityFixture {
  dataDir: string;
  /** PostgreSQL schema URL under STORE=postgres; undefined for SQLite in dataDir. */
  databaseUrl: string | undefined;
  clock: FrozenClock;
  config: Config;
  services: Services;
  app: FastifyInstance;
  tenant: Tenant;
  /** Stops the app and the stores, and deletes the data directory unless it is kept for a restart. */
  close(options?: { keepDataDir?: boolean }): Promise<void>;
}

export interface FixtureOptions {
  /** Reuse a data directory and database (restart tests); fresh ones otherwise. */
  dataDir?: string;
  databaseUrl?: string | undefined;
  clock?: FrozenClock;
  config?: Partial<Record<keyof Config, unknown>>;
  /** Create the Contoso tenant (default true); false when the data directory already has it. */
  createTenant?: boolean;
}

/**
 * The identity platform in-process: services over SQLite in a temp directory, a frozen clock, and
 * the Fastify app for `inject` (no listener). Environment variables never leak into the config.
 */
export async function createIdentityFixture(options: FixtureOptions = {}): Promise<IdentityFixture> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'appwarden-unit-'));
  const clock = options.clock ?? new FrozenClock(T0);
  const databaseUrl = 'databaseUrl' in options ? options.databaseUrl : testDatabaseUrl();
  const config = loadConfig({ dataDir, databaseUrl, port: 0, logLevel: 'silent', ...options.config }, {});
  const services = await createServices(config, { clock, env: {}, origin: ORIGIN });
  const app = await buildApp({ services, operatorKey: 'awop_unit-test-operator-key', logger: false });
  let tenant: Tenant;
  if (options.createTenant === false) {
    tenant = (await services.tenants.find('contoso'))!;
  } else {
    tenant = await services.tenants.create({ name: 'contoso', displayName: 'Contoso' });
  }
  return {
    dataDir,
    databaseUrl,
    clock,
    config,
    services,
    app,
    tenant,
    async close(closeOptions = {}) {
      await app.close();
      await services.close();
      if (!closeOptions.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface RegisteredClient {
  appId: string;
  objectId: string;
  secret: string;
  servicePrincipalId: string;
}

/** Registers a confidential client in a tenant with a secret, its service principal and, optionally, Cloud App Security roles. */
export async function registerClient(
  fx: IdentityFixture,
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
  fx: IdentityFixture,
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
