import http from 'node:http';
import https from 'node:https';
import { applyConnectionLimits, tlsServerOptions, type ConnectionLimits } from './http/connection-limits.js';
import { lockoutSource } from './identity/token/client-auth-throttle.js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { enrichActivities } from './cloudapps/activities/ip-enrichment.js';
import { loadConfig, type Config } from './config.js';
import { seedDemoIpRanges } from './demo/discovery-data.js';
import { seedDemoCloudApps } from './demo/load-cloudapps-data.js';
import { seedDemoIdentity, type DemoFile } from './demo/seed-identity.js';
import { Readiness } from './http/readiness.js';
import { loadOperatorKey } from './management/operator-key.js';
import { ensureTlsMaterial } from './tls/tls-material.js';
import { createServices, type ServiceOptions, type Services } from './wiring.js';

export interface RunningServer {
  config: Config;
  services: Services;
  app: FastifyInstance;
  /** https://localhost:<port> (or the public URL). */
  url: string;
  port: number;
  httpPort: number | undefined;
  caPath: string;
  caPem: string;
  operatorKey: string;
  demo: DemoFile | undefined;
  close(): Promise<void>;
}

export interface StartOptions extends ServiceOptions {
  /** Raw options (CLI flags); environment and defaults fill the rest. */
  options?: Parameters<typeof loadConfig>[0];
  logger?: boolean | Record<string, unknown>;
}

/** How often signing keys are checked for due rotation and expired publication. */
const KEY_MAINTENANCE_INTERVAL_MS = 10 * 60_000;

function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server | https.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
      resolve();
    }, graceMs).unref();
  });
}

/** The demo tenants and, in each tenant that has none yet, the Cloud Apps demo data. Idempotent. */
async function seedDemo(services: Services, dataDir: string, log: (msg: string, o: object) => void): Promise<DemoFile> {
  const demo = await seedDemoIdentity(services, dataDir);
  for (const t of [demo.tenants.contoso, demo.tenants.fabrikam]) {
    // Demo tenants let detections fire without a learning period (a connector author provokes them on demand).
    const settings = await services.cloudApps.settings.get(t.tenantId);
    if (!settings.detection.detectionsSkipLearning) {
      await services.cloudApps.settings.update(t.tenantId, { detection: { ...settings.detection, detectionsSkipLearning: true } });
    }
    // IP ranges first, so that the demo activities are enriched as they load.
    await seedDemoIpRanges(services.stores, t.tenantId, services.clock.now());
    const loaded = await seedDemoCloudApps(services.stores, t.tenantId, t.domain, services.clock.now(), (rows) =>
      enrichActivities(services.discovery.ipRanges, t.tenantId, rows),
    );
    if (loaded) log('demo cloud apps data loaded', { tenant: t.tenantId, ...loaded });
  }
  // The demo's alerts: its activities through the detection engine (about a second for both tenants).
  await services.detection.drain();
  return demo;
}

/**
 * Prepares a data directory once, before several worker processes start on it: migrations, master
 * and operator keys, TLS material, demo data. Every step is idempotent.
 */
export async function initializeInstallation(start: StartOptions = {}): Promise<{ config: Config; demo: DemoFile | undefined }> {
  const config = loadConfig(start.options ?? {}, start.env ?? process.env);
  const services = await createServices(config, start);
  try {
    loadOperatorKey(config.dataDir, start.env ?? process.env);
    await ensureTlsMaterial(config.dataDir, tlsHosts(config));
    const demo = config.demo ? await seedDemo(services, config.dataDir, () => undefined) : undefined;
    return { config, demo };
  } finally {
    await services.close();
  }
}

function tlsHosts(config: Config): string[] {
  return [
    config.publicUrl ? new URL(config.publicUrl).hostname.replace(/^\[|\]$/g, '') : undefined,
    config.host,
    ...config.tlsHostnames,
  ].filter((h): h is string => !!h && h !== '0.0.0.0' && h !== '::');
}

/** Starts Appwarden: HTTPS listener (and optional plain HTTP), demo data, key maintenance. */
export async function startServer(start: StartOptions = {}): Promise<RunningServer> {
  const config = loadConfig(start.options ?? {}, start.env ?? process.env);
  const services = await createServices(config, start);
  const operatorKey = loadOperatorKey(config.dataDir, start.env ?? process.env);
  const tls = await ensureTlsMaterial(config.dataDir, tlsHosts(config));
  // Migrations ran in createServices; /readyz answers 503 until the seed and the runtimes below are done.
  const readiness = new Readiness(false, config.demo ? 'demo data' : 'background services');
  const app = await buildApp({ services, operatorKey, readiness, ...(start.logger !== undefined ? { logger: start.logger } : {}) });
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => app.routing(req, res);
  const limits: ConnectionLimits = {
    total: config.maxConnections,
    perAddress: config.maxConnectionsPerAddress,
    tlsHandshakeMs: config.tlsHandshakeTimeoutMs,
    headersMs: config.headersTimeoutMs,
    keepAliveMs: config.keepAliveTimeoutMs,
  };
  // Node checks the headers timeout every connectionsCheckingInterval (30 s by default).
  const checking = { connectionsCheckingInterval: Math.max(50, Math.floor(config.headersTimeoutMs / 4)) };
  const httpsServer = https.createServer({ key: tls.key, cert: tls.cert, ...tlsServerOptions(limits), ...checking }, handler);
  applyConnectionLimits(httpsServer, limits, lockoutSource);
  const port = await listen(httpsServer, config.port, config.host);
  let httpServer: http.Server | undefined;
  let httpPort: number | undefined;
  if (config.httpPort !== undefined) {
    httpServer = http.createServer(checking, handler);
    applyConnectionLimits(httpServer, limits, lockoutSource);
    httpPort = await listen(httpServer, config.httpPort, config.host);
  }
  const url = config.publicUrl ?? `https://localhost:${port}`;
  services.origin.value = url;
  const demo = config.demo ? await seedDemo(services, config.dataDir, (msg, o) => app.log.info(o, msg)) : undefined;

  readiness.waitingFor('background services');
  // Cloud Discovery: upload job runner, syslog receivers of data sources (TLS with the server certificate), retention.
  await services.discovery.start({ tls: { key: tls.key, cert: tls.cert }, log: app.log });
  // SIEM export: the delivery worker of this process (docs/siem.md).
  services.siem.delivery.start(app.log);
  // Detection: evaluates queued activities (imports, the demo, other processes' writes) in the background.
  services.detection.start(app.log);

  const maintain = async () => {
    for (const t of await services.tenants.list()) await services.signingKeys.maintain(t.id);
  };
  await maintain();
  const timer = setInterval(
    () => void maintain().catch((e: unknown) => app.log.error({ err: e }, 'key maintenance failed')),
    KEY_MAINTENANCE_INTERVAL_MS,
  );
  timer.unref();
  readiness.markReady();

  let closed = false;
  return {
    config,
    services,
    app,
    url,
    port,
    httpPort,
    caPath: tls.caPath,
    caPem: tls.ca,
    operatorKey,
    demo,
    async close() {
      if (closed) return;
      closed = true;
      readiness.markStopping();
      clearInterval(timer);
      await Promise.all([closeServer(httpsServer, 5000), httpServer ? closeServer(httpServer, 5000) : Promise.resolve()]);
      await app.close();
      await services.close();
    },
  };
}
