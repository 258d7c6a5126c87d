import type { AppError } from './errors.js';
import { entraTimestamp } from './entra-error-renderer.js';

/** Microsoft Graph's error body: `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`. */
export function renderGraphError(err: AppError, ctx: { requestId: string; clientRequestId: string | undefined; now: number }) {
  return {
    error: {
      code: err.code,
      message: err.publicMessage,
      innerError: {
        date: new Date(ctx.now).toISOString().replace(/\.\d{3}Z$/, ''),
        'request-id': ctx.requestId,
        'client-request-id': ctx.clientRequestId ?? ctx.requestId,
      },
    },
  };
}

export { entraTimestamp };
