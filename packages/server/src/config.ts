import { createRequire } from 'node:module';
import path from 'node:path';
import { AppError } from './http/errors.js';

/** Every server option, with its default. Parsed once at start and validated; see docs/configuration.md. */
export interface Config {
  /** Where SQLite, TLS material, the master key and demo.json live. */
  dataDir: string;
  /** Interface to listen on. */
  host: string;
  /** HTTPS port (MSAL and @azure/identity refuse plain-http authorities). 0 picks a free port. */
  port: number;
  /** Optional plain-HTTP port serving the same routes (for curl and health checks); off when undefined. */
  httpPort: number | undefined;
  /** Public origin used in issuers and discovery documents; default https://localhost:<port>. */
  publicUrl: string | undefined;
  /**
   * Further DNS names for the server certificate, besides localhost, the listen address and the
   * publicUrl host: names clients reach Appwarden by (e.g. the sign-in host an offline `az`
   * needs, docs/azure-cli.md). Comma-separated in the environment.
   */
  tlsHostnames: string[];
  /**
   * Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or CIDRs, or
   * `loopback`, `linklocal`, `uniquelocal`). Unset: off, the peer address is the client's.
   */
  trustProxy: string | undefined;
  /** Seed the Contoso and Fabrikam demo tenants on first start. */
  demo: boolean;
  /** PostgreSQL connection string; SQLite in dataDir when unset. */
  databaseUrl: string | undefined;
  /** Redis for the counters shared by processes (rate limits, lockouts); else the database holds them. */
  redisUrl: string | undefined;
  /** PostgreSQL: drop activity partitions (months) older than this many days; 0 keeps everything. */
  activityRetentionDays: number;
  /** pino log level. */
  logLevel: string;
  /**
   * Level of the per-request log lines: `debug` under `demo` unless a log level is given (the
   * banner stays readable; `--log-level info` brings the JSON lines back), else `info`.
   */
  requestLogLevel: 'info' | 'debug';
  /** Access-token lifetime in seconds counted from issue (Entra: 3600; `expires_in` shows 3599). */
  tokenLifetimeSeconds: number;
  /** Entra back-dates `iat`/`nbf` by about five minutes. */
  tokenBackdateSeconds: number;
  /** A signing key is replaced after this many days. */
  keyRotationDays: number;
  /** A new key is published this many hours before it starts signing. */
  keyPublishLeadHours: number;
  /** Failed client authentications per client per minute before a temporary lockout. */
  clientAuthFailuresPerMinute: number;
  /** Token requests of one tenant processed at once by this process; the next ones queue (issue 12). */
  tokenConcurrencyPerTenant: number;
  /** Token requests of one tenant waiting for a slot; past it 429 AADSTS50196 with Retry-After. */
  tokenQueuePerTenant: number;
  /** Default Cloud Apps API limit per tenant per minute; 0 turns throttling off. */
  rateLimitPerMinute: number;
  /** Largest accepted request body (JSON and form), in bytes. */
  bodyLimitBytes: number;
  /** Sockets open at once on a listener, over all clients. */
  maxConnections: number;
  /** Sockets open at once from one source (an IPv4 address, an IPv6 /64). */
  maxConnectionsPerAddress: number;
  /** Milliseconds a client has to finish the TLS handshake (Node's default is 120 s). */
  tlsHandshakeTimeoutMs: number;
  /** Milliseconds a client has to send a request's headers. */
  headersTimeoutMs: number;
  /** Milliseconds an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Largest Cloud Discovery log upload (one file, after any block commit), in bytes. Default 5 GiB. */
  discoveryMaxUploadBytes: number;
  /** Bytes one tenant's unprocessed uploads may hold staged on disk (blocks and blobs). Default 20 GiB. */
  discoveryStagingBytesPerTenant: number;
  /** Interface the syslog receivers of discovery data sources listen on. */
  discoverySyslogHost: string;
  /** Received syslog lines are parsed in batches at least this often (milliseconds). */
  discoverySyslogFlushMs: number;
  /** Parse an upload while it is received (the job then only finishes it). Default true. */
  discoveryEarlyParse: boolean;
  /** The admin center's built files (index.html, assets/); default: dist/ of the installed @appwarden/console. */
  consoleDir: string | undefined;
  // --- Cloud Discovery ingest limits (issue 12; see SECURITY.md and docs/configuration.md) ---
  /** Syslog: received, not yet parsed bytes one data source's receiver may hold; past it TCP pauses, UDP drops. */
  discoverySyslogMaxPendingBytes: number;
  /** Syslog: the same, for all receivers together. */
  discoverySyslogMaxTotalPendingBytes: number;
  /** Syslog: bytes per second one sender address may send to one receiver (TCP paused, UDP dropped past it); 0: unlimited. */
  discoverySyslogSenderBytesPerSecond: number;
  /** Syslog: TCP/TLS connections one receiver holds at once. */
  discoverySyslogMaxConnections: number;
  /** Longest log line parsed (uploads and syslog); longer lines are counted as failed and skipped. */
  discoveryMaxLineBytes: number;
  /** An upload's gzip / zip content may decompress to at most this many bytes in all. */
  discoveryMaxDecompressedBytes: number;
  /** ... and to at most this many times the compressed bytes read (checked past 16 MiB of output). */
  discoveryMaxCompressionRatio: number;
  /** Claims of one upload job: a job whose process died this many times while running it is quarantined (failed). */
  discoveryJobMaxClaims: number;
  /** Wall-clock budget of one run of an upload job, in seconds; past it the job fails. */
  discoveryJobTimeBudgetSeconds: number;
  // --- FTP/FTPS receivers of Cloud Discovery data sources (issue 13; docs/discovery.md) ---
  /** Interface the FTP server of ftp/ftps data sources listens on (opened once such a data source exists). */
  discoveryFtpHost: string;
  /** Its control port (0: an ephemeral port). */
  discoveryFtpPort: number;
  /** Host name shown in a data source's receiver details (what appliances connect to); default discoveryFtpHost. */
  discoveryFtpPublicHost: string | undefined;
  /** Passive data ports, lowest and highest (both 0: ephemeral ports). Open this range in firewalls. */
  discoveryFtpPassivePortMin: number;
  discoveryFtpPassivePortMax: number;
  /** Largest file one FTP upload may deliver (bigger transfers are cut and removed). */
  discoveryFtpMaxFileBytes: number;
  /** Bytes of one data source's FTP files received and not yet parsed; past it STOR answers 452. */
  discoveryFtpQuotaBytes: number;
  /** FTP control connections in all, and from one client address. */
  discoveryFtpMaxConnections: number;
  discoveryFtpMaxConnectionsPerAddress: number;
  /** Failed FTP logins of one (address, user) before it is locked (the address alone: five times this). */
  discoveryFtpLoginFailures: number;
  /** How long a locked FTP login stays locked, in seconds. */
  discoveryFtpLockoutSeconds: number;
  // --- SIEM export (issue 15; docs/siem.md) ---
  /** Export targets one tenant may have. */
  siemMaxTargetsPerTenant: number;
  /** Items one target's outbox holds; past it the oldest are dropped and counted. */
  siemMaxPendingPerTarget: number;
  /** Items sent per batch to one target (syslog lines; webhooks post one item per request). */
  siemBatchSize: number;
  /** How often the delivery worker looks for new items (milliseconds). */
  siemPollMs: number;
  /** First retry delay after a failed delivery (milliseconds); doubled per failure. */
  siemRetryBaseMs: number;
  /** Longest retry delay (milliseconds). */
  siemRetryMaxMs: number;
  /** Connect, write and webhook response timeout (milliseconds). */
  siemSendTimeoutMs: number;
  /** Detection engine: queued activities evaluated per tenant per transaction. */
  detectionBatchSize: number;
  /** Detection engine: how often an idle process looks for queued activities, in ms. */
  detectionPollMs: number;
}

export const DEFAULTS: Omit<Config, 'dataDir'> & { dataDir: string } = {
  dataDir: './.appwarden',
  host: '127.0.0.1',
  port: 8443,
  httpPort: undefined,
  publicUrl: undefined,
  tlsHostnames: [],
  trustProxy: undefined,
  demo: false,
  databaseUrl: undefined,
  redisUrl: undefined,
  activityRetentionDays: 0,
  logLevel: 'info',
  requestLogLevel: 'info',
  tokenLifetimeSeconds: 3600,
  tokenBackdateSeconds: 300,
  keyRotationDays: 30,
  keyPublishLeadHours: 24,
  clientAuthFailuresPerMinute: 20,
  tokenConcurrencyPerTenant: 4,
  tokenQueuePerTenant: 256,
  rateLimitPerMinute: 30,
  bodyLimitBytes: 1024 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 512,
  tlsHandshakeTimeoutMs: 10_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
  discoveryMaxUploadBytes: 5 * 1024 ** 3,
  discoveryStagingBytesPerTenant: 20 * 1024 ** 3,
  discoverySyslogHost: '127.0.0.1',
  discoverySyslogFlushMs: 5000,
  discoveryEarlyParse: true,
  consoleDir: undefined,
  discoverySyslogMaxPendingBytes: 16 * 1024 ** 2,
  discoverySyslogMaxTotalPendingBytes: 64 * 1024 ** 2,
  discoverySyslogSenderBytesPerSecond: 8 * 1024 ** 2,
  discoverySyslogMaxConnections: 256,
  discoveryFtpHost: '127.0.0.1',
  discoveryFtpPort: 2121,
  discoveryFtpPublicHost: undefined,
  discoveryFtpPassivePortMin: 0,
  discoveryFtpPassivePortMax: 0,
  discoveryFtpMaxFileBytes: 1024 ** 3,
  discoveryFtpQuotaBytes: 4 * 1024 ** 3,
  discoveryFtpMaxConnections: 64,
  discoveryFtpMaxConnectionsPerAddress: 8,
  discoveryFtpLoginFailures: 5,
  discoveryFtpLockoutSeconds: 900,
  discoveryMaxLineBytes: 64 * 1024,
  discoveryMaxDecompressedBytes: 64 * 1024 ** 3,
  discoveryMaxCompressionRatio: 1000,
  discoveryJobMaxClaims: 2,
  discoveryJobTimeBudgetSeconds: 3600,
  siemMaxTargetsPerTenant: 10,
  siemMaxPendingPerTarget: 100_000,
  siemBatchSize: 500,
  siemPollMs: 1000,
  siemRetryBaseMs: 1000,
  siemRetryMaxMs: 300_000,
  siemSendTimeoutMs: 10_000,
  detectionBatchSize: 2000,
  detectionPollMs: 250,
};

/** dist/ of the installed console package, or undefined when the package is not installed. */
export function installedConsoleDir(): string | undefined {
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@appwarden/console/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/** A setting that does not hold: the process refuses to start (code `invalid_config`). */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('invalid_config', 500, message);
  }
}

const ENV_PREFIX = 'APPWARDEN_';

/** The trustProxy list, checked: each entry an address, a CIDR or a proxy-addr range name. */
function trustedProxies(v: string | undefined): string | undefined {
  if (v === undefined || v.trim() === '' || /^(false|off|no|0)$/i.test(v.trim())) return undefined;
  const entries = v.split(',').map((e) => e.trim());
  for (const e of entries) {
    const ok = /^(loopback|linklocal|uniquelocal)$/.test(e) || (/^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(e) && /[.:]/.test(e));
    if (!ok) {
      throw new ConfigError(
        `trustProxy (${envName('trustProxy')}) must list proxy addresses or CIDRs (or loopback, linklocal, uniquelocal), got '${e}'`,
      );
    }
  }
  return entries.join(',');
}

/** Environment names: APPWARDEN_ + the option in SCREAMING_SNAKE_CASE (APPWARDEN_DATA_DIR, APPWARDEN_PORT...). */
export function envName(option: keyof Config): string {
  return ENV_PREFIX + option.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

type Raw = Partial<Record<keyof Config, unknown>>;

/**
 * Merge defaults < environment < explicit options, then validate. Unknown values fail loudly at
 * start rather than at first use.
 */
export function loadConfig(options: Raw = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (key: keyof Config): unknown => {
    if (options[key] !== undefined) return options[key];
    const fromEnv = env[envName(key)];
    if (key === 'databaseUrl' && fromEnv === undefined) return env.DATABASE_URL;
    if (key === 'redisUrl' && fromEnv === undefined) return env.REDIS_URL;
    return fromEnv;
  };
  const int = (key: keyof Config, min: number, max: number): number => {
    const v = pick(key);
    if (v === undefined || v === '') return DEFAULTS[key] as number;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${key} (${envName(key)}) must be an integer between ${min} and ${max}, got '${String(v)}'`);
    }
    return n;
  };
  const bool = (key: keyof Config): boolean => {
    const v = pick(key);
    if (v === undefined || v === '') return DEFAULTS[key] as boolean;
    if (typeof v === 'boolean') return v;
    if (/^(1|true|yes|on)$/i.test(String(v))) return true;
    if (/^(0|false|no|off)$/i.test(String(v))) return false;
    throw new ConfigError(`${key} (${envName(key)}) must be true or false, got '${String(v)}'`);
  };
  const str = (key: keyof Config): string | undefined => {
    const v = pick(key);
    return v === undefined || v === '' ? (DEFAULTS[key] as string | undefined) : String(v);
  };

  const hostnames = (key: keyof Config): string[] => {
    const v = pick(key);
    if (v === undefined || v === '') return [];
    const list = (Array.isArray(v) ? v.map(String) : String(v).split(',')).map((h) => h.trim().toLowerCase()).filter(Boolean);
    const bad = list.find((h) => !/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/.test(h));
    if (bad !== undefined) throw new ConfigError(`${key} (${envName(key)}) must list DNS names, got '${bad}'`);
    if (list.length > 20) throw new ConfigError(`${key} (${envName(key)}) lists at most 20 names`);
    return list;
  };
  const httpPortRaw = pick('httpPort');
  const demo = bool('demo');
  const logLevel = str('logLevel');
  const config: Config = {
    dataDir: path.resolve(str('dataDir') ?? DEFAULTS.dataDir),
    host: str('host') ?? DEFAULTS.host,
    port: int('port', 0, 65535),
    httpPort: httpPortRaw === undefined || httpPortRaw === '' ? undefined : int('httpPort', 0, 65535),
    publicUrl: str('publicUrl'),
    tlsHostnames: hostnames('tlsHostnames'),
    trustProxy: trustedProxies(str('trustProxy')),
    demo,
    databaseUrl: str('databaseUrl'),
    redisUrl: str('redisUrl'),
    activityRetentionDays: int('activityRetentionDays', 0, 36500),
    logLevel: logLevel ?? DEFAULTS.logLevel,
    requestLogLevel: demo && (pick('logLevel') ?? '') === '' ? 'debug' : 'info',
    tokenLifetimeSeconds: int('tokenLifetimeSeconds', 300, 86400),
    tokenBackdateSeconds: int('tokenBackdateSeconds', 0, 600),
    keyRotationDays: int('keyRotationDays', 1, 3650),
    keyPublishLeadHours: int('keyPublishLeadHours', 0, 24 * 30),
    clientAuthFailuresPerMinute: int('clientAuthFailuresPerMinute', 1, 100000),
    tokenConcurrencyPerTenant: int('tokenConcurrencyPerTenant', 1, 1000),
    tokenQueuePerTenant: int('tokenQueuePerTenant', 0, 100000),
    rateLimitPerMinute: int('rateLimitPerMinute', 0, 1_000_000),
    bodyLimitBytes: int('bodyLimitBytes', 1024, 1024 * 1024 * 1024),
    maxConnections: int('maxConnections', 1, 1_000_000),
    maxConnectionsPerAddress: int('maxConnectionsPerAddress', 1, 1_000_000),
    tlsHandshakeTimeoutMs: int('tlsHandshakeTimeoutMs', 100, 600_000),
    headersTimeoutMs: int('headersTimeoutMs', 100, 600_000),
    keepAliveTimeoutMs: int('keepAliveTimeoutMs', 100, 600_000),
    discoveryMaxUploadBytes: int('discoveryMaxUploadBytes', 1024, 1024 ** 4),
    discoveryStagingBytesPerTenant: int('discoveryStagingBytesPerTenant', 1024, 1024 ** 5),
    discoverySyslogHost: str('discoverySyslogHost') ?? DEFAULTS.discoverySyslogHost,
    discoverySyslogFlushMs: int('discoverySyslogFlushMs', 10, 3_600_000),
    discoveryEarlyParse: bool('discoveryEarlyParse'),
    consoleDir: path.resolve(str('consoleDir') ?? installedConsoleDir() ?? 'packages/console/dist'),
    discoverySyslogMaxPendingBytes: int('discoverySyslogMaxPendingBytes', 1024, 1024 ** 3),
    discoverySyslogMaxTotalPendingBytes: int('discoverySyslogMaxTotalPendingBytes', 1024, 16 * 1024 ** 3),
    discoverySyslogSenderBytesPerSecond: int('discoverySyslogSenderBytesPerSecond', 0, 1024 ** 3),
    discoverySyslogMaxConnections: int('discoverySyslogMaxConnections', 1, 100_000),
    discoveryMaxLineBytes: int('discoveryMaxLineBytes', 1024, 64 * 1024 ** 2),
    discoveryMaxDecompressedBytes: int('discoveryMaxDecompressedBytes', 1024, 1024 ** 5),
    discoveryMaxCompressionRatio: int('discoveryMaxCompressionRatio', 2, 1_000_000),
    discoveryJobMaxClaims: int('discoveryJobMaxClaims', 1, 100),
    discoveryJobTimeBudgetSeconds: int('discoveryJobTimeBudgetSeconds', 1, 7 * 86_400),
    discoveryFtpHost: str('discoveryFtpHost') ?? DEFAULTS.discoveryFtpHost,
    discoveryFtpPort: int('discoveryFtpPort', 0, 65535),
    discoveryFtpPublicHost: str('discoveryFtpPublicHost'),
    discoveryFtpPassivePortMin: int('discoveryFtpPassivePortMin', 0, 65535),
    discoveryFtpPassivePortMax: int('discoveryFtpPassivePortMax', 0, 65535),
    discoveryFtpMaxFileBytes: int('discoveryFtpMaxFileBytes', 1024, 1024 ** 4),
    discoveryFtpQuotaBytes: int('discoveryFtpQuotaBytes', 1024, 1024 ** 5),
    discoveryFtpMaxConnections: int('discoveryFtpMaxConnections', 1, 100_000),
    discoveryFtpMaxConnectionsPerAddress: int('discoveryFtpMaxConnectionsPerAddress', 1, 100_000),
    discoveryFtpLoginFailures: int('discoveryFtpLoginFailures', 1, 1000),
    discoveryFtpLockoutSeconds: int('discoveryFtpLockoutSeconds', 1, 7 * 86_400),
    siemMaxTargetsPerTenant: int('siemMaxTargetsPerTenant', 0, 1000),
    siemMaxPendingPerTarget: int('siemMaxPendingPerTarget', 100, 100_000_000),
    siemBatchSize: int('siemBatchSize', 1, 10_000),
    siemPollMs: int('siemPollMs', 10, 3_600_000),
    siemRetryBaseMs: int('siemRetryBaseMs', 10, 3_600_000),
    siemRetryMaxMs: int('siemRetryMaxMs', 10, 86_400_000),
    siemSendTimeoutMs: int('siemSendTimeoutMs', 100, 600_000),
    detectionBatchSize: int('detectionBatchSize', 1, 50_000),
    detectionPollMs: int('detectionPollMs', 10, 60_000),
  };
  if (
    (config.discoveryFtpPassivePortMin === 0) !== (config.discoveryFtpPassivePortMax === 0) ||
    config.discoveryFtpPassivePortMin > config.discoveryFtpPassivePortMax
  ) {
    throw new ConfigError(
      `discoveryFtpPassivePortMin (${envName('discoveryFtpPassivePortMin')}) and discoveryFtpPassivePortMax (${envName('discoveryFtpPassivePortMax')}) must both be 0 or form a range, got ${config.discoveryFtpPassivePortMin}-${config.discoveryFtpPassivePortMax}`,
    );
  }
  if (config.publicUrl !== undefined) {
    let u: URL;
    try {
      u = new URL(config.publicUrl);
    } catch {
      throw new ConfigError(`publicUrl (${envName('publicUrl')}) is not a URL: '${config.publicUrl}'`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ConfigError('publicUrl must be an http(s) URL');
    config.publicUrl = u.origin;
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    throw new ConfigError(`logLevel must be one of fatal, error, warn, info, debug, trace, silent`);
  }
  return config;
}

/** The origin that appears in issuers and metadata. */
export function publicOrigin(config: Config, actualPort?: number): string {
  if (config.publicUrl) return config.publicUrl;
  return `https://localhost:${actualPort ?? config.port}`;
}
