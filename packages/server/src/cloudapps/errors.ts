import { CloudAppsError } from '../http/errors.js';

/**
 * A 400 about one request parameter, in the shape the XSOAR test data records ("shape A"), with
 * Siemplify's `errors` list and DRF's `detail` alongside so that every client finds its key.
 */
export function invalidParameter(param: string, message: string, value?: unknown): CloudAppsError {
  return new CloudAppsError(
    'invalid_parameter',
    400,
    message,
    undefined,
    {},
    {
      [param]: [
        {
          error: message,
          errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE',
          errorMessageParams: { value: value === undefined ? null : value },
        },
      ],
      error: true,
      errors: [{ error: message }],
    },
  );
}

export const notFound = () => new CloudAppsError('not_found', 404, 'Not found.');
