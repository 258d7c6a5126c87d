// Cloud Discovery's long-lived parts, built once per process in wiring.ts: the IP-range lookup
// cache, upload storage, the job runner, the syslog and FTP receivers and the retention sweep.
// Background work starts with start() (main.ts, after TLS material exists), never in tests that
// only build the app: they call jobs.drain() and syslog.flush() themselves.
import { IpRangeService } from '../ip-range-service.js';
import type { Clock } from '../../clock.js';
import type { Stores } from '../../store/interfaces.js';
import { EarlyParses, type IngestLimits } from './early-parse.js';
import { JobRunner, type JobRunnerOptions, type Logger } from './job-runner.js';
import { FTP_LIMIT_DEFAULTS, FtpReceivers, type FtpReceiverOptions, type SecretVerifier } from './ftp-receiver.js';
import { SyslogReceivers, type SyslogReceiverOptions } from './syslog-receiver.js';
import { UploadStorage } from './upload-storage.js';

export const RETENTION_DAYS = 90;
const MS_PER_DAY = 86_400_000;
const SWEEP_INTERVAL_MS = 60 * 60_000;

export interface DiscoveryRuntimeOptions {
  dataDir: string;
  maxUploadBytes: number;
  /** Staging quota of one tenant's unprocessed uploads (default: unlimited). */
  stagingBytesPerTenant?: number;
  syslogHost: string;
  syslogFlushMs: number;
  /** Memory caps, per-sender rate and connection cap of the syslog receivers. */
  syslogLimits?: Omit<SyslogReceiverOptions, 'host' | 'flushMs'>;
  /** The FTP server of ftp/ftps data sources (limits default to FTP_LIMIT_DEFAULTS; port 0 when not given). */
  ftp?: Partial<FtpReceiverOptions>;
  /** Checks an FTP password against its stored keyed hash (the master key); without it no FTP login succeeds. */
  secrets?: SecretVerifier;
  /** Parse uploads while they arrive (default true). */
  earlyParse?: boolean;
  jobs?: Partial<JobRunnerOptions>;
  /** Line length and decompression bounds of uploads. */
  ingestLimits?: IngestLimits;
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class DiscoveryRuntime {
  readonly ipRanges: IpRangeService;
  readonly storage: UploadStorage;
  readonly jobs: JobRunner;
  readonly syslog: SyslogReceivers;
  readonly ftp: FtpReceivers;
  readonly early: EarlyParses;
  readonly maxUploadBytes: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    options: DiscoveryRuntimeOptions,
  ) {
    this.ipRanges = new IpRangeService(stores);
    this.storage = new UploadStorage(
      options.dataDir,
      { perUploadBytes: options.maxUploadBytes, perTenantBytes: options.stagingBytesPerTenant ?? Infinity },
      // What a tenant staged before a restart counts from its first staging request on.
      async (tenantId) => (await stores.discovery.uploads.listPending(tenantId, clock.now())).map((u) => u.id),
    );
    this.maxUploadBytes = options.maxUploadBytes;
    this.early = new EarlyParses(clock, options.earlyParse ?? true, options.ingestLimits);
    const jobs = { ...options.jobs, limits: { ...options.ingestLimits, ...options.jobs?.limits } };
    this.jobs = new JobRunner(stores, this.storage, clock, silent, jobs, this.early);
    this.syslog = new SyslogReceivers(
      stores,
      clock,
      { host: options.syslogHost, flushMs: options.syslogFlushMs, ...options.syslogLimits },
      silent,
    );
    this.ftp = new FtpReceivers(
      stores,
      this.storage,
      this.jobs,
      this.early,
      clock,
      { host: options.syslogHost, port: 0, passivePortMin: 0, passivePortMax: 0, ...FTP_LIMIT_DEFAULTS, ...options.ftp },
      options.secrets,
      silent,
    );
  }

  /** Job runner, syslog receivers of existing data sources, retention sweep. */
  async start(options: { tls?: { key: string; cert: string }; log?: Logger } = {}): Promise<void> {
    if (this.started) return;
    this.started = true;
    const log = options.log ?? silent;
    this.jobs.log = log;
    this.syslog.log = log;
    this.ftp.log = log;
    if (options.tls) {
      this.syslog.setTls(options.tls);
      this.ftp.setTls(options.tls);
    }
    this.jobs.start();
    await this.syslog.openAll();
    await this.ftp.openIfNeeded().catch((e: unknown) => log.warn({ err: e }, 'ftp server could not listen'));
    const sweep = () => void this.sweep().catch((e: unknown) => log.error({ err: e }, 'discovery retention sweep failed'));
    sweep();
    this.sweepTimer = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** Drops buckets older than 90 days and uploads whose URL expired unused. */
  async sweep(): Promise<{ buckets: number; uploads: number }> {
    const now = this.clock.now();
    const cutoff = Math.floor(now / MS_PER_DAY) * MS_PER_DAY - RETENTION_DAYS * MS_PER_DAY;
    const buckets = await this.stores.discovery.usage.deleteBefore(cutoff);
    const expired = await this.stores.discovery.uploads.listExpired(now, 1000);
    for (const u of expired) {
      this.early.discard(u.id);
      await this.storage.remove(u.id);
      await this.stores.discovery.uploads.delete(u.id);
    }
    return { buckets, uploads: expired.length };
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.syslog.closeAll();
    await this.ftp.stop();
    await this.jobs.stop();
    this.early.discardAll();
  }
}
