import { AADSTS, formatAadstsMessage, type AadstsKey } from '@appwarden/protocol';

/**
 * The one error base class. `code` is stable and documented (docs/errors.md; a test checks that),
 * `publicMessage` is what the caller sees, `detail` goes only to the log.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly publicMessage: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ? `${publicMessage} (${detail})` : publicMessage);
    this.name = new.target.name;
  }
}

/** An identity-platform error, rendered in Entra's OAuth JSON shape with its AADSTS code. */
export class EntraError extends AppError {
  readonly aadsts: number;
  readonly oauthError: string;
  constructor(key: AadstsKey, values: Record<string, string | number | undefined> = {}, detail?: string, headers?: Record<string, string>) {
    const def = AADSTS[key];
    super(`AADSTS${def.code}`, def.status, formatAadstsMessage(def.message, values), detail, headers);
    this.aadsts = def.code;
    this.oauthError = def.error;
  }
}

/** A management-API error, rendered in Microsoft Graph's `{"error":{"code","message","innerError"}}` shape. */
export class GraphError extends AppError {}

export const graphErrors = {
  badRequest: (message: string, detail?: string) => new GraphError('Request_BadRequest', 400, message, detail),
  notFound: (message = 'Resource does not exist or one of its queried reference-property objects are not present.') =>
    new GraphError('Request_ResourceNotFound', 404, message),
  denied: (message = 'Insufficient privileges to complete the operation.') => new GraphError('Authorization_RequestDenied', 403, message),
  unauthenticated: (message: string, detail?: string) => new GraphError('InvalidAuthenticationToken', 401, message, detail),
  conflict: (message: string) => new GraphError('Request_MultipleObjectsWithSameKeyValue', 400, message),
  unsupportedQuery: (message: string) => new GraphError('Request_UnsupportedQuery', 400, message),
  methodNotAllowed: () => new GraphError('Request_BadRequest', 405, 'Specified HTTP method is not allowed for the request target.'),
};

/**
 * A Cloud Apps API error, rendered as `{"detail": ...}` like the real service; `body` adds keys
 * next to `detail` (the 400 shape that names the offending parameter).
 */
export class CloudAppsError extends AppError {
  constructor(
    code: string,
    status: number,
    publicMessage: string,
    detail?: string,
    headers: Record<string, string> = {},
    readonly body: Record<string, unknown> = {},
  ) {
    super(code, status, publicMessage, detail, headers);
  }
}

/** An Appwarden operator (non-Microsoft) endpoint error, rendered as `{"error":{"code","message"}}`. */
export class OperatorError extends AppError {}
