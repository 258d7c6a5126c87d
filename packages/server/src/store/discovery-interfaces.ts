import type {
  DiscoveryAggregateRow,
  DiscoveryAppStateRow,
  DiscoveryJobRow,
  DiscoveryStreamRow,
  DiscoveryUploadRow,
  IpRangeRow,
  IpTagRow,
  JobState,
  UploadState,
} from './discovery-schema.js';

/** IP address ranges and their custom tags. */
export interface IpRangeStore {
  list(tenantId: string): Promise<IpRangeRow[]>;
  get(tenantId: string, id: string): Promise<IpRangeRow | undefined>;
  getByName(tenantId: string, name: string): Promise<IpRangeRow | undefined>;
  insert(row: IpRangeRow): Promise<void>;
  replace(row: IpRangeRow): Promise<boolean>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Cheap fingerprint of a tenant's ranges: moves on every insert, update and delete. */
  version(tenantId: string): Promise<string>;
  listTags(tenantId: string): Promise<IpTagRow[]>;
  insertTag(row: IpTagRow): Promise<void>;
}

export interface DiscoveryStreamStore {
  list(tenantId: string): Promise<DiscoveryStreamRow[]>;
  get(tenantId: string, id: string): Promise<DiscoveryStreamRow | undefined>;
  /** Continuous (non-snapshot, non-global) streams with this display name. */
  findContinuous(tenantId: string, displayName: string): Promise<DiscoveryStreamRow | undefined>;
  /** Inserts; a row with the same (tenant, id) is left as it is (idempotent built-ins). */
  insert(row: DiscoveryStreamRow): Promise<void>;
  update(tenantId: string, id: string, patch: Partial<Omit<DiscoveryStreamRow, 'tenant_id' | 'id'>>): Promise<void>;
  /** Counts one processed file (or syslog batch). */
  recordData(tenantId: string, id: string, at: number, failed: boolean, newLogFile: boolean): Promise<void>;
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Data sources of every tenant with one of these receiver types (default syslog: receivers are opened for these). */
  listDataSources(receiverTypes?: string[]): Promise<DiscoveryStreamRow[]>;
  /** The FTP/FTPS data source (any tenant) whose login is `user`. */
  findByReceiverUser(user: string): Promise<DiscoveryStreamRow | undefined>;
}

export interface DiscoveryUploadStore {
  insert(row: DiscoveryUploadRow): Promise<void>;
  get(id: string): Promise<DiscoveryUploadRow | undefined>;
  /** Moves from one state to another; false when the upload was not in `from`. */
  transition(id: string, from: UploadState[], to: UploadState, patch?: { size?: number; committed_at?: number }): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Uploads whose URL expired before `now` and were never submitted. */
  listExpired(now: number, limit: number): Promise<DiscoveryUploadRow[]>;
  /** A tenant's uploads that may hold data on disk: submitted ones (not yet processed) and the others until they expire. */
  listPending(tenantId: string, now: number): Promise<DiscoveryUploadRow[]>;
}

export interface DiscoveryJobStore {
  insert(row: DiscoveryJobRow): Promise<void>;
  get(tenantId: string, id: string): Promise<DiscoveryJobRow | undefined>;
  list(tenantId: string, limit: number): Promise<DiscoveryJobRow[]>;
  /**
   * Atomically claims a queued job (or a running one whose worker stopped sending heartbeats
   * before `staleBefore`) for `worker`: round-robin over tenants (fewest running, then least
   * recently claimed), oldest first within a tenant. PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite:
   * one UPDATE ... RETURNING statement, which holds the database's write lock.
   */
  claim(worker: string, now: number, staleBefore: number, maxAttempts: number): Promise<DiscoveryJobRow | undefined>;
  heartbeat(id: string, worker: string, at: number): Promise<void>;
  finish(
    id: string,
    worker: string,
    state: Extract<JobState, 'succeeded' | 'failed'>,
    result: string | null,
    error: string | null,
    at: number,
  ): Promise<boolean>;
  /** Jobs that exhausted their attempts while running (worker crashed every time) become failed. */
  failAbandoned(staleBefore: number, maxAttempts: number, at: number): Promise<number>;
}

export interface UsageTotals {
  app_id: number;
  transactions: number;
  blocked: number;
  bytes_up: number;
  bytes_down: number;
  bytes_total: number;
  users: number;
  ips: number;
  first_day: number;
  last_day: number;
}

export interface DiscoveryUsageStore {
  /** Adds the counters to existing buckets (or creates them). */
  add(rows: DiscoveryAggregateRow[]): Promise<void>;
  /**
   * Readies storage for buckets of these days (epoch ms) before a transaction adds them: on
   * PostgreSQL, creates their month partitions outside that transaction. `add` works without it.
   */
  prepare(days: Iterable<number>): Promise<void>;
  /**
   * After a transaction that added many buckets (committed or not): SQLite checkpoints the WAL
   * they filled on a worker thread (automatic checkpoints are off while they are written, so that
   * the commit does not copy them on the event loop). Nothing to do elsewhere.
   */
  checkpoint(): Promise<void>;
  /** Per-app totals over the streams, from `fromDay` (inclusive). */
  appTotals(tenantId: string, streamIds: string[], fromDay: number): Promise<UsageTotals[]>;
  /** Raw buckets (tests, exports), newest first. */
  rows(tenantId: string, streamIds: string[], fromDay: number, limit: number): Promise<DiscoveryAggregateRow[]>;
  /** Retention: drops buckets older than `beforeDay`. */
  deleteBefore(beforeDay: number): Promise<number>;
  deleteStream(tenantId: string, streamId: string): Promise<void>;
}

export interface DiscoveryAppStateStore {
  list(tenantId: string): Promise<DiscoveryAppStateRow[]>;
  put(row: DiscoveryAppStateRow): Promise<void>;
  delete(tenantId: string, appId: number): Promise<boolean>;
}

/** Cloud Discovery storage roles, grouped under `Stores.discovery`. */
export interface DiscoveryStores {
  ipRanges: IpRangeStore;
  streams: DiscoveryStreamStore;
  uploads: DiscoveryUploadStore;
  jobs: DiscoveryJobStore;
  usage: DiscoveryUsageStore;
  appStates: DiscoveryAppStateStore;
}
