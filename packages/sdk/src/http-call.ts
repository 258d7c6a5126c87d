import { ApiError, PermissionError, ThrottledError, AuthenticationError } from './errors.js';
import type { FetchLike } from './credentials.js';

export interface CallOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(value);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

/** Extracts a readable message from the three error shapes (Graph, Cloud Apps, Entra). */
export function errorMessage(body: unknown, fallback: string): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const e = b.error;
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') {
      return `${String((e as Record<string, unknown>).code ?? '')}: ${String((e as Record<string, unknown>).message)}`.replace(/^: /, '');
    }
    if (typeof b.detail === 'string') return b.detail;
    if (typeof b.error_description === 'string') return b.error_description.split('\r\n')[0]!;
    // Cloud Apps 400: {"<param>": [{"error": "..."}], "error": true} or {"errors": [{"error": "..."}]}
    for (const v of Object.values(b)) {
      const first = Array.isArray(v) ? (v[0] as Record<string, unknown> | undefined) : undefined;
      if (first && typeof first.error === 'string') return first.error;
    }
  }
  return fallback;
}

/** One JSON request; non-2xx answers become typed errors. 204 yields undefined. */
export async function callJson<T>(
  fetchImpl: FetchLike,
  url: string,
  authorization: string | undefined,
  options: CallOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (authorization) headers.authorization = authorization;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const res = await fetchImpl(url, {
    method: options.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (res.ok) return parsed as T;
  throw errorFor(options.method ?? 'GET', url, res.status, parsed, text, res.headers.get('retry-after'));
}

/** The typed error for a non-2xx answer. */
export function errorFor(method: string, url: string, status: number, parsed: unknown, text: string, retryAfter: string | null): Error {
  const message = `${method} ${url} → ${status}: ${errorMessage(parsed, text.slice(0, 200))}`;
  if (status === 401) return new AuthenticationError(message, 401, parsed, undefined, []);
  if (status === 403) return new PermissionError(message, 403, parsed);
  if (status === 429) return new ThrottledError(message, 429, parsed, retryAfterMs(retryAfter));
  return new ApiError(message, status, parsed, retryAfterMs(retryAfter));
}
