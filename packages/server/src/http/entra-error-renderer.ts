import crypto from 'node:crypto';
import { EntraError, type AppError } from './errors.js';

/** Entra's timestamp format: `yyyy-MM-dd HH:mm:ssZ`. */
export function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The no-store headers Entra sends on every token and error response. */
export const NO_STORE_HEADERS = {
  'cache-control': 'no-store, no-cache',
  pragma: 'no-cache',
  expires: '-1',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The AADSTS error an error becomes on an identity path: Entra's vocabulary has no semantic codes,
 * so a server failure stays a 5xx (MSAL retries those) and every client mistake is invalid_request.
 */
export function entraErrorFor(err: AppError): EntraError {
  return err instanceof EntraError ? err : new EntraError(entraKeyFor(err), {}, err.detail ?? err.message);
}

/** The AADSTS key a non-Entra error becomes. */
export const entraKeyFor = (err: AppError): 'serverError' | 'malformedRequest' => (err.status >= 500 ? 'serverError' : 'malformedRequest');

/** Renders an identity-platform error in Entra's OAuth JSON shape (reference §2.1). */
export function renderEntraError(
  err: EntraError,
  ctx: { origin: string; traceId: string; correlationId: string | undefined; now: number },
): Record<string, unknown> {
  const timestamp = entraTimestamp(ctx.now);
  const correlationId = ctx.correlationId ?? crypto.randomUUID();
  return {
    error: err.oauthError,
    error_description: `AADSTS${err.aadsts}: ${err.publicMessage}\r\nTrace ID: ${ctx.traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.aadsts],
    timestamp,
    trace_id: ctx.traceId,
    correlation_id: correlationId,
    error_uri: `${ctx.origin}/error?code=${err.aadsts}`,
  };
}
