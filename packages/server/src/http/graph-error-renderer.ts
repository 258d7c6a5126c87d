import { NoRoute, SemanticError, type AppError, type SemanticCode } from './errors.js';
import { entraTimestamp } from './entra-error-renderer.js';

/**
 * Microsoft Graph's code for each semantic code, with Graph's status where it differs and Graph's
 * wording when the thrower gave no message. Codes not listed keep their own name.
 */
export const GRAPH_CODES: Partial<Record<SemanticCode, { code: string; status?: number; message?: string }>> = {
  invalid_input: { code: 'Request_BadRequest' },
  unverified_domain: { code: 'HostNameNotOnVerifiedDomain' },
  unsupported_query: { code: 'Request_UnsupportedQuery' },
  unauthenticated: { code: 'InvalidAuthenticationToken' },
  denied: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' },
  not_found: {
    code: 'Request_ResourceNotFound',
    message: 'Resource does not exist or one of its queried reference-property objects are not present.',
  },
  // Graph answers an unknown path segment with 400 BadRequest, not 404.
  no_route: { code: 'BadRequest', status: 400 },
  method_not_allowed: { code: 'Request_BadRequest', message: 'Specified HTTP method is not allowed for the request target.' },
  // Graph answers a duplicate key with 400, not 409.
  conflict: { code: 'Request_MultipleObjectsWithSameKeyValue', status: 400 },
};

/** The Graph code, status and message of an error. */
export function graphWire(err: AppError): { code: string; status: number; message: string } {
  if (!(err instanceof SemanticError)) return { code: err.code, status: err.status, message: err.publicMessage };
  const m = GRAPH_CODES[err.code];
  const message =
    err instanceof NoRoute
      ? `Resource not found for the segment '${err.path.split('/').filter(Boolean)[1] ?? ''}'.`
      : err.defaultMessage && m?.message
        ? m.message
        : err.publicMessage;
  return { code: m?.code ?? err.code, status: m?.status ?? err.status, message };
}

/** Microsoft Graph's error body: `{"error":{"code","message","innerError":{date, request-id, client-request-id}}}`. */
export function renderGraphError(err: AppError, ctx: { requestId: string; clientRequestId: string | undefined; now: number }) {
  const wire = graphWire(err);
  return {
    status: wire.status,
    body: {
      error: {
        code: wire.code,
        message: wire.message,
        innerError: {
          date: new Date(ctx.now).toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': ctx.requestId,
          'client-request-id': ctx.clientRequestId ?? ctx.requestId,
        },
      },
    },
  };
}

export { entraTimestamp };
