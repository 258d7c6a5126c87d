import type { FastifyRequest } from 'fastify';

/**
 * Query parameters that carry a credential: an upload URL's SAS signature, authorization codes,
 * client secrets and assertions, tokens, passwords. Their values never reach the log.
 */
const SECRET_PARAMS = new Set([
  'sig',
  'code',
  'client_secret',
  'client_assertion',
  'assertion',
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'password',
  'device_code',
  'session_state',
]);

/** A request URL with the values of credential-bearing query parameters replaced by `[REDACTED]`. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        name = rawName;
      }
      return eq >= 0 && SECRET_PARAMS.has(name.toLowerCase()) ? `${rawName}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, q)}?${redacted}`;
}

/** Fastify's default request serializer, with the URL redacted (bodies are never logged). */
export function serializeRequest(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
