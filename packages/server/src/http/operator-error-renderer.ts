import type { AppError } from './errors.js';

/** Appwarden's own endpoints (operator, health) use `{"error":{"code","message","requestId"}}`. */
export function renderOperatorError(err: AppError, requestId: string) {
  return { error: { code: err.code, message: err.publicMessage, requestId } };
}
