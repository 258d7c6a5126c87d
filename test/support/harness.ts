// The one test harness: every suite that needs an Appwarden gets it here, in one of three modes.
//
//   inProcess(options)    services + the Fastify app, no listener; requests go through `app.inject`.
//                         Frozen clock (T0 unless given). Seeds the demo tenants by default.
//   listening(options)    Appwarden as `appwarden serve --demo` runs, in this process: a real HTTPS
//                         listener on a free port with its own CA, demo tenants and data, background
//                         work running. For real clients (SDK, MSAL, CLI, raw sockets), jobs, syslog.
//   installation(...) +   `appwarden serve` in child processes sharing one prepared installation,
//   childProcess(...)     for cross-process tests (scale-out).
//
// Every mode makes a fresh data directory and picks the storage tier here, and nowhere else: SQLite
// in that directory, or, under STORE=postgres, a fresh schema of APPWARDEN_TEST_DATABASE_URL.
// Every mode gives tokenFor(permissions): a client-credentials token for Cloud App Security of an
// app granted exactly those permissions (no argument: the demo daemon, every role); listening()
// also gives a ready SDK client, api()/admin() requests and whenJobDone(), which awaits the job
// runner instead of polling. close() removes what the harness made. Suites never read or write
// process.env: options come in as arguments and the server gets an empty environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Agent, fetch as undiciFetch } from 'undici';
import { CLOUD_APP_SECURITY_APP_ID, CLOUD_APP_SECURITY_ROLES, type CloudAppsPermission } from '@appwarden/protocol';
import {
  ClientSecretCredential,
  CloudAppsClient,
  ManagementClient,
  type CloudAppsClientOptions,
  type CredentialOptions,
  type FetchLike,
} from '@appwarden/sdk';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig, type Config } from '../../packages/server/src/config.js';
import { loadDemoData, type LoadedCounts } from '../../packages/server/src/demo/load-cloudapps-data.js';
import { seedDemoIdentity, type DemoFile } from '../../packages/server/src/demo/seed-identity.js';
import { FrozenClock, type Clock } from '../../packages/server/src/clock.js';
import type { Tenant } from '../../packages/server/src/identity/tenant-service.js';
import type { StoreBackend } from '../../packages/server/src/store/backend.js';
import type { CounterStore, Stores } from '../../packages/server/src/store/interfaces.js';
import { sqliteBackend } from '../../packages/server/src/store/sqlite/index.js';
import { initializeInstallation, startServer, type RunningServer } from '../../packages/server/src/main.js';
import { createServices, type Services } from '../../packages/server/src/wiring.js';
import { httpsRequest, type HttpsResponse } from '../compat/https-client.js';
import { startChildServer, type ChildServer } from './child-server.js';
import { testDatabaseUrl } from './test-database.js';

export type { ChildServer } from './child-server.js';
export type { HttpsResponse } from '../compat/https-client.js';

/** The default frozen instant of inProcess(): 2025-03-01T12:00:00Z. */
export const T0 = Date.UTC(2025, 2, 1, 12, 0, 0);
export const OPERATOR_KEY = 'awop_test-operator-key-0123456789';
export const CAS_APP_ID = CLOUD_APP_SECURITY_APP_ID;
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Config options by their config.ts names; validated by loadConfig like a user's. */
export type ConfigOptions = Partial<Record<keyof Config, unknown>>;

/** The storage tier of this run: STORE=postgres, or SQLite. Suites ask here, not process.env. */
export const TIER: 'sqlite' | 'postgres' = process.env.STORE === 'postgres' ? 'postgres' : 'sqlite';

/** Where an Appwarden keeps its state: a data directory and, on the PostgreSQL tier, a schema. */
export interface Workspace {
  dataDir: string;
  /** A fresh PostgreSQL schema under STORE=postgres; undefined for SQLite in dataDir. */
  databaseUrl: string | undefined;
}

/** A fresh workspace on the tier of this run. */
export function workspace(prefix = 'aw-test-'): Workspace {
  return { dataDir: fs.mkdtempSync(path.join(os.tmpdir(), prefix)), databaseUrl: testDatabaseUrl() };
}

function removeWorkspace(ws: Workspace): void {
  fs.rmSync(ws.dataDir, { recursive: true, force: true });
}

/** Registers an app with exactly these Cloud App Security roles, consented, with a secret. */
async function grantedApp(services: Services, tenantId: string, permissions: readonly CloudAppsPermission[]) {
  const key = [...permissions].sort().join(',');
  const roleIds = CLOUD_APP_SECURITY_ROLES.filter((r) => permissions.includes(r.value as CloudAppsPermission)).map((r) => r.id);
  const created = await services.applications.create(tenantId, {
    displayName: `test app ${key || 'none'}`,
    requiredResourceAccess: roleIds.length
      ? [{ resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: roleIds.map((id) => ({ id, type: 'Role' })) }]
      : [],
  });
  const secret = await services.applications.addPassword(created, { displayName: 'test' });
  await services.servicePrincipals.grantAdminConsent(tenantId, created.appId);
  return { clientId: created.appId, clientSecret: secret.secretText };
}

function clientCredentialsForm(clientId: string, clientSecret: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    scope: `${CLOUD_APP_SECURITY_APP_ID}/.default`,
  }).toString();
}

/**
 * tokenFor() over any transport: tokens are cached per permission set, apps are made on demand.
 * `daemon` is the client used without permissions (the demo daemon, every role).
 */
function tokenSource(
  services: () => Services,
  tenantId: () => string,
  daemon: () => { clientId: string; clientSecret: string } | undefined,
  requestToken: (clientId: string, clientSecret: string) => Promise<string>,
) {
  const tokens = new Map<string, Promise<string>>();
  return (permissions?: readonly CloudAppsPermission[]): Promise<string> => {
    const key = permissions ? [...permissions].sort().join(',') : '*';
    let hit = tokens.get(key);
    if (!hit) {
      hit = (async () => {
        const d = permissions ? await grantedApp(services(), tenantId(), permissions) : daemon();
        if (!d) throw new Error('tokenFor() without permissions needs the demo daemon (seed: "demo")');
        return requestToken(d.clientId, d.clientSecret);
      })();
      // A failed request is not cached: the next call tries again.
      hit.catch(() => tokens.delete(key));
      tokens.set(key, hit);
    }
    return hit;
  };
}

// ---------------------------------------------------------------------------------------------
// storesOnly

export interface StoresHarness extends Workspace {
  stores: Stores;
  /** The backend's own counters (SQLite file beside the data, or PostgreSQL tables). */
  counters: CounterStore;
  close(): Promise<void>;
}

/** The stores alone on the tier of this run (store tests: no services, no app, no tenant). */
export async function storesOnly(options: { clock?: Clock; activityRetentionDays?: number } = {}): Promise<StoresHarness> {
  const ws = workspace('aw-stores-');
  // The backend is picked as wiring.ts picks it; the PostgreSQL driver is loaded only on that tier.
  const backend: StoreBackend = ws.databaseUrl
    ? (await import('../../packages/server/src/store/postgres/index.js')).postgresBackend
    : sqliteBackend;
  const opened = await backend.open({ dataDir: ws.dataDir, databaseUrl: ws.databaseUrl, ...options });
  return {
    ...ws,
    stores: opened.stores,
    counters: opened.counters,
    async close() {
      await opened.close();
      removeWorkspace(ws);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// inProcess

export interface InProcessOptions {
  /** Config options; the environment never leaks in. The Cloud Apps rate limit is off unless set here. */
  config?: ConfigOptions;
  /** A frozen clock, or the instant to freeze one at. Default: frozen at T0. */
  clock?: FrozenClock | number;
  /** Public origin (issuer base). Default https://localhost:8443. */
  origin?: string;
  /**
   * What the database holds before the test: the demo tenants Contoso and Fabrikam with their
   * management and daemon apps (default), a bare tenant named `contoso`, or nothing.
   */
  seed?: 'demo' | 'tenant' | 'none';
  /** Demo Cloud Apps data in Contoso (seed "demo"), generated with seed 7 up to an hour before the clock. */
  cloudApps?: { activities: number; alerts: number };
  /** Start on the state of a harness closed with keep (restart tests). */
  reuse?: Workspace;
  /** Default OPERATOR_KEY; null for none. */
  operatorKey?: string | null;
}

export interface InProcessHarness extends Workspace {
  app: FastifyInstance;
  services: Services;
  config: Config;
  clock: FrozenClock;
  /** The demo tenants' credentials (seed "demo"; reading it otherwise throws). */
  demo: DemoFile;
  /** Contoso (any seed but "none"; with "none", the tenant named contoso if the reused state has one). */
  tenant: Tenant;
  tenantId: string;
  /** What the cloudApps option loaded (reading it without that option throws). */
  counts: LoadedCounts;
  tokenFor(permissions?: readonly CloudAppsPermission[]): Promise<string>;
  /** Stops the app and the stores; removes the data unless kept for a restart. */
  close(options?: { keep?: boolean }): Promise<void>;
}

export async function inProcess(options: InProcessOptions = {}): Promise<InProcessHarness> {
  const ws = options.reuse ?? workspace('aw-inproc-');
  const clock = options.clock instanceof FrozenClock ? options.clock : new FrozenClock(options.clock ?? T0);
  const config = loadConfig(
    { dataDir: ws.dataDir, databaseUrl: ws.databaseUrl, port: 0, logLevel: 'silent', rateLimitPerMinute: 0, ...options.config },
    {},
  );
  const services = await createServices(config, { clock, env: {}, origin: options.origin ?? 'https://localhost:8443' });
  const seed = options.seed ?? 'demo';
  let demo: DemoFile | undefined;
  let tenant: Tenant | undefined;
  let counts: LoadedCounts | undefined;
  if (seed === 'demo') {
    demo = await seedDemoIdentity(services, ws.dataDir);
    tenant = (await services.tenants.find(demo.tenants.contoso.tenantId))!;
    if (options.cloudApps) {
      counts = await loadDemoData(services.stores, tenant.id, {
        ...options.cloudApps,
        seed: 7,
        endTime: clock.now() - 3_600_000,
        domain: demo.tenants.contoso.domain,
      });
    }
  } else if (seed === 'tenant') {
    tenant = await services.tenants.create({ name: 'contoso', displayName: 'Contoso' });
  } else {
    tenant = await services.tenants.find('contoso');
  }
  const operatorKey = options.operatorKey === undefined ? OPERATOR_KEY : (options.operatorKey ?? undefined);
  const app = await buildApp({ services, ...(operatorKey ? { operatorKey } : {}), logger: false });
  const tenantId = () => {
    if (!tenant) throw new Error('this harness has no tenant (seed: "none")');
    return tenant.id;
  };
  const tokenFor = tokenSource(
    () => services,
    tenantId,
    () => demo?.tenants.contoso.daemon,
    async (clientId, clientSecret) => {
      const res = await app.inject({
        method: 'POST',
        url: `/${tenantId()}/oauth2/v2.0/token`,
        payload: clientCredentialsForm(clientId, clientSecret),
        headers: { 'content-type': FORM_CONTENT_TYPE },
      });
      if (res.statusCode !== 200) throw new Error(`token request failed: ${res.body}`);
      return (res.json() as { access_token: string }).access_token;
    },
  );
  return {
    ...ws,
    app,
    services,
    config,
    clock,
    get demo() {
      if (!demo) throw new Error('this harness has no demo tenants (seed: "demo")');
      return demo;
    },
    get tenant() {
      tenantId();
      return tenant!;
    },
    get tenantId() {
      return tenantId();
    },
    get counts() {
      if (!counts) throw new Error('this harness loaded no Cloud Apps data (option cloudApps)');
      return counts;
    },
    tokenFor,
    async close(closeOptions = {}) {
      await app.close();
      await services.close();
      if (!closeOptions.keep) removeWorkspace(ws);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// listening

export interface ListeningOptions {
  /** Config options on top of `serve --demo` on a free port with silent logs (defaults otherwise: the rate limit is on). */
  config?: ConfigOptions;
  /** A new tenant without data, with its own daemon app (every role), instead of Contoso. */
  freshTenant?: string;
  /** Fastify logger; false for none (default: pino at config.logLevel). */
  logger?: false;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Bearer token; the demo daemon's when omitted and no authorization header is given. */
  token?: string;
}

export interface ListeningHarness extends Workspace {
  server: RunningServer;
  services: Services;
  url: string;
  /** PEM of the server's CA, and its file (`<data-dir>/ca.pem`). */
  ca: string;
  caPath: string;
  demo: DemoFile;
  operatorKey: string;
  /** Contoso, or the fresh tenant. */
  tenantId: string;
  /** The client of client(): Contoso's demo daemon or the fresh tenant's. */
  daemon: { clientId: string; clientSecret: string };
  /** fetch that trusts the server's CA. */
  fetch: FetchLike;
  tokenFor(permissions?: readonly CloudAppsPermission[]): Promise<string>;
  /** A ready SDK client of the daemon. */
  client(options?: CloudAppsClientOptions, credentialOptions?: CredentialOptions): CloudAppsClient;
  /** One HTTPS request (no client magic: what curl --cacert sends). */
  request(method: string, pathname: string, options?: RequestOptions): Promise<HttpsResponse>;
  /** A Cloud Apps API request as the daemon (JSON body). */
  api(method: string, pathname: string, body?: unknown, headers?: Record<string, string>): Promise<HttpsResponse>;
  /** A request with the operator key. */
  admin(method: string, pathname: string, body?: unknown): Promise<HttpsResponse>;
  /** The tenant's Cloud Apps administration (/admin/tenants/<tenant>/cloud-apps...), JSON or throws. */
  cloudAppsAdmin(method: string, subpath: string, body?: unknown): Promise<Record<string, unknown>>;
  /** POSTs a form. */
  postForm(pathname: string, form: Record<string, string> | string, headers?: Record<string, string>): Promise<HttpsResponse>;
  get(pathname: string, headers?: Record<string, string>): Promise<HttpsResponse>;
  /** The management API with a bearer token, or with the operator key plus a tenant. */
  graph(method: string, pathname: string, auth: GraphAuth, body?: unknown): Promise<HttpsResponse>;
  /** A management-client Graph token of a demo tenant. */
  graphToken(tenant: 'contoso' | 'fabrikam'): Promise<string>;
  /** Awaits the job runner until the upload job has finished, then returns the job as the API shows it. */
  whenJobDone(jobId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export type GraphAuth = { token: string } | { operatorTenant: string };

export async function listening(options: ListeningOptions = {}): Promise<ListeningHarness> {
  const ws = workspace('aw-live-');
  const server = await startServer({
    options: {
      dataDir: ws.dataDir,
      databaseUrl: ws.databaseUrl,
      port: 0,
      demo: true,
      logLevel: 'silent',
      ...options.config,
    },
    env: {},
    ...(options.logger === false ? { logger: false } : {}),
  });
  const { url, caPem: ca, caPath, operatorKey, services } = server;
  const demo = server.demo!;
  const agent = new Agent({ connect: { ca } });
  const fetchImpl = ((input: string, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent } as never)) as unknown as FetchLike;
  let tenantId = demo.tenants.contoso.tenantId;
  let daemon = demo.tenants.contoso.daemon!;
  if (options.freshTenant) {
    const op = new ManagementClient(url, { operatorKey }, { fetch: fetchImpl });
    const tenant = await op.createTenant(options.freshTenant);
    const m = new ManagementClient(url, { operatorKey, tenant: tenant.tenantId! }, { fetch: fetchImpl });
    const app = await m.createApplication({
      displayName: 'SDK test daemon',
      requiredResourceAccess: [
        { resourceAppId: CLOUD_APP_SECURITY_APP_ID, resourceAccess: CLOUD_APP_SECURITY_ROLES.map((r) => ({ id: r.id, type: 'Role' })) },
      ],
    });
    await m.createServicePrincipal(String(app.appId));
    const secret = await m.addPassword(app.id);
    await m.grantAdminConsent(String(app.appId));
    tenantId = tenant.tenantId!;
    daemon = { clientId: String(app.appId), clientSecret: secret.secretText };
  }
  const request: ListeningHarness['request'] = (method, pathname, req = {}) => {
    const headers: Record<string, string> = {};
    if (req.body !== undefined && typeof req.body !== 'string') headers['content-type'] = 'application/json';
    Object.assign(headers, req.headers);
    return httpsRequest(url + pathname, {
      ca,
      method,
      headers,
      ...(req.body !== undefined ? { body: typeof req.body === 'string' ? req.body : JSON.stringify(req.body) } : {}),
    });
  };
  const postForm: ListeningHarness['postForm'] = (pathname, form, headers = {}) =>
    request('POST', pathname, {
      headers: { 'content-type': FORM_CONTENT_TYPE, ...headers },
      body: typeof form === 'string' ? form : new URLSearchParams(form).toString(),
    });
  const tokenFor = tokenSource(
    () => services,
    () => tenantId,
    () => daemon,
    async (clientId, clientSecret) => {
      const res = await postForm(`/${tenantId}/oauth2/v2.0/token`, clientCredentialsForm(clientId, clientSecret));
      if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
      return res.json<{ access_token: string }>().access_token;
    },
  );
  const graphTokens = new Map<string, string>();
  const self: ListeningHarness = {
    ...ws,
    server,
    services,
    url,
    ca,
    caPath,
    demo,
    operatorKey,
    tenantId,
    daemon,
    fetch: fetchImpl,
    tokenFor,
    client(clientOptions = {}, credentialOptions = {}) {
      const credential = new ClientSecretCredential(tenantId, daemon.clientId, daemon.clientSecret, {
        authorityHost: url,
        fetch: fetchImpl,
        ...credentialOptions,
      });
      return new CloudAppsClient(url, credential, { fetch: fetchImpl, ...clientOptions });
    },
    request,
    api: async (method, pathname, body, headers = {}) =>
      request(method, pathname, { body, headers: { ...bearer(await tokenFor()), ...headers } }),
    admin: (method, pathname, body) => request(method, pathname, { body, headers: bearer(operatorKey) }),
    async cloudAppsAdmin(method, subpath, body) {
      const res = await request(method, `/admin/tenants/${tenantId}/cloud-apps${subpath}`, { body, headers: bearer(operatorKey) });
      if (res.status < 200 || res.status > 299) throw new Error(`admin ${method} ${subpath} → ${res.status}: ${res.text}`);
      return res.text ? res.json() : {};
    },
    postForm,
    get: (pathname, headers = {}) => request('GET', pathname, { headers }),
    graph(method, pathname, auth, body) {
      const headers: Record<string, string> =
        'token' in auth ? bearer(auth.token) : { ...bearer(operatorKey), 'x-appwarden-tenant': auth.operatorTenant };
      return request(method, pathname, { headers, body });
    },
    async graphToken(tenant) {
      const cached = graphTokens.get(tenant);
      if (cached) return cached;
      const t = demo.tenants[tenant];
      const res = await postForm(`/${t.tenantId}/oauth2/v2.0/token`, {
        grant_type: 'client_credentials',
        client_id: t.management.clientId,
        client_secret: t.management.clientSecret,
        scope: 'https://graph.microsoft.com/.default',
      });
      if (res.status !== 200) throw new Error(`management token for ${tenant}: ${res.status} ${res.text}`);
      const token = res.json<{ access_token: string }>().access_token;
      graphTokens.set(tenant, token);
      return token;
    },
    async whenJobDone(jobId) {
      await services.discovery.jobs.whenDone(tenantId, jobId);
      const res = await self.api('GET', `/api/v1/discovery/upload_jobs/${jobId}/`);
      if (res.status !== 200) throw new Error(`job status: ${res.status} ${res.text}`);
      return res.json();
    },
    async close() {
      await agent.destroy(); // not close(): it would wait for any response body a test left unread
      await server.close();
      removeWorkspace(ws);
    },
  };
  return self;
}

// ---------------------------------------------------------------------------------------------
// child processes

export interface Installation extends Workspace {
  demo: DemoFile;
  /** PEM of the installation's CA. */
  ca: string;
  /** The environment a child `appwarden serve` of this installation needs. */
  env: Record<string, string>;
  /** Runs fn on the installation's services (this process), then closes them. */
  withServices<T>(fn: (services: Services) => Promise<T>): Promise<T>;
  /** An app with exactly these permissions in a demo tenant, consented, with a secret. */
  grantedApp(tenantId: string, permissions: readonly CloudAppsPermission[]): Promise<{ clientId: string; clientSecret: string }>;
  /** The operator key the installation generated (`<data-dir>/operator.key`). */
  operatorKey(): string;
  remove(): void;
}

/** Redis for shared counters when the run provides one (APPWARDEN_TEST_REDIS_URL), else undefined. */
export const TEST_REDIS_URL: string | undefined = process.env.APPWARDEN_TEST_REDIS_URL || undefined;

/**
 * A prepared installation (`--demo`: tenants, keys, CA) that child processes then serve. `redis`:
 * the children share counters in TEST_REDIS_URL when the run has one.
 */
export async function installation(
  options: { publicUrl?: string; redis?: boolean; env?: Record<string, string> } = {},
): Promise<Installation> {
  const ws = workspace('aw-install-');
  const base = { dataDir: ws.dataDir, databaseUrl: ws.databaseUrl, logLevel: 'silent' };
  const prepared = await initializeInstallation({
    options: { ...base, demo: true, ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) },
    env: {},
  });
  const withServices: Installation['withServices'] = async (fn) => {
    const services = await createServices(loadConfig(base, {}), { env: {} });
    try {
      return await fn(services);
    } finally {
      await services.close();
    }
  };
  return {
    ...ws,
    demo: prepared.demo!,
    ca: fs.readFileSync(path.join(ws.dataDir, 'ca.pem'), 'utf8'),
    env: {
      APPWARDEN_DATA_DIR: ws.dataDir,
      ...(options.publicUrl ? { APPWARDEN_PUBLIC_URL: options.publicUrl } : {}),
      ...(ws.databaseUrl ? { DATABASE_URL: ws.databaseUrl } : {}),
      ...(options.redis && TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
      ...options.env,
    },
    withServices,
    grantedApp: (tenantId, permissions) => withServices((services) => grantedApp(services, tenantId, permissions)),
    operatorKey: () => fs.readFileSync(path.join(ws.dataDir, 'operator.key'), 'utf8').trim(),
    remove: () => removeWorkspace(ws),
  };
}

/** `appwarden serve <args>` of the installation in its own process; resolves once it listens. */
export function childProcess(install: Installation, args: string[] = [], env: Record<string, string> = {}): Promise<ChildServer> {
  return startChildServer(args, { ...install.env, ...env });
}
