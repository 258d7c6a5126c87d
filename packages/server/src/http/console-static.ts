import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { CONSOLE_ROUTE_PREFIXES } from '@appwarden/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from '../identity/consent-pages.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/**
 * Fluent UI (Griffel) inserts its styles at run time, hence 'unsafe-inline' for styles only; the
 * console talks to this origin alone.
 */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

interface StaticFile {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  /** Vite puts content-hashed names under assets/: those never change. */
  immutable: boolean;
}

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listFiles(root, full);
    return e.isFile() ? [path.relative(root, full).split(path.sep).join('/')] : [];
  });
}

function load(root: string, rel: string): StaticFile {
  const body = fs.readFileSync(path.join(root, rel));
  const type = CONTENT_TYPES[path.extname(rel).toLowerCase()] ?? 'application/octet-stream';
  // Compressed once at start: the bundle is a few hundred kB of text, read by every first visit.
  const compressible = /^(text\/|application\/json|image\/svg)/.test(type) && body.length > 1024;
  return { body, gzip: compressible ? zlib.gzipSync(body, { level: 9 }) : undefined, type, immutable: rel.startsWith('assets/') };
}

function send(req: FastifyRequest, reply: FastifyReply, file: StaticFile, extraHeaders: Record<string, string> = {}) {
  reply.type(file.type).headers(extraHeaders);
  reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : (extraHeaders['cache-control'] ?? 'no-cache'));
  reply.header('vary', 'accept-encoding');
  const accepts = String(req.headers['accept-encoding'] ?? '');
  if (file.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(file.gzip);
  return reply.send(file.body);
}

/**
 * The admin center at `/`: every built file at its own path (exact routes, so nothing else is
 * shadowed), and index.html for `/` and the console's client-side routes (CONSOLE_ROUTE_PREFIXES).
 * Without a build, `/` explains how to make one.
 */
export function registerConsoleRoutes(app: FastifyInstance, consoleDir: string | undefined): void {
  const indexPath = consoleDir ? path.join(consoleDir, 'index.html') : undefined;
  if (!consoleDir || !indexPath || !fs.existsSync(indexPath)) {
    const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Appwarden</title></head><body><main><h1>The admin center is not built</h1><p>Appwarden looked for it in <code>${escapeHtml(consoleDir ?? '(no @appwarden/console package installed)')}</code>. Build it with <code>npm run build</code> at the root of the repository (or <code>npm run build -w @appwarden/console</code>), or point <code>APPWARDEN_CONSOLE_DIR</code> at a build. The APIs work without it: <a href="/docs">/docs</a>.</p></main></body></html>`;
    app.get('/', async (_req, reply) => reply.code(503).type('text/html; charset=utf-8').headers(HTML_HEADERS).send(page));
    return;
  }
  const files = new Map(listFiles(consoleDir).map((rel) => [rel, load(consoleDir, rel)]));
  const index = files.get('index.html')!;
  const sendIndex = async (req: FastifyRequest, reply: FastifyReply) => send(req, reply, index, HTML_HEADERS);
  for (const [rel, file] of files) {
    if (rel === 'index.html') continue;
    app.get(`/${rel}`, async (req, reply) => send(req, reply, file));
  }
  app.get('/', sendIndex);
  for (const prefix of CONSOLE_ROUTE_PREFIXES) {
    app.get(`/${prefix}`, sendIndex);
    app.get(`/${prefix}/*`, sendIndex);
  }
}
