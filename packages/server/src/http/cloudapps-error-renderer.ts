import type { AppError } from './errors.js';

/** Defender for Cloud Apps answers errors as `{"detail": "<message>"}`. */
export function renderCloudAppsError(err: AppError) {
  return { detail: err.publicMessage };
}
