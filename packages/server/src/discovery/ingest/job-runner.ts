// Upload jobs: done_upload queues one row in disc_jobs; every Appwarden process runs a runner
// that claims queued jobs (exactly one runner gets each: see DiscoveryJobStore.claim), parses the
// uploaded file on a worker thread, stores the daily buckets and records the result. A runner
// that dies leaves a `running` job without heartbeats; another runner takes it over.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../../clock.js';
import { SemanticError } from '../../http/errors.js';
import type { DiscoveryJobRow } from '../../store/discovery-schema.js';
import type { Stores } from '../../store/interfaces.js';
import {
  ChunkPool,
  DiscoveryInputError,
  parseStreamRollupInWorker,
  uploadVerdict,
  type CustomParserConfig,
  type ParsedRollup,
  type ParseStreamResult,
} from '../index.js';
import { uploadParseOptions, type EarlyParses, type IngestLimits } from './early-parse.js';
import type { UploadStorage } from './upload-storage.js';
import { writeUsage } from './usage-writer.js';

export interface JobInput {
  uploadId: string;
  fileName: string;
  source: string;
  snapshot: boolean;
  /** CUSTOM_PARSER uploads: the definition of the data source named by inputStreamName, as it was at done_upload. */
  custom?: CustomParserConfig;
  /** The data source's time zone for zone-less timestamps (CUSTOM_PARSER uploads). */
  utcOffsetMinutes?: number;
}

/** What GET .../upload_jobs/<id>/ shows of a finished parse. */
export interface JobResult {
  parserId: string | null;
  compression: string | null;
  bytes: number;
  files: number;
  linesRead: number;
  parsed: number;
  /** linesRead - parsed: malformed + ignored (headers, other log types) lines. */
  skipped: number;
  failed: number;
  ignored: number;
  tooOld: number;
  matched: number;
  unclassified: number;
  blocked: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Malformed lines, with line number, reason and the start of the line. */
  samples: { file?: string; line: number; reason: string; text: string }[];
  skippedEntries: { name: string; reason: string }[];
  unclassifiedDestinations: { key: string; transactions: number; bytesTotal: number }[];
  bucketsStored: number;
  /** Why the upload was rejected (the portal's governance-log messages), or null. */
  verdict: string | null;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface JobRunnerOptions {
  concurrency: number;
  /** How often queued jobs of other processes are looked for. */
  pollMs: number;
  heartbeatMs: number;
  /** A running job without a heartbeat for this long is taken over. */
  staleMs: number;
  /**
   * Claims per job. A job whose runner stopped sending heartbeats after its last claim (the
   * process died while running it, perhaps because of it) is quarantined - failed, never claimed
   * again - rather than retried into a crash loop.
   */
  maxAttempts: number;
  /**
   * Wall-clock budget of one run of a job (parse and store): past it the run stops and the job
   * fails, so that one huge or hostile file cannot hold a runner (and the tenants queued behind it).
   */
  timeBudgetMs: number;
  /** Line length and decompression bounds of each upload's parse. */
  limits: IngestLimits;
}

export const DEFAULT_JOB_RUNNER_OPTIONS: JobRunnerOptions = {
  concurrency: 1,
  pollMs: 2000,
  heartbeatMs: 10_000,
  staleMs: 120_000,
  maxAttempts: 2,
  timeBudgetMs: 3_600_000,
  limits: {},
};

function resultOf(r: Omit<ParseStreamResult, 'aggregates'>, stored: number, verdict: string | undefined): JobResult {
  const s = r.stats;
  return {
    parserId: r.parserId,
    compression: r.compression,
    bytes: s.bytes,
    files: s.files,
    linesRead: s.linesRead,
    parsed: s.parsed,
    skipped: Math.max(0, s.linesRead - s.parsed),
    failed: s.failed,
    ignored: s.ignored,
    tooOld: s.tooOld,
    matched: s.matched,
    unclassified: s.unclassified,
    blocked: s.blocked,
    firstTimestamp: s.firstTimestamp,
    lastTimestamp: s.lastTimestamp,
    samples: r.failures.map((f) => ({ ...(f.file !== undefined ? { file: f.file } : {}), line: f.line, reason: f.reason, text: f.text })),
    skippedEntries: r.skippedEntries.map((e) => ({ name: e.name, reason: e.reason })),
    unclassifiedDestinations: r.unclassifiedDestinations.slice(0, 20),
    bucketsStored: stored,
    verdict: verdict ?? null,
  };
}

export class JobRunner {
  readonly workerId = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  private readonly options: JobRunnerOptions;
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private readonly active = new Set<Promise<void>>();
  private pumping = false;
  private again = false;
  /** whenDone() callers by job id; settled once the job is finished and cleaned up. */
  private readonly waiters = new Map<string, { tenantId: string; waits: { resolve(): void; reject(e: Error): void }[] }>();

  constructor(
    private readonly stores: Stores,
    private readonly storage: UploadStorage,
    private readonly clock: Clock,
    public log: Logger,
    options: Partial<JobRunnerOptions> = {},
    /** Results of uploads parsed while they were received (this process only). */
    private readonly early?: EarlyParses,
  ) {
    this.options = { ...DEFAULT_JOB_RUNNER_OPTIONS, ...options };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops claiming; waits for the jobs in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.active]);
    // This runner will not see these jobs finish any more: fail the waits rather than hang.
    for (const id of [...this.waiters.keys()]) this.settle(id, new Error(`job runner stopped before job ${id} finished`));
  }

  /**
   * Resolves once the job has finished (succeeded or failed) and, when this runner ran it, once its
   * upload is cleaned up. For in-process callers (tests, tools) that would otherwise poll the
   * job's status; clients of the API keep polling GET .../upload_jobs/<id>/. A job that another
   * process runs is seen finished at this runner's next poll.
   */
  async whenDone(tenantId: string, jobId: string): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      const entry = this.waiters.get(jobId) ?? { tenantId, waits: [] };
      entry.waits.push({ resolve, reject });
      this.waiters.set(jobId, entry);
    });
    // The wait can be settled (by stop(), say) before the look-up below returns and the caller
    // holds it: mark it handled here so that is not an unhandled rejection; the caller still sees it.
    done.catch(() => {});
    // Registered before the look-up, so a job finishing in between still settles the wait.
    await this.settleFinished(jobId, tenantId, true);
    return done;
  }

  private settle(jobId: string, error?: Error): void {
    const entry = this.waiters.get(jobId);
    if (!entry) return;
    this.waiters.delete(jobId);
    for (const w of entry.waits) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  private async settleFinished(jobId: string, tenantId: string, mustExist: boolean): Promise<void> {
    const row = await this.stores.discovery.jobs.get(tenantId, jobId);
    if (!row) {
      if (mustExist) this.settle(jobId, new Error(`no upload job ${jobId} in tenant ${tenantId}`));
    } else if (row.state === 'succeeded' || row.state === 'failed') this.settle(jobId);
  }

  /** Looks for work now (done_upload calls this after queueing). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((e: unknown) => this.log.error({ err: e }, 'discovery job claim failed'))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async pump(): Promise<void> {
    // Awaited jobs that another process may have run (ours settle in run()'s caller below).
    for (const [jobId, { tenantId }] of [...this.waiters]) await this.settleFinished(jobId, tenantId, false);
    while (!this.stopped && this.running < this.options.concurrency) {
      const now = this.clock.now();
      await this.stores.discovery.jobs.failAbandoned(now - this.options.staleMs, this.options.maxAttempts, now);
      const job = await this.stores.discovery.jobs.claim(this.workerId, now, now - this.options.staleMs, this.options.maxAttempts);
      if (!job) return;
      this.running++;
      const p = this.run(job)
        .then(
          () => this.settle(job.id),
          (e: unknown) => {
            this.log.error({ err: e, job: job.id }, 'discovery job bookkeeping failed');
            this.settle(job.id, new Error(`job ${job.id}: bookkeeping failed`, { cause: e }));
          },
        )
        .finally(() => {
          this.running--;
          this.active.delete(p);
          this.kick();
        });
      this.active.add(p);
    }
  }

  /** Claims and runs queued jobs one after another until none is left (tests, `--once` tools). */
  async drain(): Promise<number> {
    let n = 0;
    for (;;) {
      const now = this.clock.now();
      await this.stores.discovery.jobs.failAbandoned(now - this.options.staleMs, this.options.maxAttempts, now);
      const job = await this.stores.discovery.jobs.claim(this.workerId, now, now - this.options.staleMs, this.options.maxAttempts);
      if (!job) return n;
      await this.run(job).catch((e: unknown) => {
        this.settle(job.id, new Error(`job ${job.id}: bookkeeping failed`, { cause: e }));
        throw e;
      });
      this.settle(job.id);
      n++;
    }
  }

  /**
   * Records the outcome: the stream's counters and the job's state, if this worker still owns the
   * job (false: another runner took it over after our heartbeats stopped).
   */
  private async complete(
    stores: Stores,
    job: DiscoveryJobRow,
    state: 'succeeded' | 'failed',
    result: JobResult | null,
    error: string | null,
  ): Promise<boolean> {
    const at = this.clock.now();
    await stores.discovery.streams.recordData(job.tenant_id, job.stream_id, at, state === 'failed', true);
    return stores.discovery.jobs.finish(job.id, this.workerId, state, result ? JSON.stringify(result) : null, error, at);
  }

  private async run(job: DiscoveryJobRow): Promise<void> {
    const input = JSON.parse(job.input) as JobInput;
    const jobs = this.stores.discovery.jobs;
    const beat = setInterval(
      () => void jobs.heartbeat(job.id, this.workerId, this.clock.now()).catch(() => undefined),
      this.options.heartbeatMs,
    );
    beat.unref();
    const started = Date.now();
    const budget = new AbortController();
    const overBudget = new Promise<never>((_resolve, reject) => {
      budget.signal.addEventListener('abort', () => reject(new JobOverBudget(this.options.timeBudgetMs)), { once: true });
    });
    overBudget.catch(() => undefined);
    const budgetTimer = setTimeout(() => budget.abort(), this.options.timeBudgetMs);
    budgetTimer.unref();
    let state: 'succeeded' | 'failed' = 'failed';
    let result: JobResult | null = null;
    let error: string | null = null;
    /** Set once the outcome is recorded: with the usage rows, in their transaction. */
    let mine: boolean | undefined;
    try {
      const now = this.clock.now();
      let parsed: ParsedRollup | undefined;
      const early = input.custom ? undefined : this.early?.take(input.uploadId, await this.storage.blobSize(input.uploadId));
      if (early) {
        // A failed early parse (input error included) is repeated from the file below.
        parsed = await Promise.race([overBudget, early.catch(() => undefined)]);
      }
      const pool = new ChunkPool();
      // The worker stops at the abort; the race fails the job at once even if it is slow to.
      parsed ??= await Promise.race([
        overBudget,
        parseStreamRollupInWorker(
          this.storage.openBlob(input.uploadId, pool.size, pool.alloc),
          input.source,
          {
            ...uploadParseOptions(input.fileName, now, this.options.limits),
            ...(input.custom ? { custom: input.custom } : {}),
            ...(input.utcOffsetMinutes !== undefined ? { parser: { utcOffsetMinutes: input.utcOffsetMinutes } } : {}),
          },
          { transferInput: true, pool, signal: budget.signal },
        ).catch((e: unknown) => {
          throw budget.signal.aborted ? new JobOverBudget(this.options.timeBudgetMs) : e;
        }),
      ]);
      const verdict = uploadVerdict(parsed.result);
      if (verdict) {
        result = resultOf(parsed.result, 0, verdict);
        error = verdict;
      } else {
        const done = parsed.result;
        // Rows are built from the compact rollup a batch at a time while they are stored; the job
        // is marked succeeded in the same transaction, so a crash cannot leave rows of a job that
        // will run again (exactly-once counts).
        await writeUsage(this.stores, job.tenant_id, job.stream_id, parsed, async (tx, stored) => {
          // Past the budget, nothing is stored (the rows roll back with this throw).
          if (budget.signal.aborted) throw new JobOverBudget(this.options.timeBudgetMs);
          result = resultOf(done, stored, undefined);
          state = 'succeeded';
          mine = await this.complete(tx, job, state, result, null);
          if (!mine) throw new JobTakenOver(job.id);
        });
      }
    } catch (e) {
      if (e instanceof JobTakenOver) {
        mine = false;
      } else {
        // The usage transaction (if any) rolled back: nothing of this run is stored.
        state = 'failed';
        result = null;
        mine = undefined;
        // A DiscoveryInputError's message is the user-facing text, prefix included.
        error =
          e instanceof DiscoveryInputError || e instanceof JobOverBudget
            ? e.publicMessage
            : (e as NodeJS.ErrnoException).code === 'ENOENT'
              ? 'The uploaded file is no longer available.'
              : 'The log could not be processed.';
        if (e instanceof JobOverBudget) this.log.warn({ job: job.id, tenant: job.tenant_id }, 'discovery job over its time budget');
        else if (!(e instanceof DiscoveryInputError)) this.log.error({ err: e, job: job.id }, 'discovery job failed');
      }
    } finally {
      clearInterval(beat);
      clearTimeout(budgetTimer);
    }
    mine ??= await this.complete(this.stores, job, state, result, error);
    if (mine) {
      this.early?.discard(input.uploadId);
      await this.storage.remove(input.uploadId);
      await this.stores.discovery.uploads.delete(input.uploadId);
    }
    this.log.info(
      { job: job.id, tenant: job.tenant_id, state, lines: result?.linesRead, parsed: result?.parsed, ms: Date.now() - started },
      'discovery upload processed',
    );
  }
}

/** Rolls back a job's usage rows: another runner owns the job now and writes them itself. */
class JobTakenOver extends SemanticError {
  constructor(jobId: string) {
    super('conflict', `discovery job ${jobId} was taken over by another runner`);
  }
}

/** A run that took longer than JobRunnerOptions.timeBudgetMs. */
class JobOverBudget extends DiscoveryInputError {
  constructor(budgetMs: number) {
    super('TIME_BUDGET_EXCEEDED', `The job was stopped: it exceeded its time budget of ${Math.round(budgetMs / 1000)} seconds.`);
  }
}
