import type { FetchLike, TokenCredential } from '../credentials.js';
import { ApiError, AppwardenError, RequestTimeoutError, ThrottledError } from '../errors.js';
import { errorFor } from '../http-call.js';

/** Application id of "Microsoft Cloud App Security": the resource of every Cloud Apps token. */
export const CLOUD_APPS_RESOURCE_APP_ID = '05a65629-4c1b-48c1-a78b-804c4abdd4af';
export const CLOUD_APPS_SCOPE = `${CLOUD_APPS_RESOURCE_APP_ID}/.default`;

/** A legacy API token (portal → Settings → API tokens), sent as `Authorization: Token <t>`. */
export interface ApiTokenAuth {
  apiToken: string;
}

export type CloudAppsAuth = TokenCredential | ApiTokenAuth;

/** Appwarden extension: the operator key, acting in one tenant (`x-appwarden-tenant`). */
export interface OperatorKeyAuth {
  operatorKey: string;
  tenant?: string;
}

/** What the pipeline can authenticate with: a credential, a legacy API token, or the operator key. */
export type PipelineAuth = CloudAppsAuth | OperatorKeyAuth;

export interface RetryOptions {
  /** Retries after the first attempt, for 429 and (idempotent calls only) 5xx, network errors, timeouts. Default 3. */
  maxRetries?: number;
  /** First backoff delay for 5xx; doubles each retry, with full jitter. Default 500 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay for 5xx. Default 30 s. */
  maxDelayMs?: number;
  /** Wait after a 429 without Retry-After: the real service throttles per minute. Default 60 s. */
  throttleWindowMs?: number;
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  /** What failed: an HTTP status, or the error (network, timeout). */
  status: number | undefined;
  error: unknown;
  method: string;
  url: string;
}

export interface PipelineOptions {
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Time limit of one attempt, in ms (default 120 s; 0 = none). */
  timeoutMs?: number;
  /** Called before each retry (progress displays, logs). */
  onRetry?: (event: RetryEvent) => void;
  /** Waits between retries; replaceable in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Token scope (default the Cloud Apps resource; the management client asks for Graph). */
  scope?: string;
}

/** Raw bodies the pipeline sends (re-sendable on retry). */
export type RequestBody = string | Uint8Array | ArrayBuffer | Blob;

export interface PipelineRequest {
  method: string;
  /** Absolute URL, or a path below the endpoint. */
  url: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body; or raw bytes/text with `contentType`. */
  json?: unknown;
  body?: RequestBody;
  headers?: Record<string, string>;
  /** Safe to repeat after a 5xx or a lost answer. Default: GET, HEAD, PUT, DELETE. */
  idempotent?: boolean;
  /** Send the Authorization header (not to blob storage URLs). Default true. */
  authenticate?: boolean;
  signal?: AbortSignal;
  /** How to read the answer. Default json. */
  responseType?: 'json' | 'text' | 'none';
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/**
 * Sends Cloud Apps requests: authorization (bearer token from the credential, or a legacy API
 * token), a time limit per attempt, the caller's AbortSignal, and retries — 429 for every call
 * (the server did not act on it) after Retry-After or the one-minute window, 5xx/network
 * errors/timeouts for idempotent calls only, with exponential backoff and full jitter.
 */
export class RequestPipeline {
  readonly endpoint: string;
  private readonly fetchImpl: FetchLike;
  private readonly retry: Required<RetryOptions>;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly scope: string;

  constructor(
    endpoint: string,
    private readonly auth: PipelineAuth,
    private readonly options: PipelineOptions = {},
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.retry = {
      maxRetries: options.retry?.maxRetries ?? 3,
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      throttleWindowMs: options.retry?.throttleWindowMs ?? 60_000,
    };
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.scope = options.scope ?? CLOUD_APPS_SCOPE;
  }

  private async authorization(signal?: AbortSignal): Promise<Record<string, string>> {
    if ('apiToken' in this.auth) return { authorization: `Token ${this.auth.apiToken}` };
    if ('operatorKey' in this.auth) {
      return {
        authorization: `Bearer ${this.auth.operatorKey}`,
        ...(this.auth.tenant ? { 'x-appwarden-tenant': this.auth.tenant } : {}),
      };
    }
    const token = await this.auth.getToken(this.scope, signal ? { abortSignal: signal } : {});
    if (!token) throw new AppwardenError('the credential returned no token', undefined, undefined);
    return { authorization: `Bearer ${token.token}` };
  }

  url(path: string, query?: PipelineRequest['query']): string {
    const base = /^https?:\/\//i.test(path) ? path : `${this.endpoint}${path.startsWith('/') ? '' : '/'}${path}`;
    const entries = Object.entries(query ?? {}).filter((e): e is [string, string | number | boolean] => e[1] !== undefined);
    if (entries.length === 0) return base;
    const qs = new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString();
    return `${base}${base.includes('?') ? '&' : '?'}${qs}`;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  async send<T>(req: PipelineRequest): Promise<T> {
    const method = req.method.toUpperCase();
    const idempotent = req.idempotent ?? IDEMPOTENT_METHODS.has(method);
    const url = this.url(req.url, req.query);
    for (let attempt = 1; ; attempt++) {
      req.signal?.throwIfAborted();
      let status: number | undefined;
      let failure: unknown;
      let delayMs = 0;
      try {
        return await this.attempt<T>(req, method, url);
      } catch (e) {
        if (req.signal?.aborted) throw req.signal.reason;
        failure = e;
        if (e instanceof ThrottledError) {
          status = 429;
          delayMs = e.retryAfterMs ?? this.retry.throttleWindowMs;
        } else if (e instanceof AppwardenError && e.status !== undefined) {
          status = e.status;
          if (!idempotent || !TRANSIENT_STATUS.has(e.status)) throw e;
          delayMs = Math.max(this.backoff(attempt), retryAfterOf(e) ?? 0);
        } else if (e instanceof RequestTimeoutError || e instanceof TypeError) {
          // A timeout or a network failure: the server may have acted, so only idempotent calls repeat.
          if (!idempotent) throw e;
          delayMs = this.backoff(attempt);
        } else {
          throw e;
        }
        if (attempt > this.retry.maxRetries) throw e;
      }
      this.options.onRetry?.({ attempt, delayMs, status, error: failure, method, url });
      await this.sleep(delayMs, req.signal);
    }
  }

  private async attempt<T>(req: PipelineRequest, method: string, url: string): Promise<T> {
    const signals: AbortSignal[] = [];
    if (req.signal) signals.push(req.signal);
    const timeout = this.timeoutMs > 0 ? AbortSignal.timeout(this.timeoutMs) : undefined;
    if (timeout) signals.push(timeout);
    const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.authenticate !== false) Object.assign(headers, await this.authorization(signal));
    let body: RequestBody | undefined = req.body;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signal ? { signal } : {}),
      });
      const text = await res.text();
      if (!res.ok) {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text
        }
        throw errorFor(method, url, res.status, parsed, text, res.headers.get('retry-after'));
      }
      if (req.responseType === 'text') return text as T;
      if (req.responseType === 'none' || text === '') return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        return text as T;
      }
    } catch (e) {
      if (timeout?.aborted && !req.signal?.aborted) {
        throw new RequestTimeoutError(`${method} ${url}: no answer within ${this.timeoutMs} ms`, this.timeoutMs);
      }
      throw e;
    }
  }
}

function retryAfterOf(e: AppwardenError): number | undefined {
  return e instanceof ApiError ? e.retryAfterMs : undefined;
}
