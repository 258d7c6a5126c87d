import { SemanticError, type AppError, type SemanticCode } from './errors.js';

/** The operator endpoints' code for each semantic code; codes not listed keep their own name. */
export const OPERATOR_CODES: Partial<Record<SemanticCode, string>> = {
  invalid_input: 'invalid_request',
  unverified_domain: 'invalid_request',
  unsupported_query: 'invalid_request',
  unauthenticated: 'unauthorized',
  denied: 'forbidden',
  no_route: 'not_found',
};

export const operatorCode = (err: AppError): string => (err instanceof SemanticError ? (OPERATOR_CODES[err.code] ?? err.code) : err.code);

/** Appwarden's own endpoints (operator, health) use `{"error":{"code","message","requestId"}}`. */
export function renderOperatorError(err: AppError, requestId: string) {
  return { status: err.status, body: { error: { code: operatorCode(err), message: err.publicMessage, requestId } } };
}
