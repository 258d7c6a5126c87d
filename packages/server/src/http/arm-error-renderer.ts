import { ArmError, SemanticError, type AppError, type SemanticCode } from './errors.js';

/**
 * Azure Resource Manager's code for each semantic code, with ARM's status where it differs and its
 * wording when the thrower gave no message (inferred from ARM's common error codes). Anything else
 * keeps its semantic status with `BadRequest` (4xx) or `InternalServerError`.
 */
export const ARM_SEMANTIC_CODES: Partial<Record<SemanticCode, { code: string; status?: number; message?: string }>> = {
  invalid_input: { code: 'BadRequest' },
  invalid_json: { code: 'InvalidRequestContent', message: 'The request content was invalid and could not be deserialized.' },
  unsupported_query: { code: 'BadRequest' },
  unauthenticated: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
  denied: { code: 'AuthorizationFailed' },
  not_found: { code: 'ResourceNotFound' },
  no_route: { code: 'NotFound', message: 'The requested path is not served by this Resource Manager.' },
  method_not_allowed: { code: 'MethodNotAllowed' },
  conflict: { code: 'Conflict' },
  payload_too_large: { code: 'RequestEntityTooLarge' },
  unsupported_media_type: { code: 'UnsupportedMediaType' },
  throttled: { code: 'TooManyRequests' },
  internal_error: { code: 'InternalServerError', message: 'The server encountered an internal error.' },
  unavailable: { code: 'ServiceUnavailable' },
};

/** The ARM code, status and message of an error. */
export function armWire(err: AppError): { code: string; status: number; message: string } {
  if (err instanceof ArmError) return { code: err.code, status: err.status, message: err.publicMessage };
  const m = err instanceof SemanticError ? ARM_SEMANTIC_CODES[err.code] : undefined;
  if (m) {
    const message = (err as SemanticError).defaultMessage && m.message ? m.message : err.publicMessage;
    return { code: m.code, status: m.status ?? err.status, message };
  }
  if (err.status < 500) return { code: 'BadRequest', status: err.status, message: err.publicMessage };
  return { code: 'InternalServerError', status: 500, message: 'The server encountered an internal error.' };
}

/** Azure Resource Manager's error body: `{"error":{"code","message"}}`, the request id in `x-ms-request-id`. */
export function renderArmError(err: AppError) {
  const wire = armWire(err);
  return { status: wire.status, body: { error: { code: wire.code, message: wire.message } } };
}
