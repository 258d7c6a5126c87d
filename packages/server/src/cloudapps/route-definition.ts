import type { CloudAppsEndpoint } from '@appwarden/protocol';
import type { DiscoveryRuntime } from '../discovery/ingest/discovery-runtime.js';
import type { Route } from '../http/route-table.js';
import type { MasterKey } from '../identity/master-key.js';
import type { Stores } from '../store/interfaces.js';
import type { CloudAppsCaller } from './auth.js';
import type { CloudAppsRuntime } from './runtime.js';

/** What the Cloud Apps handlers may use: stores, the log engine's runtime parts, the alert state service, tenant settings. */
export interface CloudAppsDeps {
  stores: Stores;
  /** Public origin, for links in documents. */
  origin: { readonly value: string };
  /** Upload tokens are stored as keyed hashes. */
  master: Pick<MasterKey, 'hashSecret'>;
  discovery: Pick<DiscoveryRuntime, 'ipRanges' | 'jobs' | 'syslog' | 'ftp'>;
  cloudApps: Pick<CloudAppsRuntime, 'alertStates' | 'settings'>;
}

/** What a handler sees of a request: no framework objects. */
export interface CloudAppsCall {
  caller: CloudAppsCaller;
  /** Merged parameters (query, form, JSON body). */
  params: Record<string, unknown>;
  /** Path parameters. */
  path: Record<string, string>;
  services: CloudAppsDeps;
  now: number;
}

/** One operation of the API: its paths (relative to `/api/v1/`) and methods, and its permission row. */
export interface CloudAppsRoute extends Route<CloudAppsCall> {
  methods: ('GET' | 'POST' | 'DELETE')[];
  /** Paths relative to `/api/` (no version), for operations clients call there too. */
  rootPaths?: string[];
  /** The row of the protocol's permission matrix that guards it (reference §2.3). */
  endpoint: CloudAppsEndpoint;
}

/**
 * A response body that is already JSON, as text or UTF-8 bytes (stored documents are spliced, not
 * re-serialised).
 */
export class RawJson {
  constructor(readonly text: string | Buffer) {}
}

/** A non-JSON response body (block scripts are plain text). */
export class RawText {
  constructor(
    readonly text: string,
    readonly contentType: string,
    readonly headers: Record<string, string> = {},
  ) {}
}
