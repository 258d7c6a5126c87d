import { InvalidInput, NoRoute, type AppError } from './errors.js';

/**
 * A 400 about one request parameter, in the shape the XSOAR test data records ("shape A"), with
 * Siemplify's `errors` list and DRF's `detail` alongside so that every client finds its key.
 */
function parameterShape(err: InvalidInput, param: string): Record<string, unknown> {
  return {
    [param]: [
      {
        error: err.publicMessage,
        errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE',
        errorMessageParams: { value: err.value === undefined ? null : err.value },
      },
    ],
    error: true,
    errors: [{ error: err.publicMessage }],
  };
}

/**
 * Defender for Cloud Apps answers errors as `{"detail": "<message>"}` with the semantic status; the
 * code is not on the wire (it is logged).
 */
export function renderCloudAppsError(err: AppError) {
  const detail = err instanceof NoRoute ? 'Not found.' : err.publicMessage;
  const extra = err instanceof InvalidInput && err.param !== undefined ? parameterShape(err, err.param) : {};
  return { status: err.status, body: { detail, ...extra } };
}
