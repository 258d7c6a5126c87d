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
  endpoint: CloudAppsEndpoint;
  handle(call: CloudAppsCall): Promise<unknown>;
}

/** A response body that is already JSON text (stored documents are spliced, not re-serialised). */
export class RawJson {
  constructor(readonly text: string) {}
}
