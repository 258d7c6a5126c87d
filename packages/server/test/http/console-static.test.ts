import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { installedConsoleDir, loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/wiring.js';
import { testDatabaseUrl } from '../../../../test/support/test-database.js';

async function appWith(consoleDir: string): Promise<{ app: FastifyInstance; services: Services; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-console-static-'));
  const services = await createServices(loadConfig({ dataDir: dir, port: 0, databaseUrl: testDatabaseUrl(), consoleDir }, {}), {
    env: {},
    origin: 'https://localhost:1',
  });
  return { app: await buildApp({ services, logger: false }), services, dir };
}

describe('the admin center at /', () => {
  let built: string;
  let ctx: Awaited<ReturnType<typeof appWith>>;
  const js = 'console.log("' + 'x'.repeat(4000) + '");';
  beforeAll(async () => {
    // A stand-in build: the server serves whatever files the build produced.
    built = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-console-build-'));
    fs.mkdirSync(path.join(built, 'assets'));
    fs.writeFileSync(
      path.join(built, 'index.html'),
      '<!doctype html><title>Appwarden admin center</title><script src="/assets/index-abc123.js"></script>',
    );
    fs.writeFileSync(path.join(built, 'assets', 'index-abc123.js'), js);
    ctx = await appWith(built);
  });
  afterAll(async () => {
    await ctx.app.close();
    await ctx.services.close();
    fs.rmSync(ctx.dir, { recursive: true, force: true });
    fs.rmSync(built, { recursive: true, force: true });
  });

  it('serves index.html at / and at client routes, never cached, with a strict CSP', async () => {
    for (const url of ['/', '/entra/app-registrations', '/entra/app-registrations/4f0c/overview', '/defender/alerts?x=1']) {
      const res = await ctx.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('Appwarden admin center');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });

  it('serves hashed assets forever-cacheable, gzipped when asked', async () => {
    const plain = await ctx.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.body).toBe(js);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gz = await ctx.app.inject({ method: 'GET', url: '/assets/index-abc123.js', headers: { 'accept-encoding': 'gzip, br' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(js.length / 10);
  });

  it('shadows none of the APIs: their paths keep their own answers and error formats', async () => {
    const token = await ctx.app.inject({
      method: 'POST',
      url: '/contoso.onmicrosoft.com/oauth2/v2.0/token',
      payload: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(token.headers['content-type']).toContain('application/json');
    expect(token.json()).toHaveProperty('error');
    const api = await ctx.app.inject({ method: 'GET', url: '/api/v1/alerts/' });
    expect(api.statusCode).toBe(401);
    const graph = await ctx.app.inject({ method: 'GET', url: '/v1.0/applications' });
    expect(graph.statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json()).toHaveProperty('openapi');
    // Unknown paths outside the console's prefixes stay JSON 404s, and no file outside the build is reachable.
    const unknown = await ctx.app.inject({ method: 'GET', url: '/nothing-here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/json');
    expect((await ctx.app.inject({ method: 'GET', url: '/assets/../index.html' })).body).not.toContain('x'.repeat(100));
    expect((await ctx.app.inject({ method: 'GET', url: '/assets/%2e%2e/%2e%2e/package.json' })).statusCode).toBe(404);
  });

  it('without a build, / says how to make one', async () => {
    const missing = await appWith(path.join(os.tmpdir(), 'aw-no-such-console-build'));
    try {
      const res = await missing.app.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('npm run build');
      expect(res.body).toContain('APPWARDEN_CONSOLE_DIR');
    } finally {
      await missing.app.close();
      await missing.services.close();
      fs.rmSync(missing.dir, { recursive: true, force: true });
    }
  });

  it('finds the build in the installed @appwarden/console package by default', () => {
    expect(installedConsoleDir()).toBe(path.resolve('packages/console/dist'));
    expect(loadConfig({}, {}).consoleDir).toBe(path.resolve('packages/console/dist'));
  });
});
