import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

// The acceptance of issue 15 as a new user tries it: `serve --demo`, then `appwarden import` of the
// example mass-download burst, then `appwarden alerts list` shows "Mass download"; policies from a
// JSON file with `appwarden policy`.

const run = promisify(execFile);
const BIN = path.resolve('packages/cli/bin/appwarden.js');
let live: ListeningHarness;
let env: Record<string, string>;

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0 } });
  env = {
    PATH: process.env.PATH ?? '',
    HOME: live.dataDir,
    APPWARDEN_URL: live.server.url,
    APPWARDEN_CA: live.server.caPath,
    APPWARDEN_OPERATOR_KEY: live.operatorKey,
    AZURE_TENANT_ID: live.tenantId,
    AZURE_CLIENT_ID: live.daemon.clientId,
    AZURE_CLIENT_SECRET: live.daemon.clientSecret,
  };
}, 120_000);
afterAll(() => live?.close());

describe('appwarden policy and the mass-download example', () => {
  it('creates, lists, disables and deletes a policy from a JSON file', async () => {
    const created = await cli(['policy', 'create', '--file', 'examples/detection/policy.json', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const policy = JSON.parse(created.stdout) as { _id: string; name: string; enabled: boolean };
    expect(policy).toMatchObject({ name: 'Mass download - finance', enabled: true });
    const list = await cli(['policy', 'list', '--json']);
    const all = JSON.parse(list.stdout) as { _id: string; name: string }[];
    expect(all.map((p) => p.name)).toEqual(expect.arrayContaining(['Mass download - finance', 'Impossible travel']));
    expect((await cli(['policy', 'get', 'massDownload', '--json'])).stdout).toContain('Unusual file download (by user)');
    const bad = await cli(['policy', 'create', '--file', 'no-such-file.json']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no such file');
    expect((await cli(['policy', 'disable', policy._id, '--json'])).code).toBe(0);
    expect((await cli(['policy', 'enable', policy._id, '--json'])).code).toBe(0);
  }, 120_000);

  it('an imported burst raises "Mass download" (and the policy alert) within seconds', async () => {
    const imported = await cli(['import', 'examples/detection/mass-download.jsonl', '--resource', 'activities', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ imported: 60 });
    const started = Date.now();
    let titles: string[] = [];
    while (Date.now() - started < 30_000) {
      const listed = await cli(['alerts', 'list', '--filter', 'entity.user=exfil.tester@contoso.example', '--json']);
      titles = (JSON.parse(listed.stdout) as { title: string }[]).map((a) => a.title);
      if (titles.includes('Mass download') && titles.includes('Mass download - finance')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(titles).toContain('Mass download');
    expect(titles).toContain('Mass download - finance');
  }, 120_000);

  it('deletes the policy', async () => {
    const list = JSON.parse((await cli(['policy', 'list', '--json'])).stdout) as { _id: string; name: string }[];
    const id = list.find((p) => p.name === 'Mass download - finance')!._id;
    expect((await cli(['policy', 'delete', id])).code).toBe(0);
    expect((await cli(['policy', 'get', id])).code).not.toBe(0);
  }, 120_000);
});
