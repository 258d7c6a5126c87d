import { CloudAppsError, type AppError } from './errors.js';

/** Defender for Cloud Apps answers errors as `{"detail": "<message>"}` (plus parameter errors on 400s). */
export function renderCloudAppsError(err: AppError) {
  return { detail: err.publicMessage, ...(err instanceof CloudAppsError ? err.body : {}) };
}
