import { BlobError, SemanticError, type AppError, type SemanticCode } from './errors.js';

/**
 * Azure Blob Storage's code for each semantic code, with Azure's status where it differs and its
 * wording when the thrower gave no message. Anything else is InvalidInput (4xx) or InternalError.
 */
export const BLOB_SEMANTIC_CODES: Partial<Record<SemanticCode, { code: string; status?: number; message?: string }>> = {
  invalid_input: { code: 'InvalidInput' },
  // Azure answers a bad or expired SAS with 403 AuthenticationFailed.
  unauthenticated: { code: 'AuthenticationFailed', status: 403 },
  denied: { code: 'AuthorizationFailure' },
  not_found: { code: 'BlobNotFound', message: 'The specified blob does not exist.' },
  no_route: { code: 'ResourceNotFound', message: 'The specified resource does not exist.' },
  method_not_allowed: { code: 'UnsupportedHttpVerb', message: 'The resource does not support the specified HTTP verb.' },
  payload_too_large: { code: 'RequestBodyTooLarge' },
  // Azure answers throttling with 503 ServerBusy, never 429.
  throttled: { code: 'ServerBusy', status: 503 },
  unavailable: { code: 'ServerBusy' },
  internal_error: { code: 'InternalError', message: 'The server encountered an internal error.' },
};

/** The Azure code, status and message of an error. */
export function blobWire(err: AppError): { code: string; status: number; message: string } {
  if (err instanceof BlobError) return { code: err.code, status: err.status, message: err.publicMessage };
  const m = err instanceof SemanticError ? BLOB_SEMANTIC_CODES[err.code] : undefined;
  if (m) {
    const message = (err as SemanticError).defaultMessage && m.message ? m.message : err.publicMessage;
    return { code: m.code, status: m.status ?? err.status, message };
  }
  if (err.status < 500) return { code: 'InvalidInput', status: err.status, message: err.publicMessage };
  return { code: 'InternalError', status: 500, message: 'The server encountered an internal error.' };
}

const xmlEscape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Azure's XML error body; the code also goes in `x-ms-error-code`, as Azure clients read it there. */
export function renderBlobError(err: AppError, ctx: { requestId: string; now: number }) {
  const wire = blobWire(err);
  const message = `${wire.message}\nRequestId:${ctx.requestId}\nTime:${new Date(ctx.now).toISOString()}`;
  return {
    status: wire.status,
    headers: { 'x-ms-error-code': wire.code },
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${wire.code}</Code><Message>${xmlEscape(message)}</Message></Error>`,
  };
}
