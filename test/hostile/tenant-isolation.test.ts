// Tenant isolation as a property: three tenants run random sequences of operations (apps, secrets,
// consent, Cloud Apps imports, alert state, IP ranges, uploads) and random reads of every list;
// no answer to one tenant ever contains an id (or a secret) that another tenant created, and a
// tenant that asks for another's object by id gets the area's 404. Fixed seed in short mode.
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES } from '@appwarden/protocol';
import { bearer, FORM_CONTENT_TYPE, inProcess, OPERATOR_KEY, type InProcessHarness } from '../support/harness.js';
import { budgetMs, fcParams, runs, SEED } from './hostile-mode.js';

interface TenantCtx {
  name: string;
  id: string;
  cas: string;
  /** Graph auth headers (a management token, or the operator key for the tenant). */
  graph: Record<string, string>;
  /** Everything this tenant created: ids and secrets that no other tenant may ever see. */
  created: Set<string>;
  apps: string[];
  alerts: string[];
  subnets: string[];
}

let h: InProcessHarness;
const tenants: TenantCtx[] = [];
let counter = 0;

async function token(tenantId: string, clientId: string, clientSecret: string, scope: string): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: `/${tenantId}/oauth2/v2.0/token`,
    headers: { 'content-type': FORM_CONTENT_TYPE },
    payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ access_token: string }>().access_token;
}

/** A daemon of every Cloud Apps role in the tenant, made through the services as an operator would. */
async function daemonToken(tenantId: string): Promise<string> {
  const app = await h.services.applications.create(tenantId, {
    displayName: 'isolation daemon',
    requiredResourceAccess: [
      { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: CLOUD_APP_SECURITY_ROLES.map((r) => ({ id: r.id, type: 'Role' })) },
    ],
  });
  const secret = await h.services.applications.addPassword(app, { displayName: 'd' });
  await h.services.servicePrincipals.grantAdminConsent(tenantId, app.appId);
  return token(tenantId, app.appId, secret.secretText, `${CLOUD_APP_SECURITY_APP_ID}/.default`);
}

beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 20, alerts: 10 } });
  for (const name of ['contoso', 'fabrikam'] as const) {
    const t = h.demo.tenants[name];
    tenants.push({
      name,
      id: t.tenantId,
      cas: await daemonToken(t.tenantId),
      graph: bearer(await token(t.tenantId, t.management.clientId, t.management.clientSecret, 'https://graph.microsoft.com/.default')),
      created: new Set(),
      apps: [],
      alerts: [],
      subnets: [],
    });
  }
  // A third tenant, made the way an operator makes one, with a daemon of every Cloud Apps role.
  const third = await h.services.tenants.create({ name: 'tailspin', displayName: 'Tailspin' });
  tenants.push({
    name: 'tailspin',
    id: third.id,
    cas: await daemonToken(third.id),
    graph: { ...bearer(OPERATOR_KEY), 'x-appwarden-tenant': third.id },
    created: new Set(),
    apps: [],
    alerts: [],
    subnets: [],
  });
});
afterAll(() => h?.close());

async function call(
  t: TenantCtx,
  method: string,
  url: string,
  body?: unknown,
  area: 'graph' | 'cas' | 'operator' = url.startsWith('/v1.0') ? 'graph' : 'cas',
) {
  const auth = area === 'graph' ? t.graph : area === 'cas' ? bearer(t.cas) : bearer(OPERATOR_KEY);
  const res = await h.app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...auth,
      ...(typeof body === 'string'
        ? { 'content-type': 'application/x-ndjson' }
        : body !== undefined
          ? { 'content-type': 'application/json' }
          : {}),
    },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  expect(res.statusCode, `${t.name} ${method} ${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  return res;
}

/** The invariant: nothing another tenant created appears in what `t` was answered. */
function expectOwnOnly(t: TenantCtx, what: string, body: string): void {
  for (const o of tenants) {
    if (o === t) continue;
    for (const id of o.created) {
      if (body.includes(id)) throw new Error(`[hostile seed=${SEED}] ${t.name} saw ${o.name}'s ${id} in ${what}: ${body.slice(0, 400)}`);
    }
  }
}

const READS = [
  '/v1.0/applications?$top=999',
  '/v1.0/servicePrincipals?$top=999',
  '/v1.0/oauth2PermissionGrants',
  '/api/v1/alerts/',
  '/api/v1/activities/',
  '/api/v1/subnet/',
  '/api/v1/discovery/upload_jobs/',
  '/api/discovery/streams/',
  '/api/v1/discovery/data_sources/',
];

type Op =
  | { kind: 'app' | 'secret' | 'consent' | 'import' | 'alertState' | 'subnet' | 'upload' | 'peek'; tenant: number; pick: number }
  | { kind: 'read'; tenant: number; pick: number };

const squid = (ip: string) =>
  `${(Date.UTC(2025, 1, 28, 12) / 1000).toFixed(3)}    10 ${ip} TCP_TUNNEL/200 1000 CONNECT www.dropbox.com:443 u HIER_DIRECT/203.0.113.1 -\n`;

async function run(op: Op): Promise<void> {
  const t = tenants[op.tenant]!;
  const other = tenants[(op.tenant + 1 + (op.pick % 2)) % tenants.length]!;
  const n = ++counter;
  switch (op.kind) {
    case 'app': {
      const res = await call(t, 'POST', '/v1.0/applications', { displayName: `iso ${t.name} ${n}` });
      expect(res.statusCode, res.body).toBe(201);
      const app = res.json<{ id: string; appId: string }>();
      t.created.add(app.id).add(app.appId);
      t.apps.push(app.id);
      return;
    }
    case 'secret': {
      const id = t.apps[op.pick % Math.max(1, t.apps.length)];
      if (!id) return;
      const res = await call(t, 'POST', `/v1.0/applications/${id}/addPassword`, { passwordCredential: { displayName: 'iso' } });
      expect(res.statusCode, res.body).toBe(200);
      const cred = res.json<{ keyId: string; secretText: string }>();
      t.created.add(cred.keyId).add(cred.secretText);
      return;
    }
    case 'consent': {
      const id = t.apps[op.pick % Math.max(1, t.apps.length)];
      if (!id) return;
      const app = (await call(t, 'GET', `/v1.0/applications/${id}`)).json<{ appId: string }>();
      const res = await call(t, 'POST', '/v1.0/appwarden.adminConsent', { clientId: app.appId });
      if (res.statusCode < 300) t.created.add(res.json<{ servicePrincipal: { id: string } }>().servicePrincipal.id);
      return;
    }
    case 'import': {
      const id = crypto.randomBytes(12).toString('hex');
      const line = JSON.stringify({
        _id: id,
        timestamp: Date.UTC(2025, 1, 28),
        title: `iso ${t.name}`,
        severityValue: 1,
        entities: [{ id: 11161, label: 'Office 365', type: 'service' }],
      });
      const res = await call(t, 'POST', `/admin/tenants/${t.id}/cloud-apps/import/alerts`, line, 'operator');
      expect(res.statusCode, res.body).toBe(200);
      t.created.add(id);
      t.alerts.push(id);
      return;
    }
    case 'alertState': {
      const id = t.alerts[op.pick % Math.max(1, t.alerts.length)];
      if (!id) return;
      const res = await call(t, 'POST', '/api/v1/alerts/close_benign/', { filters: { id: { eq: [id] } }, comment: 'iso' });
      expect(res.statusCode, res.body).toBe(200);
      // Another tenant acting on t's alert by filter changes nothing of t's and learns nothing.
      const theirs = await call(other, 'POST', '/api/v1/alerts/resolve/', { filters: { id: { eq: [id] } }, comment: 'x' });
      // (the id it sent is echoed back as not found: it is the caller's own input, not a leak)
      expect(theirs.json<{ resolved?: number; alertsNotFound?: string[] }>(), `${other.name} resolving ${t.name}'s alert`).toMatchObject({
        resolved: 0,
        alertsNotFound: [id],
      });
      return;
    }
    case 'subnet': {
      const res = await call(t, 'POST', '/api/v1/subnet/create_rule/', {
        name: `iso-${t.name}-${n}`,
        category: 1,
        subnets: [`10.${op.tenant}.${n % 250}.0/24`],
      });
      expect(res.statusCode, res.body).toBe(200);
      const id = String(res.json<unknown>());
      t.created.add(id);
      t.subnets.push(id);
      return;
    }
    case 'upload': {
      const up = await call(t, 'GET', '/api/v1/discovery/upload_url/?filename=iso.log&source=SQUID_NATIVE');
      expect(up.statusCode, up.body).toBe(200);
      const url = new URL(up.json<{ url: string }>().url);
      const put = await h.app.inject({
        method: 'PUT',
        url: url.pathname + url.search,
        headers: { 'x-ms-blob-type': 'BlockBlob' },
        payload: squid(`10.9.${op.tenant}.${n % 250}`),
      });
      expect(put.statusCode, put.body).toBe(201);
      const done = await call(t, 'POST', '/api/v1/discovery/done_upload/', {
        uploadUrl: url.toString(),
        inputStreamName: `iso-${t.name}-${n}`,
      });
      expect(done.statusCode, done.body).toBe(200);
      const job = done.json<{ jobId: string; streamId: string }>();
      t.created.add(job.jobId).add(url.pathname.split('/').pop()!);
      return;
    }
    case 'peek': {
      // Direct reads of another tenant's objects by id: each area's 404, and nothing of theirs.
      const app = other.apps[op.pick % Math.max(1, other.apps.length)];
      const alert = other.alerts[op.pick % Math.max(1, other.alerts.length)];
      const subnet = other.subnets[op.pick % Math.max(1, other.subnets.length)];
      const tries = [
        app && ['/v1.0/applications/', app],
        alert && ['/api/v1/alerts/', alert],
        subnet && ['/api/v1/subnet/', subnet],
      ].filter(Boolean) as [string, string][];
      for (const [prefix, id] of tries) {
        const url = `${prefix}${id}${prefix.startsWith('/api') ? '/' : ''}`;
        const res = await call(t, 'GET', url);
        expect(res.statusCode, `${t.name} peeking at ${other.name}: ${url} ${res.body.slice(0, 200)}`).toBe(404);
        // The 404 may name the id that was asked for (the caller's own input); nothing else of theirs.
        expectOwnOnly(t, url, res.body.split(id).join(''));
      }
      return;
    }
    case 'read': {
      const url = READS[op.pick % READS.length]!;
      const res = await call(t, 'GET', url);
      expectOwnOnly(t, url, res.body);
      return;
    }
  }
}

const arbOp: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('app', 'secret', 'consent', 'import', 'alertState', 'subnet', 'upload', 'peek', 'read', 'read', 'read'),
  tenant: fc.integer({ min: 0, max: 2 }),
  pick: fc.nat({ max: 1000 }),
}) as fc.Arbitrary<Op>;

describe(`tenant isolation under random operations (seed ${SEED})`, () => {
  it("no tenant ever reads another tenant's ids or secrets", { timeout: budgetMs(90_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbOp, { minLength: 20, maxLength: 60 }), async (ops) => {
        for (const op of ops) await run(op);
        // Every tenant reads every list at the end of a sequence.
        for (const t of tenants) for (let i = 0; i < READS.length; i++) await run({ kind: 'read', tenant: tenants.indexOf(t), pick: i });
      }),
      fcParams(runs(4, 200)),
    );
    // The property can fail: something was created in every tenant and looked for.
    for (const t of tenants) expect(t.created.size, t.name).toBeGreaterThan(0);
  });
});
