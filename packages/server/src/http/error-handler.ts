import crypto from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderCloudAppsError } from './cloudapps-error-renderer.js';
import { NO_STORE_HEADERS, renderEntraError } from './entra-error-renderer.js';
import { AppError, CloudAppsError, EntraError, GraphError } from './errors.js';
import { renderGraphError } from './graph-error-renderer.js';
import { renderOperatorError } from './operator-error-renderer.js';
import { wireFormatFor } from './wire-format.js';

export interface ErrorContext {
  origin: () => string;
  now: () => number;
}

/** The client's correlation id: MSAL sends `client-request-id` as a header, a query or a form field. */
export function clientRequestId(req: FastifyRequest): string | undefined {
  const h = req.headers['client-request-id'];
  if (typeof h === 'string' && h) return h;
  const q = (req.query as Record<string, unknown> | undefined)?.['client-request-id'];
  if (typeof q === 'string' && q) return q;
  const b = (req.body as Record<string, unknown> | undefined)?.['client-request-id'];
  return typeof b === 'string' && b ? b : undefined;
}

/** Turns anything thrown into an AppError; framework errors keep their status, the rest become 500s. */
function normalise(err: unknown, format: ReturnType<typeof wireFormatFor>): AppError {
  if (err instanceof AppError) {
    if (format === 'entra' && !(err instanceof EntraError) && err.status < 500) return new EntraError('malformedRequest', {}, err.message);
    return err;
  }
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (format === 'entra' && status < 500) return new EntraError('malformedRequest', {}, fe.message);
  if (status === 413) return new AppError('payload_too_large', 413, 'The request body is larger than the configured limit.', fe.message);
  if (status === 415) return new AppError('unsupported_media_type', 415, 'Unsupported Content-Type.', fe.message);
  if (status < 500) return new AppError(fe.code ?? 'bad_request', status, fe.message);
  return new AppError(
    'internal_error',
    500,
    'An internal error occurred. The request id identifies it in the server log.',
    fe.stack ?? String(err),
  );
}

/** Renders every error in its path's wire format: this and the four renderers are the only places that do. */
export function sendError(req: FastifyRequest, reply: FastifyReply, thrown: unknown, ctx: ErrorContext): FastifyReply {
  const format = wireFormatFor(req.url);
  const err = normalise(thrown, format);
  const level = err.status >= 500 ? 'error' : 'info';
  req.log[level]({ code: err.code, status: err.status, detail: err.detail ?? err.message }, 'request failed');
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  const cid = clientRequestId(req);
  if (err instanceof EntraError || format === 'entra') {
    // A server failure stays a 5xx (MSAL retries those); only client mistakes become invalid_request.
    const e =
      err instanceof EntraError
        ? err
        : err.status >= 500
          ? new EntraError('serverError', {}, err.detail)
          : new EntraError('malformedRequest', {}, err.detail);
    reply.headers(NO_STORE_HEADERS);
    return reply
      .code(e.status)
      .type('application/json; charset=utf-8')
      .send(renderEntraError(e, { origin: ctx.origin(), traceId: req.id, correlationId: cid, now: ctx.now() }));
  }
  if (err instanceof GraphError || format === 'graph') {
    return reply
      .code(err.status)
      .type('application/json')
      .send(renderGraphError(err, { requestId: req.id, clientRequestId: cid, now: ctx.now() }));
  }
  if (err instanceof CloudAppsError || format === 'cloudapps') {
    return reply.code(err.status).type('application/json').send(renderCloudAppsError(err));
  }
  return reply.code(err.status).type('application/json').send(renderOperatorError(err, req.id));
}

export function registerErrorHandling(app: FastifyInstance, ctx: ErrorContext): void {
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err, ctx));
  app.setNotFoundHandler((req, reply) => {
    const format = wireFormatFor(req.url);
    const err =
      format === 'graph'
        ? new GraphError(
            'BadRequest',
            400,
            `Resource not found for the segment '${req.url.split('?')[0]!.split('/').filter(Boolean)[1] ?? ''}'.`,
          )
        : format === 'cloudapps'
          ? new CloudAppsError('not_found', 404, 'Not found.')
          : format === 'entra'
            ? new AppError('not_found', 404, `No route for ${req.method} ${req.url.split('?')[0]}.`)
            : new AppError('not_found', 404, `No route for ${req.method} ${req.url.split('?')[0]}.`);
    if (format === 'entra') {
      return reply.code(404).type('application/json').send(renderOperatorError(err, req.id));
    }
    return sendError(req, reply, err, ctx);
  });
}

export const newRequestId = () => crypto.randomUUID();
