import { createCloudAppsRuntime, type CloudAppsRuntime } from './cloudapps/runtime.js';
import type { Config } from './config.js';
import { DetectionEngine } from './detection/engine.js';
import { DiscoveryRuntime } from './discovery/ingest/discovery-runtime.js';
import { AccessTokenVerifier } from './identity/access-token-verifier.js';
import { ApplicationService } from './identity/application-service.js';
import { DirectoryReadCache } from './identity/directory-read-cache.js';
import { ensureBuiltInApplications } from './identity/built-in-resources.js';
import { ensureFirstPartyApplications, ensureFirstPartyClients } from './identity/first-party-clients.js';
import { systemClock, type Clock } from './clock.js';
import { MasterKey } from './identity/master-key.js';
import { ServicePrincipalService } from './identity/service-principal-service.js';
import { SigningKeyService } from './identity/signing-keys.js';
import { TenantService } from './identity/tenant-service.js';
import { DirectoryRoleService } from './identity/users/directory-role-service.js';
import { PermissionGrantService } from './identity/users/permission-grant-service.js';
import { UserService } from './identity/users/user-service.js';
import { ClientAuthThrottle } from './identity/token/client-auth-throttle.js';
import { AdmissionGate } from './identity/token/admission-gate.js';
import { PASSWORD_CHECK_QUEUE_PER_SOURCE, PASSWORD_CHECKS_PER_SOURCE } from './identity/sign-in/credential-check.js';
import { ClientAuthenticator } from './identity/token/client-authentication.js';
import { SiemDelivery } from './siem/delivery.js';
import { SiemTargetService } from './siem/targets.js';
import type { StoreBackend } from './store/backend.js';
import { ensurePrivateDirectory } from './store/private-files.js';
import type { CounterStore, Stores } from './store/interfaces.js';

/** Everything the routes need. Built once per process by createServices. */
export interface Services {
  config: Config;
  clock: Clock;
  stores: Stores;
  master: MasterKey;
  tenants: TenantService;
  signingKeys: SigningKeyService;
  applications: ApplicationService;
  servicePrincipals: ServicePrincipalService;
  authenticator: ClientAuthenticator;
  throttle: ClientAuthThrottle;
  /** Per-tenant fairness on the token endpoint (in-flight slots and a bounded queue). */
  admission: AdmissionGate;
  /** Password checks (scrypt) per source address. */
  passwordChecks: AdmissionGate;
  /** Token-path directory reads, valid until the next database write. */
  directoryCache: DirectoryReadCache;
  verifier: AccessTokenVerifier;
  /** Cloud Apps API: legacy API tokens, tenant settings, rate limiter, fault injection. */
  cloudApps: CloudAppsRuntime;
  /** Cloud Discovery: IP-range lookups, uploads, jobs, syslog receivers (started by main.ts). */
  discovery: DiscoveryRuntime;
  /** Detection engine: evaluates stored activities once, raises alerts (started by main.ts). */
  detection: DetectionEngine;
  /** Rate-limit and lockout counters, shared by every process of the installation. */
  counters: CounterStore;
  /** User context: directory users, their directory roles, delegated permission grants. */
  users: UserService;
  directoryRoles: DirectoryRoleService;
  permissionGrants: PermissionGrantService;
  /** SIEM export: per-tenant targets and the delivery worker (started by main.ts; docs/siem.md). */
  siem: { targets: SiemTargetService; delivery: SiemDelivery };
  /** Public origin (scheme://host:port) used in issuers; set once the listener knows its port. */
  origin: { value: string };
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  origin?: string;
}

/** The composition root: the only place that picks a store backend. */
export async function createServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  // Owner-only before anything is written into it (docs/configuration.md, "Files in the data directory").
  ensurePrivateDirectory(config.dataDir);
  // A backend's driver is loaded only when configured: an embedded (SQLite) server does not pay
  // the PostgreSQL and Redis drivers' memory (measured: RSS after start 123-132 MB before, 105-116 MB after).
  const backend: StoreBackend = config.databaseUrl
    ? (await import('./store/postgres/index.js')).postgresBackend
    : (await import('./store/sqlite/index.js')).sqliteBackend;
  // Counters: Redis when configured, else the backend's, beside the data (docs/scale-out.md, "Shared counters").
  const redisCounters = config.redisUrl
    ? await new (await import('./store/redis/counter-store.js')).RedisCounterStore(config.redisUrl).connect()
    : undefined;
  const opened = await backend
    .open({
      dataDir: config.dataDir,
      databaseUrl: config.databaseUrl,
      activityRetentionDays: config.activityRetentionDays,
      clock,
      counters: redisCounters,
    })
    .catch(async (e: unknown) => {
      await redisCounters?.close();
      throw e;
    });
  const { stores, counters } = opened;
  const master = MasterKey.load(config.dataDir, options.env);
  const signingKeys = new SigningKeyService(stores.signingKeys, master, config, clock, stores.changeStamp);
  const tenants = new TenantService(stores, signingKeys, clock);
  const applications = new ApplicationService(stores, master, clock);
  const directoryCache = new DirectoryReadCache(() => stores.changeStamp());
  const origin = { value: options.origin ?? config.publicUrl ?? `https://localhost:${config.port}` };
  const servicePrincipals = new ServicePrincipalService(stores, applications, clock, origin);
  await ensureBuiltInApplications(stores, clock.now());
  await ensureFirstPartyApplications(stores, clock.now());
  for (const t of await stores.tenants.list()) await ensureFirstPartyClients(stores, t.id, clock.now());
  const discovery = new DiscoveryRuntime(stores, clock, {
    dataDir: config.dataDir,
    maxUploadBytes: config.discoveryMaxUploadBytes,
    stagingBytesPerTenant: config.discoveryStagingBytesPerTenant,
    syslogHost: config.discoverySyslogHost,
    syslogFlushMs: config.discoverySyslogFlushMs,
    ingestLimits: {
      maxLineBytes: config.discoveryMaxLineBytes,
      maxDecompressedBytes: config.discoveryMaxDecompressedBytes,
      maxCompressionRatio: config.discoveryMaxCompressionRatio,
    },
    syslogLimits: {
      maxPendingBytes: config.discoverySyslogMaxPendingBytes,
      maxTotalPendingBytes: config.discoverySyslogMaxTotalPendingBytes,
      senderBytesPerSecond: config.discoverySyslogSenderBytesPerSecond,
      maxConnections: config.discoverySyslogMaxConnections,
    },
    ftp: {
      host: config.discoveryFtpHost,
      port: config.discoveryFtpPort,
      ...(config.discoveryFtpPublicHost ? { publicHost: config.discoveryFtpPublicHost } : {}),
      passivePortMin: config.discoveryFtpPassivePortMin,
      passivePortMax: config.discoveryFtpPassivePortMax,
      maxFileBytes: config.discoveryFtpMaxFileBytes,
      quotaBytes: config.discoveryFtpQuotaBytes,
      maxConnections: config.discoveryFtpMaxConnections,
      maxConnectionsPerAddress: config.discoveryFtpMaxConnectionsPerAddress,
      loginFailures: config.discoveryFtpLoginFailures,
      lockoutMs: config.discoveryFtpLockoutSeconds * 1000,
    },
    secrets: master,
    earlyParse: config.discoveryEarlyParse,
    jobs: { maxAttempts: config.discoveryJobMaxClaims, timeBudgetMs: config.discoveryJobTimeBudgetSeconds * 1000 },
  });
  const siem = {
    targets: new SiemTargetService(
      stores,
      master,
      { maxTargetsPerTenant: config.siemMaxTargetsPerTenant, maxPendingPerTarget: config.siemMaxPendingPerTarget },
      () => clock.now(),
    ),
    delivery: new SiemDelivery(stores, master, {
      batchSize: config.siemBatchSize,
      pollMs: config.siemPollMs,
      retryBaseMs: config.siemRetryBaseMs,
      retryMaxMs: config.siemRetryMaxMs,
      sendTimeoutMs: config.siemSendTimeoutMs,
      origin: () => origin.value,
    }),
  };
  const cloudApps = createCloudAppsRuntime(stores, master, clock, counters);
  const detection = new DetectionEngine(stores, clock, async (tenantId) => (await cloudApps.settings.get(tenantId)).detection, {
    batchSize: config.detectionBatchSize,
    pollMs: config.detectionPollMs,
    maxAlertActivities: 1000,
  });
  return {
    config,
    clock,
    stores,
    master,
    tenants,
    signingKeys,
    applications,
    servicePrincipals,
    authenticator: new ClientAuthenticator(stores, master, clock, directoryCache),
    directoryCache,
    throttle: new ClientAuthThrottle(config.clientAuthFailuresPerMinute, clock, counters),
    admission: new AdmissionGate(config.tokenConcurrencyPerTenant, config.tokenQueuePerTenant, 'tenant'),
    passwordChecks: new AdmissionGate(PASSWORD_CHECKS_PER_SOURCE, PASSWORD_CHECK_QUEUE_PER_SOURCE, 'source'),
    verifier: new AccessTokenVerifier(tenants, signingKeys, clock, () => origin.value),
    cloudApps,
    detection,
    discovery,
    counters,
    users: new UserService(stores, clock),
    directoryRoles: new DirectoryRoleService(stores, clock),
    permissionGrants: new PermissionGrantService(stores, applications, clock),
    siem,
    origin,
    close: async () => {
      await siem.delivery.stop();
      await detection.stop();
      await discovery.stop();
      await opened.close();
    },
  };
}
