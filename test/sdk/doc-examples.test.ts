import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

/** The ```ts blocks of docs/sdk.md compile, and the first one runs against a throttling server. */
const doc = fs.readFileSync(path.resolve('docs/sdk.md'), 'utf8');
const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
// Inside the repository so that '@appwarden/sdk' resolves to the workspace package.
const dir = path.resolve('node_modules/.cache/appwarden-doc-examples');

let live: ListeningHarness;
beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
  fs.mkdirSync(dir, { recursive: true });
  blocks.forEach((b, i) => fs.writeFileSync(path.join(dir, `example-${i}.mts`), b.includes('export') ? b : `${b}\nexport {};\n`));
}, 120_000);
afterAll(async () => {
  await live.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('docs/sdk.md examples', () => {
  it('compile under strict TypeScript', async () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    const tsc = path.resolve('node_modules/typescript/bin/tsc');
    const files = blocks.map((_, i) => path.join(dir, `example-${i}.mts`));
    const args = [
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--types',
      'node',
      '--skipLibCheck',
      ...files,
    ];
    const r = await promisify(execFile)(process.execPath, [tsc, ...args]).catch((e: { stdout: string }) => e);
    expect((r as { stdout: string }).stdout).toBe('');
  }, 120_000);

  it('the activities example pages through every activity under injected throttling', async () => {
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(new Agent({ connect: { ca: live.server.caPem } }));
    // The example reads its settings from the environment, as a user's script does; stubbed
    // variables are restored in `finally` so that no later test sees them.
    vi.stubEnv('APPWARDEN_URL', live.url);
    vi.stubEnv('AZURE_TENANT_ID', live.tenantId);
    vi.stubEnv('AZURE_CLIENT_ID', live.daemon.clientId);
    vi.stubEnv('AZURE_CLIENT_SECRET', live.daemon.clientSecret);
    await live.cloudAppsAdmin('PATCH', '/settings', { faults: { error429: 0.5, retryAfterSeconds: 0, endpoints: ['activities.list'] } });
    // Every other request is throttled: the fault dice are the server's injectable random.
    let roll = 0;
    const random = live.server.services.cloudApps.random;
    live.server.services.cloudApps.random = () => (roll++ % 2 === 0 ? 0.1 : 0.9);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      // vitest transforms the TypeScript example.
      await import(path.join(dir, 'example-1.mts'));
      expect(log.mock.calls.at(-1)?.[0]).toMatch(/^2500 activities by \d+ users$/);
      expect(err.mock.calls.some((c) => /after 429/.test(String(c[0])))).toBe(true);
    } finally {
      log.mockRestore();
      err.mockRestore();
      vi.unstubAllEnvs();
      setGlobalDispatcher(previous);
      live.server.services.cloudApps.random = random;
      await live.cloudAppsAdmin('PATCH', '/settings', { faults: null });
    }
  }, 120_000);
});
