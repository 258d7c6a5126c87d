/** Typed errors of the SDK; `status` and `body` carry what the server answered. */
export class AppwardenError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The identity platform refused to issue a token (an Entra OAuth error with AADSTS codes). */
export class AuthenticationError extends AppwardenError {
  constructor(
    message: string,
    status: number | undefined,
    body: unknown,
    readonly error: string | undefined,
    readonly errorCodes: number[],
  ) {
    super(message, status, body);
  }
}

/** 403: the credential is valid but lacks the permission. */
export class PermissionError extends AppwardenError {}

/** 429: throttled; `retryAfterMs` comes from Retry-After. */
export class ThrottledError extends AppwardenError {
  constructor(
    message: string,
    status: number,
    body: unknown,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message, status, body);
  }
}

/** Any other non-2xx answer; `retryAfterMs` when a 503 carried Retry-After. */
export class ApiError extends AppwardenError {
  constructor(
    message: string,
    status: number | undefined,
    body: unknown,
    readonly retryAfterMs?: number,
  ) {
    super(message, status, body);
  }
}

/** The server did not answer within the client's `timeoutMs` (after any retries). */
export class RequestTimeoutError extends AppwardenError {
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message, undefined, undefined);
  }
}
