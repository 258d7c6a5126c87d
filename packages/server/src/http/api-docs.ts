import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import type { FastifyInstance } from 'fastify';

/** The Swagger UI files /docs needs, from the installed swagger-ui-dist package (no network at run time). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Scripts come from this origin only: the page's one line of configuration is a file, not inline. */
const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    tryItOutEnabled: true,
    persistAuthorization: false,
    displayRequestDuration: true,
    filter: true,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Appwarden API reference</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"></main>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

function swaggerUiDir(): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * `/docs`: Swagger UI rendering `/openapi.json`, with "Try it out" against this server (same
 * origin, so no CORS). Assets are read on first use and kept compressed in memory.
 */
export function registerApiDocs(app: FastifyInstance, fallbackHtml: () => string): void {
  const dir = swaggerUiDir();
  if (!dir) {
    // Without the package (a trimmed install) the plain table of operations still documents the API.
    app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').send(fallbackHtml()));
    return;
  }
  const cache = new Map<string, { body: Buffer; gzip: Buffer }>();
  const load = (name: string) => {
    let hit = cache.get(name);
    if (!hit) {
      const body = name === 'init.js' ? Buffer.from(INIT) : fs.readFileSync(path.join(dir, name));
      hit = { body, gzip: zlib.gzipSync(body) };
      cache.set(name, hit);
    }
    return hit;
  };
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS).send(PAGE));
  for (const [name, type] of Object.entries({ ...ASSETS, 'init.js': 'text/javascript; charset=utf-8' })) {
    app.get(`/docs/${name}`, async (req, reply) => {
      const file = load(name);
      reply.type(type).header('cache-control', 'public, max-age=3600').header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
      return reply.send(file.body);
    });
  }
}
