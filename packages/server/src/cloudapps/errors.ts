import { errors, type InvalidInput, type SemanticError } from '../http/errors.js';

/** A 400 about one request parameter; the Cloud Apps renderer gives it the shape clients parse. */
export function invalidParameter(param: string, message: string, value?: unknown): InvalidInput {
  return errors.invalidInput(message, { param, value });
}

export const notFound = (): SemanticError => errors.notFound();
