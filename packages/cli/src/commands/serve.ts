import cluster from 'node:cluster';
import type { Command } from 'commander';
// The server loads lazily: every other command starts without Fastify, SQLite and the rest.
import type { DemoFile } from '@appwarden/server';

/** ConfigError of the lazily loaded server module (undefined until loaded). */
let configError: (new (...args: never[]) => Error) | undefined;

/** `appwarden serve`: runs the server in this process until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run Appwarden: identity platform, management API and Cloud Apps API over HTTPS')
    .option('--data-dir <dir>', 'data directory: SQLite, TLS CA, keys, demo.json (APPWARDEN_DATA_DIR)', undefined)
    .option('--port <port>', 'HTTPS port (APPWARDEN_PORT); default 8443, 0 picks a free one')
    .option('--host <host>', 'interface to listen on (APPWARDEN_HOST); default 127.0.0.1')
    .option('--public-url <url>', 'public origin used in issuers and metadata (APPWARDEN_PUBLIC_URL)')
    .option('--tls-hostnames <names>', 'further DNS names for the server certificate, comma-separated (APPWARDEN_TLS_HOSTNAMES)')
    .option('--http-port <port>', 'also serve plain HTTP on this port (APPWARDEN_HTTP_PORT)')
    .option('--demo', 'seed the Contoso and Fabrikam demo tenants (APPWARDEN_DEMO)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (APPWARDEN_LOG_LEVEL)')
    .option('--rate-limit-per-minute <n>', 'Cloud Apps API requests per tenant per minute, 0 = off (APPWARDEN_RATE_LIMIT_PER_MINUTE)')
    .option('--workers <n>', 'run N processes sharing the port (node:cluster); use PostgreSQL for more than one machine', '1')
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const options = {
        dataDir: opts.dataDir,
        port: opts.port,
        host: opts.host,
        publicUrl: opts.publicUrl,
        tlsHostnames: opts.tlsHostnames,
        httpPort: opts.httpPort,
        demo: opts.demo,
        logLevel: opts.logLevel,
        rateLimitPerMinute: opts.rateLimitPerMinute,
      };
      const workers = Number(opts.workers ?? '1');
      if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
        console.error('appwarden: --workers must be an integer between 1 and 64');
        process.exit(2);
      }
      if (workers > 1 && cluster.isPrimary) return runPrimary(options, workers);
      let server;
      try {
        const { startServer, ConfigError } = await import('@appwarden/server');
        configError = ConfigError;
        server = await startServer({ options });
      } catch (e) {
        if (configError !== undefined && e instanceof configError) {
          console.error(`appwarden: ${e.message}`);
          process.exit(2);
        }
        throw e;
      }
      const localHost = ['0.0.0.0', '127.0.0.1', '::'].includes(server.config.host) ? 'localhost' : server.config.host;
      const info: BannerInfo = {
        url: server.url,
        listenUrl: `https://${localHost}:${server.port}`,
        httpPort: server.httpPort,
        host: server.config.host,
        dataDir: server.config.dataDir,
        caPath: server.caPath,
        demo: server.demo,
      };
      if (cluster.isWorker) process.send?.({ type: 'appwarden:listening', info });
      else process.stderr.write(banner(info, 1));
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`\n${signal}: shutting down gracefully...\n`);
        server.close().then(
          () => process.exit(0),
          (e: unknown) => {
            console.error(e);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    });
}

interface BannerInfo {
  /** Public origin (issuers). */
  url: string;
  /** Where this process listens. */
  listenUrl: string;
  httpPort: number | undefined;
  host: string;
  dataDir: string;
  caPath: string;
  demo: DemoFile | undefined;
}

/**
 * The primary of `--workers N`: prepares the data directory once, forks N workers that share the
 * port, restarts a worker that dies, and stops them all gracefully on SIGINT/SIGTERM.
 */
async function runPrimary(options: Record<string, string | boolean | undefined>, workers: number): Promise<void> {
  let prepared;
  try {
    const { initializeInstallation, ConfigError } = await import('@appwarden/server');
    configError = ConfigError;
    prepared = await initializeInstallation({ options });
  } catch (e) {
    if (configError !== undefined && e instanceof configError) {
      console.error(`appwarden: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  if (prepared.config.port === 0) {
    console.error('appwarden: --workers needs a fixed --port');
    process.exit(2);
  }
  let stopping = false;
  let announced = false;
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m: { type?: string; info?: BannerInfo }) => {
      if (m.type === 'appwarden:listening' && m.info && !announced) {
        announced = true;
        process.stderr.write(banner(m.info, workers));
      }
    });
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    process.stderr.write(`worker ${w.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping ${workers} workers gracefully...\n`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

function banner(s: BannerInfo, workers: number): string {
  const lines = [
    '',
    `Appwarden is listening on ${s.listenUrl}${s.httpPort !== undefined ? ` (and http://${s.host}:${s.httpPort})` : ''}${workers > 1 ? ` with ${workers} worker processes` : ''}`,
    ...(s.url !== s.listenUrl ? [`Public URL (issuers, metadata): ${s.url}`] : []),
    `Data directory: ${s.dataDir}`,
    '',
    `TLS: the server certificate is issued by a local CA at ${s.caPath}. Trust it in your clients:`,
    `  Node (msal-node, @azure/identity):  export NODE_EXTRA_CA_CERTS=${s.caPath}`,
    `  Python (MSAL, requests):            export REQUESTS_CA_BUNDLE=${s.caPath}`,
    `  curl:                               curl --cacert ${s.caPath} ...`,
    `  MSAL options: authority ${s.url}/<tenant>, knownAuthorities ["${new URL(s.url).host}"] (msal-node),`,
    `  disableInstanceDiscovery: true + authorityHost "${s.url}" (@azure/identity), instance_discovery=False (Python)`,
    '',
    `Operator key (tenants, key rotation): ${s.dataDir}/operator.key`,
  ];
  if (s.demo) {
    const c = s.demo.tenants.contoso;
    const f = s.demo.tenants.fabrikam;
    lines.push(
      '',
      `Demo tenants (credentials in ${s.dataDir}/demo.json, mode 0600):`,
      `  Contoso   ${c.tenantId}  ${c.domain}  (home tenant)`,
      `  Fabrikam  ${f.tenantId}  ${f.domain}  (customer tenant)`,
      `  Contoso SIEM connector (all six Cloud App Security permissions): client id ${c.daemon?.clientId ?? ''}`,
      '',
      'Get a token:',
      `  curl --cacert ${s.caPath} -d grant_type=client_credentials -d client_id=<id> -d client_secret=<secret> \\`,
      `       -d scope=05a65629-4c1b-48c1-a78b-804c4abdd4af/.default ${s.url}/${c.tenantId}/oauth2/v2.0/token`,
    );
  }
  lines.push('');
  return lines.join('\n') + '\n';
}
