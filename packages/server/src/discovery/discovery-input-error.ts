import { AppError } from '../http/errors.js';

/** Stable codes of logs that cannot be processed; the message is the upload job's error text. */
export const DISCOVERY_INPUT_CODES = [
  'UNSUPPORTED_LOG_TYPE',
  'UNSUPPORTED_FILE_TYPE',
  'INPUT_TOO_LARGE',
  'ABORTED',
  'TIME_BUDGET_EXCEEDED',
] as const;

export type DiscoveryInputErrorCode = (typeof DISCOVERY_INPUT_CODES)[number];

/**
 * A log that cannot be processed (unknown format, broken archive, too large). Its message is
 * complete as it stands: the job shows it to the user unchanged.
 */
export class DiscoveryInputError extends AppError {
  declare readonly code: DiscoveryInputErrorCode;
  constructor(code: DiscoveryInputErrorCode, message: string) {
    super(code, 400, message);
    // Parse workers send errors back by name: subclasses must arrive as this class.
    this.name = 'DiscoveryInputError';
  }
}

/** A structurally broken zip archive. */
export class ZipFormatError extends DiscoveryInputError {
  constructor(reason: string) {
    super('UNSUPPORTED_FILE_TYPE', `Unsupported file type: ${reason}`);
  }
}
