import type http from 'node:http';
import type https from 'node:https';
import type net from 'node:net';

/**
 * Socket-level bounds of the listeners (docs/configuration.md). 20 500 idle TCP sockets once held
 * the process at its file-descriptor limit until the 120 s default TLS handshake timeout: one
 * address now holds at most `perAddress` sockets, all addresses together `total`, and a socket
 * that has not finished its TLS handshake, or sent its request headers, is closed early.
 */
export interface ConnectionLimits {
  /** Sockets open at once over all clients (`server.maxConnections`); past it new ones are dropped. */
  total: number;
  /** Sockets open at once from one source (an IPv4 address, an IPv6 /64). */
  perAddress: number;
  /** Milliseconds a client has to finish the TLS handshake. */
  tlsHandshakeMs: number;
  /** Milliseconds a client has to send a request's headers (and the check interval: a quarter of it). */
  headersMs: number;
  /** Milliseconds an idle keep-alive socket stays open between requests. */
  keepAliveMs: number;
}

/** The `https.createServer` options of these limits. */
export function tlsServerOptions(limits: ConnectionLimits): Pick<https.ServerOptions, 'handshakeTimeout'> {
  return { handshakeTimeout: limits.tlsHandshakeMs };
}

/** Applies the limits to a listener; `sourceOf` names the address a socket is counted against. */
export function applyConnectionLimits(
  server: http.Server | https.Server,
  limits: ConnectionLimits,
  sourceOf: (address: string | undefined) => string,
): { open: (source: string) => number } {
  server.maxConnections = limits.total;
  server.headersTimeout = limits.headersMs;
  // The request timeout must not be shorter than the headers timeout (Node refuses it).
  if (server.requestTimeout > 0 && server.requestTimeout < limits.headersMs) server.requestTimeout = limits.headersMs;
  server.keepAliveTimeout = limits.keepAliveMs;
  const perSource = new Map<string, number>();
  // A TLS server emits the raw TCP socket here, before the handshake.
  server.on('connection', (socket: net.Socket) => {
    const source = sourceOf(socket.remoteAddress);
    const n = (perSource.get(source) ?? 0) + 1;
    if (n > limits.perAddress) {
      socket.destroy();
      return;
    }
    perSource.set(source, n);
    socket.once('close', () => {
      const left = (perSource.get(source) ?? 1) - 1;
      if (left <= 0) perSource.delete(source);
      else perSource.set(source, left);
    });
  });
  return { open: (source) => perSource.get(source) ?? 0 };
}
