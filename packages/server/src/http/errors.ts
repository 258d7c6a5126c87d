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

/**
 * What went wrong, independent of any wire format: services and route handlers throw these, and
 * each wire format's renderer (http/*-error-renderer.ts) maps the code to its own code and status.
 * `status` is the default; `message` is used when the thrower gives none, and a renderer may
 * replace it with its format's own wording (Graph's "Insufficient privileges…").
 */
export const SEMANTIC_CODES = {
  invalid_input: { status: 400, message: 'The request is not valid.' },
  unverified_domain: { status: 400, message: 'The host name is not on a verified domain of the tenant.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  unsupported_query: { status: 400, message: 'The query is not supported.' },
  bad_request: { status: 400, message: 'Bad request.' },
  unauthenticated: { status: 401, message: 'Authentication failed.' },
  denied: { status: 403, message: 'Permission denied.' },
  not_found: { status: 404, message: 'Not found.' },
  no_route: { status: 404, message: 'No such route.' },
  method_not_allowed: { status: 405, message: 'The method is not allowed on this path.' },
  conflict: { status: 409, message: 'The request conflicts with the current state.' },
  payload_too_large: { status: 413, message: 'The request body is larger than the configured limit.' },
  unsupported_media_type: { status: 415, message: 'Unsupported Content-Type.' },
  throttled: { status: 429, message: 'Too many requests.' },
  internal_error: { status: 500, message: 'An internal error occurred. The request id identifies it in the server log.' },
  unavailable: { status: 503, message: 'Service temporarily unavailable, try again later.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type SemanticCode = keyof typeof SEMANTIC_CODES;

export interface SemanticErrorOptions {
  detail?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Only for `bad_request`: the status the HTTP framework chose. */
  status?: number | undefined;
}

/** A semantic error: the code says what went wrong, the renderer of the path's format says how. */
export class SemanticError extends AppError {
  declare readonly code: SemanticCode;
  /** True when the thrower gave no message, so the renderer may use its format's own default. */
  readonly defaultMessage: boolean;
  constructor(code: SemanticCode, message?: string, options: SemanticErrorOptions = {}) {
    const def = SEMANTIC_CODES[code];
    super(code, options.status ?? def.status, message ?? def.message, options.detail, options.headers);
    this.defaultMessage = message === undefined;
  }
}

/**
 * Invalid input. `param` names the offending request parameter when there is one (the Cloud Apps
 * format renders it in the body, with the rejected `value`).
 */
export class InvalidInput extends SemanticError {
  constructor(
    message: string,
    readonly param?: string,
    readonly value?: unknown,
    detail?: string,
  ) {
    super('invalid_input', message, { detail });
  }
}

/** A request that names no route; renderers word it per format (Graph names the segment). */
export class NoRoute extends SemanticError {
  constructor(
    readonly method: string,
    readonly path: string,
  ) {
    super('no_route', `No route for ${method} ${path}.`);
  }
}

const retryAfter = (seconds: number | undefined): Record<string, string> =>
  seconds === undefined ? {} : { 'Retry-After': String(seconds) };

/** Every semantic error in one place (as Azurite's StorageErrorFactory): what services throw. */
export const errors = {
  invalidInput: (message: string, where?: { param: string; value?: unknown }, detail?: string) =>
    new InvalidInput(message, where?.param, where?.value, detail),
  /** A host name (an identifier URI's) that is not a verified domain of the caller's tenant. */
  unverifiedDomain: (message: string) => new SemanticError('unverified_domain', message),
  invalidJson: () => new SemanticError('invalid_json'),
  unsupportedQuery: (message: string) => new SemanticError('unsupported_query', message),
  unauthenticated: (message?: string, detail?: string, headers?: Record<string, string>) =>
    new SemanticError('unauthenticated', message, { detail, headers }),
  denied: (message?: string, detail?: string) => new SemanticError('denied', message, { detail }),
  notFound: (message?: string, detail?: string) => new SemanticError('not_found', message, { detail }),
  noRoute: (method: string, path: string) => new NoRoute(method, path),
  methodNotAllowed: (message?: string) => new SemanticError('method_not_allowed', message),
  conflict: (message: string, detail?: string) => new SemanticError('conflict', message, { detail }),
  payloadTooLarge: (message?: string, detail?: string) => new SemanticError('payload_too_large', message, { detail }),
  unsupportedMediaType: (detail?: string) => new SemanticError('unsupported_media_type', undefined, { detail }),
  /** A client error the HTTP framework reported without a code of its own. */
  badRequest: (status: number, message: string) => new SemanticError('bad_request', message, { status }),
  throttled: (message: string, retryAfterSeconds?: number, detail?: string) =>
    new SemanticError('throttled', message, { detail, headers: retryAfter(retryAfterSeconds) }),
  internal: (detail?: string, message?: string) => new SemanticError('internal_error', message, { detail }),
  unavailable: (message?: string, retryAfterSeconds?: number, detail?: string) =>
    new SemanticError('unavailable', message, { detail, headers: retryAfter(retryAfterSeconds) }),
};

/** An identity-platform error with its AADSTS code: Entra's vocabulary has no semantic equivalent. */
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

/**
 * Azure Blob Storage error codes that have no semantic equivalent (the upload URL's own protocol
 * errors); the blob renderer maps semantic errors to the rest.
 */
export const BLOB_CODES = {
  BlobImmutable: 409,
  BlockCountExceedsLimit: 409,
  InvalidBlockList: 400,
  InvalidHeaderValue: 400,
  InvalidQueryParameterValue: 400,
  InvalidXmlDocument: 400,
  MissingRequiredHeader: 400,
} as const satisfies Record<string, number>;

export type BlobCode = keyof typeof BLOB_CODES;

/** An error of the upload URL's Azure Blob protocol, rendered as Azure's XML `<Error>`. */
export class BlobError extends AppError {
  declare readonly code: BlobCode;
  constructor(code: BlobCode, message: string, detail?: string) {
    super(code, BLOB_CODES[code], message, detail);
  }
}

/**
 * Azure Resource Manager error codes that have no semantic equivalent (its request validation and
 * token checks); the ARM renderer maps semantic errors to the rest.
 */
export const ARM_CODES = {
  MissingApiVersionParameter: 400,
  InvalidApiVersionParameter: 400,
  AuthenticationFailed: 401,
  InvalidAuthenticationToken: 401,
  InvalidAuthenticationTokenAudience: 401,
  SubscriptionNotFound: 404,
  InvalidResourceNamespace: 404,
} as const satisfies Record<string, number>;

export type ArmCode = keyof typeof ARM_CODES;

/** An Azure Resource Manager error, rendered as ARM's `{"error":{"code","message"}}`. */
export class ArmError extends AppError {
  declare readonly code: ArmCode;
  constructor(code: ArmCode, message: string, detail?: string, headers?: Record<string, string>) {
    super(code, ARM_CODES[code], message, detail, headers);
  }
}
