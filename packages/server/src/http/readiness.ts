import type { FastifyInstance } from 'fastify';

/**
 * Whether this process may take traffic. The listener opens before the demo seed, the discovery
 * runtime and the first key maintenance have run (so a slow seed does not look like a dead
 * process), and a load balancer or an orchestrator asks `/readyz` to know when that work is done.
 * Migrations run before the app is built, so they are always done when `/readyz` can answer.
 */
export class Readiness {
  private ready: boolean;
  private reason: string;

  constructor(initiallyReady = false, reason = 'starting') {
    this.ready = initiallyReady;
    this.reason = reason;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** What the process is waiting for, shown in the 503 body. */
  waitingFor(reason: string): void {
    if (!this.ready) this.reason = reason;
  }

  markReady(): void {
    this.ready = true;
  }

  /** Draining on shutdown: no new traffic, while `/healthz` still answers. */
  markStopping(): void {
    this.ready = false;
    this.reason = 'stopping';
  }

  get status(): { status: 'ready' } | { status: 'starting' | 'stopping'; waitingFor?: string } {
    if (this.ready) return { status: 'ready' };
    if (this.reason === 'stopping') return { status: 'stopping' };
    return { status: 'starting', waitingFor: this.reason };
  }
}

/** `/healthz` (liveness: the process answers) and `/readyz` (readiness: 200 when ready, else 503). */
export function registerHealthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!readiness.isReady) reply.code(503).header('retry-after', '1');
    return readiness.status;
  });
}
