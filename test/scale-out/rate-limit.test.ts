import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES, type CloudAppsPermission } from '@appwarden/protocol';
import type { DemoFile } from '../../packages/server/src/demo/seed-identity.js';
import { childProcess, installation, type ChildServer, type Installation } from '../support/harness.js';

/**
 * The per-tenant Cloud Apps rate limit holds across two processes sharing one installation
 * (PostgreSQL counters, or the SQLite counters file; Redis when APPWARDEN_TEST_REDIS_URL is set).
 */
const LIMIT = 8;
let install: Installation;
let a: ChildServer;
let b: ChildServer;
let demo: DemoFile;
let dispatcher: Agent;
/** Cloud Apps daemons of the two demo tenants (Fabrikam gets one here). */
const daemons: Record<string, { tenantId: string; clientId: string; clientSecret: string }> = {};

beforeAll(async () => {
  install = await installation({ publicUrl: 'https://appwarden.test', redis: true });
  demo = install.demo;
  daemons.contoso = { tenantId: demo.tenants.contoso.tenantId, ...demo.tenants.contoso.daemon! };
  const fabrikam = demo.tenants.fabrikam.tenantId;
  const every = CLOUD_APP_SECURITY_ROLES.map((r) => r.value as CloudAppsPermission);
  daemons.fabrikam = { tenantId: fabrikam, ...(await install.grantedApp(fabrikam, every)) };
  const args = ['--rate-limit-per-minute', String(LIMIT)];
  [a, b] = await Promise.all([childProcess(install, args), childProcess(install, args)]);
  dispatcher = new Agent({ connect: { ca: install.ca } });
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await dispatcher?.close();
  install?.remove();
});

async function bearer(tenant: 'contoso' | 'fabrikam'): Promise<string> {
  const t = daemons[tenant]!;
  const res = await fetch(`${a.url}/${t.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.clientId,
      client_secret: t.clientSecret,
      scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
    }),
    dispatcher,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Alternates A and B until 2 × LIMIT requests; returns the status codes and whether a minute ended meanwhile. */
async function burst(token: string): Promise<{ codes: number[]; retryAfter: string[]; sameMinute: boolean }> {
  const minute = () => Math.floor(Date.now() / 60_000);
  const start = minute();
  const codes: number[] = [];
  const retryAfter: string[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const base = i % 2 === 0 ? a.url : b.url;
    const res = await fetch(`${base}/api/v1/alerts/?limit=1`, { headers: { authorization: `Bearer ${token}` }, dispatcher });
    await res.arrayBuffer();
    codes.push(res.status);
    if (res.status === 429) retryAfter.push(res.headers.get('retry-after') ?? '');
  }
  return { codes, retryAfter, sameMinute: minute() === start };
}

describe('two processes, one installation: Cloud Apps rate limit', () => {
  it('counts one tenant’s requests on A and B against one limit per minute', async () => {
    // A minute boundary inside the burst resets the count: then the other tenant, whose counter
    // is untouched, tries again in the new minute (a burst takes well under a minute).
    let r = await burst(await bearer('contoso'));
    if (!r.sameMinute) r = await burst(await bearer('fabrikam'));
    expect(r.sameMinute).toBe(true);
    expect(r.codes.filter((c) => c === 200)).toHaveLength(LIMIT);
    expect(r.codes.slice(0, LIMIT).every((c) => c === 200)).toBe(true);
    // Both processes refuse once the shared count is over, each with a Retry-After.
    expect(r.codes.slice(LIMIT)).toEqual(Array.from({ length: LIMIT }, () => 429));
    expect(r.retryAfter.every((s) => Number(s) >= 1 && Number(s) <= 60)).toBe(true);
  });
});
