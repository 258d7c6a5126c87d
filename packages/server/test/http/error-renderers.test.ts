// One semantic error, five wire formats: what each renderer puts on the wire.
import { describe, expect, it } from 'vitest';
import { invalidParameter } from '../../src/cloudapps/errors.js';
import { ZipFormatError } from '../../src/discovery/discovery-input-error.js';
import { renderBlobError } from '../../src/http/blob-error-renderer.js';
import { renderCloudAppsError } from '../../src/http/cloudapps-error-renderer.js';
import { entraErrorFor } from '../../src/http/entra-error-renderer.js';
import { AppError, BlobError, EntraError, errors } from '../../src/http/errors.js';
import { renderGraphError } from '../../src/http/graph-error-renderer.js';
import { renderOperatorError } from '../../src/http/operator-error-renderer.js';
import { TokenRejected } from '../../src/identity/access-token-verifier.js';

const NOW = Date.UTC(2025, 2, 10, 9, 0, 0);
const graph = (e: AppError) => renderGraphError(e, { requestId: 'req-1', clientRequestId: undefined, now: NOW });

describe('error renderers', () => {
  it('Graph: semantic codes become Graph codes, with Graph wording when the thrower gave none', () => {
    expect(graph(errors.notFound())).toEqual({
      status: 404,
      body: {
        error: {
          code: 'Request_ResourceNotFound',
          message: 'Resource does not exist or one of its queried reference-property objects are not present.',
          innerError: { date: '2025-03-10T09:00:00', 'request-id': 'req-1', 'client-request-id': 'req-1' },
        },
      },
    });
    expect(graph(errors.conflict('Permission being assigned already exists on the object')).status).toBe(400);
    expect(graph(errors.methodNotAllowed()).body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: expect.stringMatching(/HTTP method/),
    });
    expect(graph(errors.noRoute('GET', '/v1.0/widgets/1'))).toMatchObject({
      status: 400,
      body: { error: { code: 'BadRequest', message: "Resource not found for the segment 'widgets'." } },
    });
    expect(graph(errors.invalidJson()).body.error.code).toBe('invalid_json');
  });

  it('Cloud Apps: `detail` only, plus the parameter shape clients parse when a parameter is named', () => {
    expect(renderCloudAppsError(invalidParameter('skip', 'skip must not be negative', -1))).toEqual({
      status: 400,
      body: {
        detail: 'skip must not be negative',
        skip: [
          { error: 'skip must not be negative', errorMessageCode: 'CONSOLE_FORMS_NOT_VALID_VALUE', errorMessageParams: { value: -1 } },
        ],
        error: true,
        errors: [{ error: 'skip must not be negative' }],
      },
    });
    expect(renderCloudAppsError(errors.noRoute('GET', '/api/v1/nothing/'))).toEqual({ status: 404, body: { detail: 'Not found.' } });
    expect(renderCloudAppsError(errors.throttled('Request was throttled.', 7))).toEqual({
      status: 429,
      body: { detail: 'Request was throttled.' },
    });
  });

  it('operator: its own names for the semantic codes', () => {
    const op = (e: AppError) => renderOperatorError(e, 'req-2').body.error.code;
    expect(
      [errors.invalidInput('x'), errors.unauthenticated(), errors.denied(), errors.noRoute('GET', '/x'), errors.conflict('x')].map(op),
    ).toEqual(['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict']);
  });

  it('Entra: client mistakes are malformedRequest, failures serverError, AADSTS errors stay themselves', () => {
    expect(entraErrorFor(errors.invalidInput('x')).aadsts).toBe(9002313);
    expect(entraErrorFor(errors.internal('boom')).aadsts).toBe(90033);
    const own = new EntraError('tenantNotFound', { tenant: 'x' });
    expect(entraErrorFor(own)).toBe(own);
  });

  it('Azure Blob: blob codes as thrown, semantic codes mapped, anything unexpected a generic InternalError', () => {
    const blob = (e: AppError) => renderBlobError(e, { requestId: 'req-3', now: NOW });
    expect(blob(new BlobError('BlobImmutable', 'Already submitted.'))).toMatchObject({
      status: 409,
      headers: { 'x-ms-error-code': 'BlobImmutable' },
    });
    expect(blob(errors.unauthenticated('Signed expiry time has passed.'))).toMatchObject({
      status: 403,
      headers: { 'x-ms-error-code': 'AuthenticationFailed' },
    });
    const internal = blob(errors.internal('ENOSPC: no space left on device'));
    expect(internal).toMatchObject({ status: 500, headers: { 'x-ms-error-code': 'InternalError' } });
    expect(internal.body).toContain(
      '<Message>The server encountered an internal error.\nRequestId:req-3\nTime:2025-03-10T09:00:00.000Z</Message>',
    );
    expect(internal.body).not.toContain('ENOSPC');
  });

  it('errors raised below the HTTP layer are AppErrors with stable codes', () => {
    const rejected = new TokenRejected('bad signature');
    expect(rejected).toBeInstanceOf(AppError);
    expect([rejected.code, rejected.status, rejected.message]).toEqual(['unauthenticated', 401, 'bad signature']);
    // Parse workers send errors back by name: a broken zip must arrive as a DiscoveryInputError.
    const zip = new ZipFormatError('truncated zip entry');
    expect([zip.name, zip.code, zip.publicMessage]).toEqual([
      'DiscoveryInputError',
      'UNSUPPORTED_FILE_TYPE',
      'Unsupported file type: truncated zip entry',
    ]);
  });
});
