// One benchmark target per child process, so that the server under test has its own event loop
// and the load generator (autocannon, in the parent) does not share it.
// Usage: node bench/lib/serve-target.mjs <appwarden|oidc-provider|oauth2-mock-server> <dataDir>
// Reports {targets:[{name, transport, url, form}]} to the parent over IPC, then serves until killed.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';

const [kind, dataDir] = process.argv.slice(2);
const MCAS = '05a65629-4c1b-48c1-a78b-804c4abdd4af';

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

/** The TLS key and certificate Appwarden generated, so every target pays for the same handshake and cipher. */
function tls() {
  return { key: fs.readFileSync(path.join(dataDir, 'server-key.pem')), cert: fs.readFileSync(path.join(dataDir, 'server.pem')) };
}

async function appwarden(name = 'appwarden') {
  // BENCH_APPWARDEN_MODULE points at another build (e.g. main's) for before/after comparisons;
  // BENCH_BASELINE_MODULE runs one as a peer named `baseline`, side by side in the same run.
  const module = name === 'baseline' ? process.env.BENCH_BASELINE_MODULE : process.env.BENCH_APPWARDEN_MODULE;
  const { startServer } = await import(module ?? '../../packages/server/dist/index.js');
  const s = await startServer({ options: { dataDir, port: 0, httpPort: 0, host: '127.0.0.1', demo: true, logLevel: 'silent' } });
  const { tenantId, daemon } = s.demo.tenants.contoso;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: daemon.clientId,
    client_secret: daemon.clientSecret,
    scope: `${MCAS}/.default`,
  }).toString();
  const p = `/${tenantId}/oauth2/v2.0/token`;
  return [
    { name, transport: 'https', url: `https://127.0.0.1:${s.port}${p}`, form },
    { name, transport: 'http', url: `http://127.0.0.1:${s.httpPort}${p}`, form },
  ];
}

async function oidcProvider() {
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' };
  const resource = 'urn:appwarden:bench-api';
  const client = { client_id: 'bench-daemon', client_secret: crypto.randomBytes(32).toString('base64url') };
  const make = (issuer) =>
    new Provider(issuer, {
      clients: [
        {
          ...client,
          grant_types: ['client_credentials'],
          response_types: [],
          redirect_uris: [],
          token_endpoint_auth_method: 'client_secret_post',
          scope: 'api.read',
        },
      ],
      jwks: { keys: [jwk] },
      scopes: ['api.read'],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => resource,
          useGrantedResource: () => true,
          // JWT access tokens signed RS256, as Appwarden issues.
          getResourceServerInfo: () => ({
            scope: 'api.read',
            audience: resource,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    });
  const form = new URLSearchParams({ grant_type: 'client_credentials', ...client, resource, scope: 'api.read' }).toString();
  const httpsServer = https.createServer(tls());
  const httpServer = http.createServer();
  const hp = await listen(httpsServer);
  const p = await listen(httpServer);
  httpsServer.on('request', make(`https://127.0.0.1:${hp}`).callback());
  httpServer.on('request', make(`http://127.0.0.1:${p}`).callback());
  return [
    { name: 'oidc-provider', transport: 'https', url: `https://127.0.0.1:${hp}/token`, form },
    { name: 'oidc-provider', transport: 'http', url: `http://127.0.0.1:${p}/token`, form },
  ];
}

async function mockServer() {
  const { OAuth2Server } = await import('oauth2-mock-server');
  const secure = new OAuth2Server(path.join(dataDir, 'server-key.pem'), path.join(dataDir, 'server.pem'));
  const plain = new OAuth2Server();
  for (const s of [secure, plain]) {
    await s.issuer.keys.generate('RS256');
    await s.start(0, '127.0.0.1');
  }
  // The mock accepts any client; it is sent the same kind of request anyway.
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: 'bench-daemon',
    client_secret: crypto.randomBytes(32).toString('base64url'),
    scope: 'api.read',
  }).toString();
  return [
    { name: 'oauth2-mock-server', transport: 'https', url: `https://127.0.0.1:${secure.address().port}/token`, form },
    { name: 'oauth2-mock-server', transport: 'http', url: `http://127.0.0.1:${plain.address().port}/token`, form },
  ];
}

const start = { appwarden, baseline: () => appwarden('baseline'), 'oidc-provider': oidcProvider, 'oauth2-mock-server': mockServer }[kind];
if (!start) {
  console.error(`unknown target ${kind}`);
  process.exit(2);
}
const targets = await start();
process.send({ targets });
process.on('disconnect', () => process.exit(0));
