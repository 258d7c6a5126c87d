import { InvalidInput, NoRoute, type AppError } from './errors.js';

/** Longest message and echoed value in an error body: a megabyte parameter is not sent back. */
const MAX_ECHO_CHARS = 512;

const clip = (s: string) => (s.length > MAX_ECHO_CHARS ? `${s.slice(0, MAX_ECHO_CHARS)}…` : s);

/** The offending value as sent when it is small, else its start as a string. */
function echo(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return clip(value);
  if (typeof value !== 'object') return value;
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return null;
  }
  return text.length > MAX_ECHO_CHARS ? clip(text) : value;
}

/**
 * A 400 about one request parameter, in the shape the XSOAR test data records ("shape A"), with
 * Siemplify's `errors` list and DRF's `detail` alongside so that every client finds its key.
 */
function parameterShape(err: InvalidInput, param: string): Record<string, unknown> {
  return {
    [param]: [
      {
        error: clip(err.publicMessage),
        errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE',
        errorMessageParams: { value: echo(err.value) },
      },
    ],
    error: true,
    errors: [{ error: clip(err.publicMessage) }],
  };
}

/**
 * Defender for Cloud Apps answers errors as `{"detail": "<message>"}` with the semantic status; the
 * code is not on the wire (it is logged).
 */
export function renderCloudAppsError(err: AppError) {
  const detail = err instanceof NoRoute ? 'Not found.' : clip(err.publicMessage);
  const extra = err instanceof InvalidInput && err.param !== undefined ? parameterShape(err, err.param) : {};
  return { status: err.status, body: { detail, ...extra } };
}
