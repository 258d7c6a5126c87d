import { SemanticError } from '../http/errors.js';

/**
 * A bearer token that fails verification. The resource server that catches it answers in its own
 * words (with its challenge header); `message` is the reason, kept for the log.
 */
export class TokenRejected extends SemanticError {
  constructor(reason: string) {
    super('unauthenticated', 'Invalid token', { detail: reason });
    this.message = reason;
  }
}
