import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

const run = promisify(execFile);
const BIN = path.resolve('packages/cli/bin/appwarden.js');

let live: ListeningHarness;
let env: Record<string, string>;

async function cli(args: string[], extra: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...env, ...extra }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const lines = (s: string) => s.split('\n').filter(Boolean);

beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
  env = {
    PATH: process.env.PATH ?? '',
    HOME: live.dataDir,
    APPWARDEN_URL: live.server.url,
    APPWARDEN_CA: live.server.caPath,
    AZURE_TENANT_ID: live.tenantId,
    AZURE_CLIENT_ID: live.daemon.clientId,
    AZURE_CLIENT_SECRET: live.daemon.clientSecret,
  };
}, 120_000);
afterAll(() => live.close());

describe('appwarden files', () => {
  it('lists files as JSON Lines, filtered and sorted, and as a table on a terminal', async () => {
    const all = lines((await cli(['files', 'list'])).stdout).map((l) => JSON.parse(l) as { _id: string; facl: number; name: string });
    expect(all.length).toBeGreaterThan(0);
    const shared = lines((await cli(['files', 'list', '--filter', 'sharing=2,3,4', '--sort', 'name', '--asc'])).stdout).map(
      (l) => JSON.parse(l) as { facl: number; name: string },
    );
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(all.length);
    expect(shared.every((f) => f.facl >= 2)).toBe(true);
    const table = await cli(['files', 'list', '--limit', '3'], { FORCE_TTY: '1' });
    expect(lines(table.stdout)[0]).toMatch(/^name\s+type\s+sharing\s+owner\s+app\s+modified\s+_id$/);
    expect(lines(table.stdout)).toHaveLength(5);
    const typo = await cli(['files', 'list', '--filter', 'extention=pdf']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean 'extension'");
  });

  it('gets one file by _id; an unknown one is not found', async () => {
    const first = JSON.parse(lines((await cli(['files', 'list', '--limit', '1'])).stdout)[0]!) as { _id: string };
    const got = await cli(['files', 'get', first._id]);
    expect(got.code).toBe(0);
    expect((JSON.parse(got.stdout) as { _id: string })._id).toBe(first._id);
    const missing = await cli(['files', 'get', 'ffffffffffffffffffffffff']);
    expect(missing.code).not.toBe(0);
  });
});
