/**
 * Row types of the Cloud Discovery and IP-range tables (migration 0004-discovery). Times are epoch
 * milliseconds, lists and objects are JSON text, booleans 0/1, as everywhere in schema.ts.
 */

/** A custom IP-range tag (built-in tags live in @appwarden/protocol, not in the database). */
export interface IpTagRow {
  tenant_id: string;
  id: string;
  name: string;
  created_at: number;
}

/** An IP address range ("subnet" in the API). */
export interface IpRangeRow {
  tenant_id: string;
  id: string;
  name: string;
  /** 1..6 (reference §8.6). */
  category: number;
  /** JSON: [{mask, address, originalString}] in the normalised form the API returns. */
  subnets: string;
  organization: string | null;
  override_organization: number;
  /** JSON: tag ids (built-in or custom). */
  tags: string;
  /** JSON object or null. */
  location: string | null;
  created_at: number;
  last_modified: number;
}

/** A report: continuous stream (1, data sources and named uploads), snapshot (5), or the global view (1, built in). */
export interface DiscoveryStreamRow {
  tenant_id: string;
  id: string;
  display_name: string;
  stream_type: number;
  log_type: number | null;
  is_manual: number;
  /** Counted in the Global View. */
  global_aggregated: number;
  /** 1 for the tenant's Global View. */
  is_global: number;
  /** 1 when created through /discovery/data_sources/. */
  is_data_source: number;
  receiver_type: string | null;
  /** udp, tcp or tls for syslog data sources. */
  protocol: string | null;
  /** Loopback port of the syslog receiver (data sources). */
  port: number | null;
  /** FTP/FTPS data sources: the login on Appwarden's FTP server (unique across tenants; migration 0013). */
  receiver_user: string | null;
  /** ... and the keyed hash of its generated password (never the password). */
  receiver_secret_hash: string | null;
  anonymize_users: number;
  /** JSON: parser options (time zone...) and anything else a source carries. */
  settings: string;
  created: number;
  last_modified: number;
  last_data_received: number | null;
  log_files_history_count: number;
  log_files_fails_count: number;
}

export type UploadState = 'open' | 'committed' | 'submitted';

/** A pending log upload (the blob behind an upload_url). The file itself lives in the data directory. */
export interface DiscoveryUploadRow {
  id: string;
  tenant_id: string;
  file_name: string;
  /** The `source` name the client gave (PALO_ALTO...). */
  source: string;
  /** Keyed hash of the URL's signature. */
  token_hash: string;
  state: UploadState;
  size: number;
  created_at: number;
  expires_at: number;
  committed_at: number | null;
}

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

/** An asynchronous parse of an upload, claimed by exactly one worker. */
export interface DiscoveryJobRow {
  id: string;
  tenant_id: string;
  upload_id: string;
  stream_id: string;
  state: JobState;
  /** JSON: file name, source, snapshot flag. */
  input: string;
  /** JSON: counts, samples, verdict (set when finished). */
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  heartbeat_at: number | null;
  finished_at: number | null;
  claimed_by: string | null;
}

/** Daily usage per stream x app x user x source IP (McasShadowItReporting counters). */
export interface DiscoveryAggregateRow {
  tenant_id: string;
  stream_id: string;
  /** UTC midnight, epoch ms. */
  day: number;
  app_id: number;
  /** '' when the log carries no user. */
  user_name: string;
  ip: string;
  transactions: number;
  blocked: number;
  bytes_up: number;
  bytes_down: number;
  bytes_total: number;
  // No labels: a bucket's category, tags and organization are those of the tenant's IP ranges
  // that hold `ip`, looked up when needed (migration 0015 dropped the copies every row carried).
}

export type SanctionState = 'sanctioned' | 'unsanctioned' | 'monitored';

export interface DiscoveryAppStateRow {
  tenant_id: string;
  app_id: number;
  state: SanctionState;
  updated_at: number;
  updated_by: string;
}

export interface DiscoveryTables {
  disc_ip_tags: IpTagRow;
  disc_ip_ranges: IpRangeRow;
  disc_streams: DiscoveryStreamRow;
  disc_uploads: DiscoveryUploadRow;
  disc_jobs: DiscoveryJobRow;
  disc_aggregates: DiscoveryAggregateRow;
  disc_app_states: DiscoveryAppStateRow;
}
