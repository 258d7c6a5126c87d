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
  const message = `${options.method ?? 'GET'} ${url} → ${res.status}: ${errorMessage(parsed, text.slice(0, 200))}`;
  if (res.status === 401) throw new AuthenticationError(message, 401, parsed, undefined, []);
  if (res.status === 403) throw new PermissionError(message, 403, parsed);
  if (res.status === 429) throw new ThrottledError(message, 429, parsed, retryAfterMs(res.headers.get('retry-after')));
  throw new ApiError(message, res.status, parsed);
}
