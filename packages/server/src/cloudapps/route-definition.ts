import type { CloudAppsEndpoint } from '@appwarden/protocol';
import type { Services } from '../wiring.js';
import type { CloudAppsCaller } from './auth.js';

/** What a handler sees of a request: no framework objects. */
export interface CloudAppsCall {
  caller: CloudAppsCaller;
  /** Merged parameters (query, form, JSON body). */
  params: Record<string, unknown>;
  /** Path parameters. */
  path: Record<string, string>;
  services: Services;
  now: number;
}

/** One operation of the API: its paths (relative to `/api/v1/`) and methods, and its permission row. */
export interface CloudAppsRoute {
  methods: ('GET' | 'POST' | 'DELETE')[];
  paths: string[];
  /** Paths relative to `/api/` (no version), for operations clients call there too. */
  rootPaths?: string[];
  endpoint: CloudAppsEndpoint;
  handle(call: CloudAppsCall): Promise<unknown>;
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
