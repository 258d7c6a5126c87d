import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// The one router abstraction of the HTTP APIs. Each area (Cloud Apps, the Graph management API,
// the operator endpoints) declares its operations as a table of routes - paths, methods, the
// permission that guards each one, as data, and a handler that sees no framework object - and
// supplies the steps that differ per area: how a caller authenticates, how a permission is
// checked, what a handler sees of a request and how a result is written. Errors thrown by those
// steps are the area's own classes, so each wire format is still rendered in one place
// (http/error-handler.ts).

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One operation: where it answers and what it does. The area's route type adds its permission field. */
export interface Route<Call> {
  methods: readonly HttpMethod[];
  /** Paths relative to the area's prefixes; `:name` segments are path parameters. */
  paths: readonly string[];
  handle(call: Call): Promise<unknown>;
}

/** A result with a status other than 200, or with headers (201 + Location, 204). */
export class RouteResponse {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** What an area's steps see of a request. */
export interface RouteRequest {
  req: FastifyRequest;
  reply: FastifyReply;
  /** Path parameters. */
  path: Record<string, string>;
}

/** The steps of an area, run in this order for every request. */
export interface RouteArea<R extends Route<Call>, Caller, Call> {
  /** Who calls; throws the area's 401. Runs before the route is known when the area resolves paths itself. */
  authenticate(request: RouteRequest, route: R | undefined): Promise<Caller>;
  /**
   * Throws the area's 403 unless the caller holds the permission the route declares. The request
   * is there for routes that also allow a caller on their own object (Graph's signed-in user).
   */
  authorize(caller: Caller, route: R, request: RouteRequest): void;
  /** The handler's view of the request (parameters, body, dependencies). */
  call(caller: Caller, request: RouteRequest, route: R): Promise<Call> | Call;
  /** Writes the handler's result. */
  send(reply: FastifyReply, result: unknown): unknown;
}

/** authorize -> call -> handle -> send, for a caller already authenticated. */
export async function runRoute<R extends Route<Call>, Caller, Call>(
  area: RouteArea<R, Caller, Call>,
  route: R,
  caller: Caller,
  request: RouteRequest,
): Promise<unknown> {
  area.authorize(caller, route, request);
  const result = await route.handle(await area.call(caller, request, route));
  return area.send(request.reply, result);
}

/**
 * Mounts a table where Fastify's router can match every path: each route at each URL `urls`
 * gives it (an area's prefixes times its paths). A request Fastify does not match never reaches
 * the area (the not-found handler answers in the area's format).
 */
export function mountRoutes<R extends Route<Call>, Caller, Call>(
  app: FastifyInstance,
  area: RouteArea<R, Caller, Call>,
  routes: readonly R[],
  urls: (route: R) => string[],
): void {
  for (const route of routes) {
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      const request: RouteRequest = { req, reply, path: (req.params ?? {}) as Record<string, string> };
      return runRoute(area, route, await area.authenticate(request, route), request);
    };
    for (const url of urls(route)) app.route({ method: [...route.methods], url, handler });
  }
}

/** Where a path resolved to: the route and its path parameters. */
export interface ResolvedRoute<R> {
  route: R;
  path: Record<string, string>;
}

/**
 * Mounts a table behind one wildcard URL, for paths Fastify's router cannot express (OData entity
 * keys such as `applications(appId='…')`, with quotes, spaces and percent-encoding). The caller
 * is authenticated first, then `resolve` finds the route (throwing the area's 400 or 405).
 */
export function mountResolvedRoutes<R extends Route<Call>, Caller, Call>(
  app: FastifyInstance,
  area: RouteArea<R, Caller, Call>,
  url: string,
  resolve: (req: FastifyRequest) => ResolvedRoute<R>,
): void {
  app.all(url, async (req, reply) => {
    const caller = await area.authenticate({ req, reply, path: {} }, undefined);
    const { route, path } = resolve(req);
    return runRoute(area, route, caller, { req, reply, path });
  });
}

/** Writes a RouteResponse (status, headers, optional JSON body); anything else is a 200 JSON body. */
export function sendJson(reply: FastifyReply, result: unknown): unknown {
  if (result instanceof RouteResponse) {
    reply.code(result.status).headers(result.headers);
    return result.body === undefined ? reply.send() : reply.send(result.body);
  }
  return result;
}
