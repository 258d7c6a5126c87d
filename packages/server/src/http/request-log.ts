import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * Fastify's per-request log lines ("incoming request", "request completed", "Route ... not
 * found"), the same lines at a chosen level: `debug` under `--demo` (config `requestLogLevel`), so
 * that a developer's terminal shows the banner rather than a JSON line per request; errors keep
 * their own level.
 */
export class RequestLogController extends LogController {
  constructor(private readonly level: 'info' | 'debug') {
    super();
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log[this.level]({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log[this.level]({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log[this.level](`Route ${request.raw.method ?? ''}:${request.raw.url ?? ''} not found`);
  }
}
