import crypto from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderArmError } from './arm-error-renderer.js';
import { renderBlobError } from './blob-error-renderer.js';
import { renderCloudAppsError } from './cloudapps-error-renderer.js';
import { NO_STORE_HEADERS, entraErrorFor, renderEntraError } from './entra-error-renderer.js';
import { AppError, EntraError, NoRoute, errors } from './errors.js';
import { renderGraphError } from './graph-error-renderer.js';
import { renderOperatorError } from './operator-error-renderer.js';
import { wireFormatFor, type WireFormat } from './wire-format.js';

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
function normalise(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const fe = err as FastifyError;
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600 ? fe.statusCode : 500;
  if (status === 413) return errors.payloadTooLarge(undefined, fe.message);
  if (status === 415) return errors.unsupportedMediaType(fe.message);
  // The framework's own code (FST_ERR_…) is passed through: it names the problem better than we could.
  if (status < 500) return fe.code ? new AppError(fe.code, status, fe.message) : errors.badRequest(status, fe.message);
  return errors.internal(fe.stack ?? String(err));
}

/** The format an error is rendered in: the route's own (`config.wireFormat`), else its path's. */
function formatOf(req: FastifyRequest, err: AppError): WireFormat {
  const declared = (req.routeOptions.config as { wireFormat?: WireFormat } | undefined)?.wireFormat;
  const format = declared ?? wireFormatFor(req.url);
  // An AADSTS error is Entra's wherever it is thrown.
  if (err instanceof EntraError) return 'entra';
  // Identity paths have no "no such route" in Entra's vocabulary: they answer in the operator shape.
  if (format === 'entra' && err instanceof NoRoute) return 'operator';
  return format;
}

/** Renders every error in its wire format: this and the six renderers are the only places that do. */
export function sendError(req: FastifyRequest, reply: FastifyReply, thrown: unknown, ctx: ErrorContext): FastifyReply {
  const err = normalise(thrown);
  const format = formatOf(req, err);
  const level = err.status >= 500 ? 'error' : 'info';
  req.log[level]({ code: err.code, status: err.status, detail: err.detail ?? err.message }, 'request failed');
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  const cid = clientRequestId(req);
  switch (format) {
    case 'entra': {
      const e = entraErrorFor(err);
      reply.headers(NO_STORE_HEADERS);
      return reply
        .code(e.status)
        .type('application/json; charset=utf-8')
        .send(renderEntraError(e, { origin: ctx.origin(), traceId: req.id, correlationId: cid, now: ctx.now() }));
    }
    case 'graph': {
      const r = renderGraphError(err, { requestId: req.id, clientRequestId: cid, now: ctx.now() });
      return reply.code(r.status).type('application/json').send(r.body);
    }
    case 'cloudapps': {
      const r = renderCloudAppsError(err);
      return reply.code(r.status).type('application/json').send(r.body);
    }
    case 'blob': {
      const r = renderBlobError(err, { requestId: req.id, now: ctx.now() });
      // The body of a rejected upload was not read: close rather than drain gigabytes.
      if (req.method === 'PUT' && !req.raw.readableEnded) reply.header('connection', 'close');
      return reply.code(r.status).headers(r.headers).type('application/xml').send(r.body);
    }
    case 'arm': {
      const r = renderArmError(err);
      return reply.code(r.status).type('application/json; charset=utf-8').send(r.body);
    }
    case 'operator': {
      const r = renderOperatorError(err, req.id);
      return reply.code(r.status).type('application/json').send(r.body);
    }
  }
}

/**
 * Errors Fastify raises before routing (a malformed percent-encoding in the path, FST_ERR_BAD_URL; a
 * bad content-type header): rendered in the path's wire format like every other error, not in the
 * framework's own shape. Passed as Fastify's `frameworkErrors` option.
 */
export function frameworkErrorHandler(ctx: ErrorContext) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): void => {
    sendError(req, reply, err, ctx);
  };
}

export function registerErrorHandling(app: FastifyInstance, ctx: ErrorContext): void {
  app.setErrorHandler((err, req, reply) => sendError(req, reply, err, ctx));
  app.setNotFoundHandler((req, reply) => sendError(req, reply, errors.noRoute(req.method, req.url.split('?')[0]!), ctx));
}

export const newRequestId = () => crypto.randomUUID();
