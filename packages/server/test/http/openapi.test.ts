import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { CLOUD_APPS_ROUTES } from '../../src/cloudapps/routes.js';

let h: InProcessHarness;
let app: FastifyInstance;

beforeAll(async () => {
  h = await inProcess({ seed: 'none', origin: 'https://localhost:1', operatorKey: null });
  app = h.app;
});
afterAll(() => h?.close());

describe('/openapi.json and /docs', () => {
  it('describes every Cloud Apps route with its permissions', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { 'x-permissions'?: string[] }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of CLOUD_APPS_ROUTES) {
      for (const p of r.paths) {
        const key = `/api/v1/${p.replace(/:(\w+)/g, '{$1}')}/`;
        for (const m of r.methods) expect(doc.paths[key]?.[m.toLowerCase()]?.['x-permissions'], `${m} ${key}`).toBeDefined();
      }
    }
    expect(doc.paths['/{tenant}/oauth2/v2.0/token']?.post).toBeDefined();
    expect(doc.paths['/v1.0/applications']?.post?.['x-permissions']).toEqual(['Application.ReadWrite.All']);
  });

  it('describes the Cloud Discovery data-source body with its custom parser', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; description?: string }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
    };
    const create = doc.paths['/api/v1/discovery/data_sources/']?.post;
    expect(create?.requestBody?.content['application/json']?.schema).toEqual({ $ref: '#/components/schemas/DiscoveryDataSourceCreate' });
    expect(create?.description).toMatch(/CUSTOM_PARSER/);
    const parser = doc.components.schemas.DiscoveryCustomParser!;
    expect(parser.required).toEqual(['layout', 'fields']);
    expect(Object.keys(parser.properties)).toEqual(['layout', 'delimiter', 'header', 'fields', 'timestampFormat', 'blockedValues']);
    expect(doc.paths['/api/v1/discovery/upload_url/']?.get?.description).toMatch(/CUSTOM_PARSER/);
  });

  it('documents only paths the server routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const [p, methods] of Object.entries(doc.paths)) {
      const url = p.replace('{tenant}', 'contoso.onmicrosoft.com').replace(/\{(\w+)\}/g, '00000000-0000-0000-0000-000000000001');
      for (const m of Object.keys(methods)) {
        const res = await app.inject({ method: m.toUpperCase() as 'GET', url, headers: { authorization: 'Bearer x' } });
        // The not-found handler answers 404 naming the route; anything else (401, 400...) means routed.
        const unrouted = res.statusCode === 404 && /No route for|Resource not found for the segment/.test(res.body);
        expect(unrouted, `${m.toUpperCase()} ${url} -> ${res.statusCode} ${res.body.slice(0, 120)}`).toBe(false);
      }
    }
  });

  it('serves Swagger UI at /docs from the installed package, rendering /openapi.json', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('/docs/swagger-ui-bundle.js');
    const init = await app.inject({ method: 'GET', url: '/docs/init.js' });
    expect(init.body).toContain("url: '/openapi.json'");
    const bundle = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js', headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-encoding']).toBe('gzip');
  });

  it('renders every operation in a plain table at /docs/operations', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/operations' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('/api/v1/alerts/');
    expect(res.body).toContain('Investigation.read');
  });
});
