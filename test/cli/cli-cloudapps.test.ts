import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listening, type ListeningHarness } from '../support/harness.js';

const run = promisify(execFile);
const BIN = path.resolve('packages/cli/bin/appwarden.js');

let live: ListeningHarness;
let env: Record<string, string>;

async function cli(args: string[], extra: Record<string, string | undefined> = {}, input?: string) {
  const e = { ...env, ...extra };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  try {
    const child = run(process.execPath, [BIN, ...args], { env: e as Record<string, string>, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    if (input !== undefined) {
      child.child.stdin!.end(input);
    }
    const r = await child;
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const x = err as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
const lines = (s: string) => s.split('\n').filter(Boolean);
const tty = { FORCE_TTY: '1' };

beforeAll(async () => {
  live = await listening({ config: { rateLimitPerMinute: 0, discoveryFtpPort: 0 } });
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

describe('alerts', () => {
  it('prints JSON Lines when piped, a JSON array with --json, a table on a terminal', async () => {
    const piped = await cli(['alerts', 'list', '--limit', '5']);
    expect(piped.code).toBe(0);
    const records = lines(piped.stdout).map((l) => JSON.parse(l) as { _id: string; title: string });
    expect(records).toHaveLength(5);
    const json = await cli(['alerts', 'list', '--limit', '3', '--json']);
    expect((JSON.parse(json.stdout) as unknown[]).length).toBe(3);
    const table = await cli(['alerts', 'list', '--limit', '5'], tty);
    const rows = lines(table.stdout);
    expect(rows[0]).toMatch(/^id\s+date\s+severity\s+status\s+read\s+title$/);
    expect(rows[1]).toMatch(/^-+\s+-+/);
    expect(rows).toHaveLength(7);
    expect(rows[2]).toContain(records[0]!._id);
    // --jsonl on a terminal when asked
    expect(lines((await cli(['alerts', 'list', '--limit', '2', '--jsonl'], tty)).stdout).map((l) => JSON.parse(l))).toHaveLength(2);
  });

  it('filters with --filter and --filters, checked against the field registry', async () => {
    const high = lines((await cli(['alerts', 'list', '--filter', 'severity=2'])).stdout).map(
      (l) => JSON.parse(l) as { severityValue: number },
    );
    expect(high.length).toBeGreaterThan(0);
    expect(high.every((a) => a.severityValue === 2)).toBe(true);
    const since = Date.UTC(2020, 0, 1);
    const dated = await cli(['alerts', 'list', '--filter', 'date>=2020-01-01', '--filter', 'severity=1,2', '--limit', '20']);
    for (const a of lines(dated.stdout).map((l) => JSON.parse(l) as { timestamp: number; severityValue: number })) {
      expect(a.timestamp).toBeGreaterThanOrEqual(since);
      expect([1, 2]).toContain(a.severityValue);
    }
    const raw = await cli(['alerts', 'list', '--filters', '{"severity":{"eq":[0]}}', '--limit', '3']);
    expect(lines(raw.stdout).every((l) => (JSON.parse(l) as { severityValue: number }).severityValue === 0)).toBe(true);
    const typo = await cli(['alerts', 'list', '--filter', 'severty=2']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("did you mean 'severity'");
    const badOp = await cli(['alerts', 'list', '--filter', 'severity>=2']);
    expect(badOp.code).toBe(2);
    expect(badOp.stderr).toContain("'severity' does not support gte");
  });

  it('gets, marks read/unread and closes alerts; jq-style JSON out', async () => {
    const [a, b] = lines((await cli(['alerts', 'list', '--filter', 'alertOpen=true', '--limit', '2'])).stdout).map(
      (l) => JSON.parse(l) as { _id: string },
    );
    expect((await cli(['alerts', 'read', a!._id])).code).toBe(0);
    expect((JSON.parse((await cli(['alerts', 'get', a!._id])).stdout) as { statusValue: number }).statusValue).toBe(1);
    expect((await cli(['alerts', 'unread', a!._id])).code).toBe(0);
    const closed = await cli(['alerts', 'close', a!._id, b!._id, '--as', 'benign', '--reason', '2', '--comment', 'lab'], tty);
    expect(closed.stdout).toContain('closed 2 alert(s) as benign');
    const got = await cli(['alerts', 'get', b!._id], tty);
    expect(got.stdout).toMatch(/^resolutionStatusValue\s+4$/m);
    const json = await cli(['alerts', 'close', 'ffffffffffffffffffffffff', '--as', 'true-positive', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({ closed_true_positive: 0, alertsNotFound: ['ffffffffffffffffffffffff'] });
    expect(json.code).toBe(6);
    expect((await cli(['alerts', 'close', a!._id])).code).toBe(2);
  });
});

describe('activities and entities', () => {
  it('lists and scans activities, gets one', async () => {
    const scanned = lines((await cli(['activities', 'list', '--scan', '--limit', '1200'])).stdout);
    expect(scanned).toHaveLength(1200);
    expect(new Set(scanned.map((l) => (JSON.parse(l) as { _id: string })._id)).size).toBe(1200);
    const table = await cli(['activities', 'list', '--limit', '3', '--filter', 'activity.eventType=EVENT_CATEGORY_LOGIN'], tty);
    expect(lines(table.stdout)[0]).toMatch(/^date\s+app\s+event\s+user\s+ip\s+country\s+id$/);
    const id = (JSON.parse(lines(scanned[0]!)[0]!) as { _id: string })._id;
    expect((JSON.parse((await cli(['activities', 'get', id])).stdout) as { _id: string })._id).toBe(id);
  });

  it('lists entities, gets one by id and --saas, shows a tree', async () => {
    const users = lines((await cli(['entities', 'list', '--filter', 'type=2', '--limit', '1'])).stdout).map(
      (l) => JSON.parse(l) as { id: string },
    );
    const got = await cli(['entities', 'get', users[0]!.id, '--saas', '11161']);
    expect((JSON.parse(got.stdout) as { id: string }).id).toBe(users[0]!.id);
    const tree = await cli(['entities', 'tree', users[0]!.id, '--saas', '11161'], tty);
    expect(lines(tree.stdout)[0]).toMatch(/^displayName\s+type/);
    expect(tree.stdout).toContain('└ ');
  });
});

describe('exit codes', () => {
  it('distinguishes throttled, authentication, permission and not found', async () => {
    await live.cloudAppsAdmin('PATCH', '/settings', { faults: { error429: 1, retryAfterSeconds: 0, endpoints: ['alerts.list'] } });
    try {
      const throttled = await cli(['alerts', 'list', '--retries', '1'], tty);
      expect(throttled.code).toBe(5);
      expect(throttled.stderr).toContain('throttled; retrying in 0.0 s');
    } finally {
      await live.cloudAppsAdmin('PATCH', '/settings', { faults: null });
    }
    expect((await cli(['alerts', 'list'], { AZURE_CLIENT_SECRET: 'wrong' })).code).toBe(3);
    const token = (await live.cloudAppsAdmin('POST', '/api-tokens', { name: 'cli read-only', kind: 'read-only' })).token as string;
    const noAzure = { AZURE_TENANT_ID: undefined, AZURE_CLIENT_ID: undefined, AZURE_CLIENT_SECRET: undefined };
    const first = lines((await cli(['alerts', 'list', '--limit', '1', '--api-token', token], noAzure)).stdout)[0]!;
    const denied = await cli(['alerts', 'close', (JSON.parse(first) as { _id: string })._id, '--as', 'benign'], {
      ...noAzure,
      APPWARDEN_API_TOKEN: token,
    });
    expect(denied.code).toBe(4);
    expect((await cli(['alerts', 'get', '000000000000000000000000'])).code).toBe(6);
    expect((await cli(['alerts', 'list'], noAzure)).code).toBe(2);
  });
});

describe('profiles, import, demo, completion', () => {
  it('reads a profile from the config file', async () => {
    const config = path.join(live.dataDir, 'cli-config.json');
    const cfg = { APPWARDEN_CONFIG: config };
    const set = await cli(
      [
        'profile',
        'set',
        'lab',
        '--url',
        live.server.url,
        '--tenant',
        live.tenantId,
        '--client-id',
        live.daemon.clientId,
        '--client-secret',
        live.daemon.clientSecret,
        '--ca',
        live.server.caPath,
      ],
      cfg,
    );
    expect(set.code).toBe(0);
    expect(fs.statSync(config).mode & 0o777).toBe(0o600);
    const bare = {
      ...cfg,
      APPWARDEN_URL: undefined,
      APPWARDEN_CA: undefined,
      AZURE_TENANT_ID: undefined,
      AZURE_CLIENT_ID: undefined,
      AZURE_CLIENT_SECRET: undefined,
    };
    const r = await cli(['alerts', 'list', '--limit', '1', '--profile', 'lab'], bare);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toHaveLength(1);
    // the only profile is the default one
    expect((await cli(['alerts', 'list', '--limit', '1'], bare)).code).toBe(0);
    expect((await cli(['profile', 'list'], { ...cfg, ...tty })).stdout).toMatch(/lab \*\s+https:/);
  });

  it('imports JSON Lines and generates demo data through the admin endpoints', async () => {
    const two = lines((await cli(['alerts', 'list', '--limit', '2'])).stdout).join('\n');
    const op = { APPWARDEN_OPERATOR_KEY: live.server.operatorKey };
    const imported = await cli(['import', '-', '--resource', 'alerts', '--tenant', live.tenantId, '--json'], op, two + '\n');
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ resource: 'alerts', lines: 2, imported: 2 });
    const bad = await cli(['import', '-', '--resource', 'alerts', '--tenant', live.tenantId, '--json'], op, '{"nope": 1}\n');
    expect(bad.code).toBe(1);
    const demo = await cli(
      ['demo', 'generate', '--tenant', live.tenantId, '--activities', '200', '--alerts', '20', '--seed', 'cli', '--json'],
      op,
    );
    expect(demo.code, demo.stderr).toBe(0);
    expect(JSON.parse(demo.stdout)).toMatchObject({ activities: 200, alerts: 20 });
  });

  it('prints bash and zsh completion scripts that bash parses', async () => {
    const bash = await cli(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -o filenames -F _appwarden appwarden');
    expect(bash.stdout).toContain(`"alerts") words="list graph-list get read unread close"`);
    const file = path.join(live.dataDir, 'completion.bash');
    fs.writeFileSync(file, bash.stdout);
    expect(spawnSync('bash', ['-n', file]).status).toBe(0);
    // Completing `appwarden alerts cl` in bash gives `close`.
    const probe = spawnSync(
      'bash',
      ['-c', `source ${file}; COMP_WORDS=(appwarden alerts cl); COMP_CWORD=2; _appwarden; echo "\${COMPREPLY[@]}"`],
      {
        encoding: 'utf8',
      },
    );
    expect(probe.stdout.trim()).toBe('close');
    expect((await cli(['completion', 'zsh'])).stdout).toContain('bashcompinit');
  });
});

describe('a real pseudo-terminal', () => {
  it('prints a table under script(1) without FORCE_TTY', async (ctx) => {
    if (spawnSync('script', ['--version']).status !== 0) return ctx.skip();
    // Asynchronous: the server under test runs in this process.
    const cmd = `${process.execPath} ${BIN} alerts list --limit 2`;
    const r = await run('script', ['-qec', cmd, '/dev/null'], { env, timeout: 60_000 });
    expect(r.stdout.replace(/\r/g, '')).toMatch(/^id\s+date\s+severity/m);
  });
});

describe('discovery sanction', () => {
  it('marks an app unsanctioned so that block scripts name its domains, and clears the mark', async () => {
    const op = { APPWARDEN_OPERATOR_KEY: live.server.operatorKey };
    // 11627 is Dropbox in the catalog.
    const marked = await cli(['discovery', 'sanction', '11627', '--state', 'unsanctioned', '--json'], op);
    expect(marked.code, marked.stderr).toBe(0);
    expect(JSON.parse(marked.stdout)).toMatchObject({ state: 'unsanctioned' });
    const script = await cli(['discovery', 'block-script', '--format', '112']);
    expect(script.code, script.stderr).toBe(0);
    expect(script.stdout).toContain('dropbox.com');

    expect((await cli(['discovery', 'sanction', '11627', '--state', 'none'], op)).code).toBe(0);
    const after = await cli(['discovery', 'block-script', '--format', '112']);
    expect(after.stdout).not.toContain('dropbox.com');

    const bad = await cli(['discovery', 'sanction', '11627', '--state', 'blocked'], op);
    expect(bad.code).toBe(2);
  });
});

describe('discovery data-sources with an FTP receiver', () => {
  it('--receiver ftps prints the login once; the list shows the user, never the password', async () => {
    const wrongPort = await cli([
      'discovery',
      'data-sources',
      'create',
      'Edge_FTP',
      '--log-type',
      'SQUID_NATIVE',
      '--receiver',
      'ftp',
      '--port',
      '21',
    ]);
    expect(wrongPort.code).toBe(2);
    expect(wrongPort.stderr).toMatch(/--port is for syslog receivers/);
    const created = await cli([
      'discovery',
      'data-sources',
      'create',
      'Edge_FTP',
      '--log-type',
      'SQUID_NATIVE',
      '--receiver',
      'ftps',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const source = JSON.parse(created.stdout) as {
      _id: string;
      receiverType: string;
      ftp: { user: string; port: number; password: string };
    };
    expect(source).toMatchObject({ receiverType: 'ftps', ftp: { tls: true } });
    expect(source.ftp.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const table = await cli(['discovery', 'data-sources']);
    expect(table.stdout).toContain(source.ftp.user);
    expect(table.stdout).not.toContain(source.ftp.password);
    expect((await cli(['discovery', 'data-sources', 'delete', source._id])).code).toBe(0);
  }, 90_000);
});

describe('discovery data-sources with a custom parser', () => {
  it('creates a CUSTOM_PARSER data source from a JSON file and uploads a log with its parser', async () => {
    const parserFile = path.join(live.dataDir, 'edge-parser.json');
    fs.writeFileSync(
      parserFile,
      JSON.stringify({
        layout: 'csv',
        delimiter: '|',
        header: 'first-line',
        fields: { timestamp: 'At', srcIp: 'Client', user: 'Who', url: 'Url', bytesTotal: 'Bytes' },
        timestampFormat: 'epoch',
      }),
    );
    const missing = await cli(['discovery', 'data-sources', 'create', 'Edge CLI', '--log-type', 'CUSTOM_PARSER']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--parser/);
    const created = await cli([
      'discovery',
      'data-sources',
      'create',
      'Edge CLI',
      '--log-type',
      'CUSTOM_PARSER',
      '--parser',
      parserFile,
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    const source = JSON.parse(created.stdout) as { _id: string; logType: number; customParser: { layout: string } };
    expect(source).toMatchObject({ logType: 167, customParser: { layout: 'csv' } });
    const listed = await cli(['discovery', 'data-sources', '--json']);
    expect((JSON.parse(listed.stdout) as { _id: string }[]).map((d) => d._id)).toContain(source._id);

    // A server-side validation error reaches the user with the field named.
    fs.writeFileSync(parserFile.replace('.json', '-bad.json'), JSON.stringify({ layout: 'csv', fields: { srcIp: '1', destHost: '2' } }));
    const bad = await cli([
      'discovery',
      'data-sources',
      'create',
      'Bad',
      '--log-type',
      '167',
      '--parser',
      parserFile.replace('.json', '-bad.json'),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/customParser\.fields\.timestamp/);

    const t = Math.floor(Date.now() / 1000) - 3600;
    const log = path.join(live.dataDir, 'edge.log');
    fs.writeFileSync(
      log,
      [
        'At|Client|Who|Url|Bytes',
        `${t}|10.70.0.1|hana|https://www.dropbox.com/x|500`,
        `${t + 1}|10.70.0.2|ivan|https://github.com/y|20`,
      ].join('\n'),
    );
    const up = await cli(['discovery', 'upload', log, '--source', 'CUSTOM_PARSER', '--stream', 'Edge CLI', '--json']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ status: 'succeeded', result: { parserId: 'custom', parsed: 2, matched: 2 } });
    const apps = await cli(['discovery', 'apps', '--stream', 'Edge CLI', '--timeframe', '7', '--json']);
    expect((JSON.parse(apps.stdout) as { name: string }[]).map((a) => a.name).sort()).toEqual(['Dropbox', 'GitHub']);

    expect((await cli(['discovery', 'data-sources', 'delete', source._id])).code).toBe(0);
  });
});
