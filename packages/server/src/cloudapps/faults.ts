import type { CloudAppsEndpoint } from '@appwarden/protocol';
import { errors, type SemanticError } from '../http/errors.js';
import type { FaultSettings } from './tenant-settings.js';

export interface FaultDecision {
  latencyMs: number;
  error?: SemanticError;
}

/**
 * Decides what an injected fault does to one request: added latency, then possibly an error.
 * `random` is injectable so that tests choose the outcome.
 */
export function decideFault(f: FaultSettings | null, endpoint: CloudAppsEndpoint, random: () => number): FaultDecision | undefined {
  if (!f) return undefined;
  if (f.endpoints.length > 0 && !f.endpoints.includes(endpoint)) return undefined;
  const r = random();
  let error: SemanticError | undefined;
  if (r < f.error429) {
    error = errors.throttled(
      `Request was throttled. Expected available in ${f.retryAfterSeconds} seconds.`,
      f.retryAfterSeconds,
      'injected fault',
    );
  } else if (r < f.error429 + f.error500) {
    error = errors.internal('injected fault', 'A server error occurred.');
  } else if (r < f.error429 + f.error500 + f.error503) {
    error = errors.unavailable('Service temporarily unavailable, try again later.', f.retryAfterSeconds, 'injected fault');
  }
  if (!error && f.latencyMs <= 0) return undefined;
  return { latencyMs: f.latencyMs, ...(error ? { error } : {}) };
}

/** Validates fault settings from the admin endpoint; throws a message naming the property. */
export function parseFaultSettings(body: Record<string, unknown>, endpoints: readonly string[]): FaultSettings {
  const share = (k: string) => {
    const v = body[k] ?? 0;
    if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`'${k}' must be a number between 0 and 1`);
    return v;
  };
  const latency = body.latencyMs ?? 0;
  if (typeof latency !== 'number' || !Number.isInteger(latency) || latency < 0 || latency > 60_000) {
    throw new Error("'latencyMs' must be an integer between 0 and 60000");
  }
  const retry = body.retryAfterSeconds ?? 5;
  if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0 || retry > 3600) {
    throw new Error("'retryAfterSeconds' must be an integer between 0 and 3600");
  }
  const eps = body.endpoints ?? [];
  if (!Array.isArray(eps) || eps.some((e) => typeof e !== 'string' || !endpoints.includes(e))) {
    throw new Error(`'endpoints' must be a list of: ${endpoints.join(', ')}`);
  }
  const f: FaultSettings = {
    latencyMs: latency,
    error429: share('error429'),
    error500: share('error500'),
    error503: share('error503'),
    retryAfterSeconds: retry,
    endpoints: eps as CloudAppsEndpoint[],
  };
  if (f.error429 + f.error500 + f.error503 > 1) throw new Error('the error shares add up to more than 1');
  return f;
}
