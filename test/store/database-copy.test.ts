import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../../packages/server/src/main.js';
import { copySqliteToPostgres } from '../../packages/server/src/store/database-copy.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function pgUrl(): string {
  const base = new URL(process.env.APPWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  base.searchParams.set('schema', `copy_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`);
  return base.toString();
}

async function token(url: string, ca: string, tenantId: string, clientId: string, secret: string): Promise<Response> {
  const { Agent, fetch } = await import('undici');
  return fetch(`${url}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
      scope: '05a65629-4c1b-48c1-a78b-804c4abdd4af/.default',
    }),
    dispatcher: new Agent({ connect: { ca } }),
  }) as unknown as Response;
}

describe('db copy: SQLite to PostgreSQL', () => {
  it('copies every table, verifies counts, and the copied installation keeps serving the same clients and keys', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-copy-'));
    dirs.push(dir);
    const first = await startServer({ options: { dataDir: dir, port: 0, demo: true, logLevel: 'silent' }, env: {} });
    const demo = first.demo!.tenants.contoso;
    const before = await (await token(first.url, first.caPem, demo.tenantId, demo.daemon!.clientId, demo.daemon!.clientSecret)).json();
    const kidBefore = JSON.parse(Buffer.from(String(before.access_token).split('.')[0]!, 'base64url').toString()).kid as string;
    await first.close();

    const url = pgUrl();
    const reports = await copySqliteToPostgres(path.join(dir, 'appwarden.sqlite'), url);
    expect(reports.length).toBeGreaterThanOrEqual(9);
    for (const r of reports) expect(r.target, r.table).toBe(r.source);
    expect(reports.find((r) => r.table === 'tenants')!.source).toBe(2);
    await expect(copySqliteToPostgres(path.join(dir, 'appwarden.sqlite'), url)).rejects.toThrow(/not empty/);

    // Same data directory (master key, CA) with the database now in PostgreSQL.
    const second = await startServer({ options: { dataDir: dir, port: 0, logLevel: 'silent', databaseUrl: url }, env: {} });
    try {
      const res = await token(second.url, second.caPem, demo.tenantId, demo.daemon!.clientId, demo.daemon!.clientSecret);
      expect(res.status).toBe(200);
      const after = (await res.json()) as { access_token: string };
      const kidAfter = JSON.parse(Buffer.from(after.access_token.split('.')[0]!, 'base64url').toString()).kid as string;
      expect(kidAfter).toBe(kidBefore);
    } finally {
      await second.close();
    }
  }, 120_000); // two servers, a demo seed and a copy: slow on a busy 2-core machine
});
