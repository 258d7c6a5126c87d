// FTP and FTPS receivers of data sources, driven by real FTP clients: curl (plain FTP and explicit
// FTPS with --ssl-reqd) and the npm basic-ftp client. A stored file must become an upload job of the
// data source's stream and show in its report; the limits must refuse without filling memory/disk.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Client } from 'basic-ftp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

const MAX_FILE = 64 * 1024;
/** Per data source: one running transfer (which reserves MAX_FILE) leaves room for a smaller second one only. */
const QUOTA = 100 * 1024;
let s: ListeningHarness;
let dir: string;
let caFile: string;
beforeAll(async () => {
  s = await listening({
    config: {
      rateLimitPerMinute: 0,
      discoveryFtpPort: 0,
      discoveryFtpMaxFileBytes: MAX_FILE,
      discoveryFtpQuotaBytes: QUOTA,
      discoveryFtpLoginFailures: 3,
    },
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-ftp-'));
  caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, s.ca);
});
afterAll(async () => {
  await s?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const now = () => (Date.now() / 1000).toFixed(3);
/** Squid native lines written for this test. */
const squid = (host: string, user: string, bytes: number) =>
  `${now()}    88 10.40.0.7 TCP_TUNNEL/200 ${bytes} CONNECT ${host}:443 ${user} HIER_DIRECT/203.0.113.9 -\n`;

interface FtpSource {
  _id: string;
  receiverType: string;
  receiverTypeFull: string;
  listening: boolean;
  ftp: { host: string; port: number; user: string; tls: boolean; password?: string };
}

async function createSource(displayName: string, body: Record<string, unknown>): Promise<FtpSource> {
  const res = await s.api('POST', '/api/v1/discovery/data_sources/', { displayName, logType: 155, ...body });
  expect(res.status, res.text).toBe(200);
  const src = res.json<FtpSource>();
  expect(src.listening).toBe(true);
  expect(src.ftp.port).toBeGreaterThan(0);
  expect(src.ftp.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  return src;
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '20', ...args], (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function waitForApp(streamId: string, app: string, events: number): Promise<Record<string, number>> {
  return vi.waitFor(
    async () => {
      const res = await s.api('POST', '/api/v1/discovery/discovered_apps/', { streamId, timeframe: 7 });
      const hit = res.json<{ data: (Record<string, number> & { name: string })[] }>().data.find((a) => a.name === app);
      if (!hit || (hit.trafficTotalEvents ?? 0) < events) throw new Error(`${app} in ${streamId}: ${JSON.stringify(hit)}`);
      return hit;
    },
    { timeout: 20_000, interval: 50 },
  );
}

function uploadDirEmpty(): boolean {
  const root = s.services.discovery.storage.root;
  return !fs.existsSync(root) || fs.readdirSync(root).length === 0;
}

describe('FTP and FTPS data sources (log collector)', () => {
  it('curl -T over plain FTP: the file becomes the data source report; the password is never listed', async () => {
    const src = await createSource('Squid_FTP', { receiverType: 'ftp', receiverTypeFull: 'ftp' });
    expect(src).toMatchObject({ receiverType: 'ftp', receiverTypeFull: 'ftp', ftp: { host: '127.0.0.1', tls: false } });
    const file = path.join(dir, 'squid.log');
    fs.writeFileSync(file, squid('www.dropbox.com', 'alice', 1000) + squid('www.dropbox.com', 'bob', 500));
    const r = await curl(['-T', file, `ftp://${src.ftp.user}:${src.ftp.password}@127.0.0.1:${src.ftp.port}/`]);
    expect(r.code, r.stderr).toBe(0);
    expect(await waitForApp(src._id, 'Dropbox', 2)).toMatchObject({ trafficTotalBytes: 1500, usersCount: 2 });
    const listed = await s.api('GET', `/api/v1/discovery/data_sources/${src._id}/`);
    expect(listed.text).not.toContain(src.ftp.password!);
    expect(listed.json()).toMatchObject({ ftp: { user: src.ftp.user, port: src.ftp.port }, receiverStats: { files: 1, logins: 1 } });
    const all = await s.api('GET', '/api/v1/discovery/data_sources/');
    expect(all.text).not.toContain(src.ftp.password!);
    // The log collector's folder layout works too: /<data source name>/<file>.
    fs.writeFileSync(file, squid('app.box.com', 'carol', 10));
    const r2 = await curl(['-T', file, `ftp://${src.ftp.user}:${src.ftp.password}@127.0.0.1:${src.ftp.port}/Squid_FTP/`]);
    expect(r2.code, r2.stderr).toBe(0);
    await waitForApp(src._id, 'Box', 1);
    // Nothing is kept once the jobs have taken the files.
    await vi.waitFor(() => expect(uploadDirEmpty()).toBe(true), { timeout: 10_000 });
  });

  it('curl --ssl-reqd over FTPS (explicit AUTH TLS, protected data) with the server certificate; a .gz works', async () => {
    const src = await createSource('Squid_FTPS', { receiverType: 'ftp', receiverTypeFull: 'ftps' });
    expect(src).toMatchObject({ receiverType: 'ftps', ftp: { tls: true } });
    const file = path.join(dir, 'squid.log.gz');
    fs.writeFileSync(file, zlib.gzipSync(squid('github.com', 'dave', 400) + squid('github.com', 'erin', 600)));
    const url = `ftp://${src.ftp.user}:${src.ftp.password}@localhost:${src.ftp.port}/`;
    const r = await curl(['--ssl-reqd', '--cacert', caFile, '--resolve', `localhost:${src.ftp.port}:127.0.0.1`, '-T', file, url]);
    expect(r.code, r.stderr).toBe(0);
    expect(await waitForApp(src._id, 'GitHub', 2)).toMatchObject({ trafficTotalBytes: 1000, usersCount: 2 });
    // Without TLS, an FTPS data source refuses the login (curl: 67, login denied).
    const plain = await curl(['-T', file, `ftp://${src.ftp.user}:${src.ftp.password}@127.0.0.1:${src.ftp.port}/`]);
    expect(plain.code).toBe(67);
  });

  it('basic-ftp over FTPS: upload, empty listing, no reading back, no traversal', async () => {
    const src = await createSource('Squid_basic', { receiverTypeFull: 'ftps' });
    const client = new Client(10_000);
    client.ftp.verbose = !!process.env.FTP_VERBOSE;
    try {
      await client.access({
        host: '127.0.0.1',
        port: src.ftp.port,
        user: src.ftp.user,
        password: src.ftp.password,
        secure: true,
        secureOptions: { ca: s.ca, servername: 'localhost' },
      });
      const res = await client.uploadFrom(Readable.from([squid('slack.com', 'frank', 42)]), 'access.log');
      expect(res.code).toBe(226);
      expect(res.message).toMatch(/queued as upload job [0-9a-f]{24}/);
      expect(await client.list()).toEqual([]);
      expect(await client.pwd()).toBe('/');
      await expect(client.downloadTo(path.join(dir, 'x'), 'access.log')).rejects.toThrow(/502.*RETR/);
      await expect(client.uploadFrom(Readable.from(['x\n']), '../../etc/passwd')).rejects.toThrow(/553/);
      await expect(client.uploadFrom(Readable.from(['x\n']), 'Other_source/x.log')).rejects.toThrow(/553/);
      await expect(client.cd('/tmp')).rejects.toThrow(/550/);
      await expect(client.send('DELE access.log')).rejects.toThrow(/502.*DELE/);
    } finally {
      client.close();
    }
    expect(await waitForApp(src._id, 'Slack', 1)).toMatchObject({ trafficTotalBytes: 42 });
  });

  it('a CUSTOM_PARSER data source over FTP parses its files with its own parser', async () => {
    const res = await s.api('POST', '/api/v1/discovery/data_sources/', {
      displayName: 'Edge_csv',
      logType: 167,
      receiverType: 'ftp',
      customParser: {
        layout: 'csv',
        delimiter: '|',
        header: 'first-line',
        fields: { timestamp: 'At', srcIp: 'Client', user: 'Who', url: 'Url', bytesTotal: 'Bytes' },
        timestampFormat: 'epoch',
      },
    });
    expect(res.status, res.text).toBe(200);
    const src = res.json<FtpSource>();
    const t = Math.floor(Date.now() / 1000) - 60;
    const client = new Client(10_000);
    try {
      await client.access({ host: '127.0.0.1', port: src.ftp.port, user: src.ftp.user, password: src.ftp.password });
      const csv = `At|Client|Who|Url|Bytes\n${t}|10.70.0.1|hana|https://www.dropbox.com/x|500\n${t + 1}|10.70.0.2|ivan|https://github.com/y|20\n`;
      expect((await client.uploadFrom(Readable.from([csv]), 'edge.csv')).code).toBe(226);
    } finally {
      client.close();
    }
    expect(await waitForApp(src._id, 'Dropbox', 1)).toMatchObject({ trafficTotalBytes: 500 });
    await waitForApp(src._id, 'GitHub', 1);
  });

  it('wrong password refused, then locked; a deleted data source refuses its login', async () => {
    const src = await createSource('Squid_locked', { receiverType: 'ftp' });
    const file = path.join(dir, 'one.log');
    fs.writeFileSync(file, squid('www.dropbox.com', 'zed', 1));
    const at = (pass: string) => `ftp://${src.ftp.user}:${pass}@127.0.0.1:${src.ftp.port}/`;
    const wrong = await curl(['-T', file, at('not-the-password')]);
    expect(wrong.code).toBe(67);
    expect((await curl(['-T', file, at(src.ftp.password!)])).code).toBe(0);
    // discoveryFtpLoginFailures is 3 here: the third failure locks the login, even for the right password.
    for (let i = 0; i < 3; i++) expect((await curl(['-T', file, at(`wrong${i}`)])).code).toBe(67);
    const locked = await curl(['-v', '-T', file, at(src.ftp.password!)]);
    expect(locked.code).toBe(67);
    expect(locked.stderr).toMatch(/530 Too many failed logins/);

    const other = await createSource('Squid_deleted', { receiverType: 'ftp' });
    const ok = await curl(['-T', file, `ftp://${other.ftp.user}:${other.ftp.password}@127.0.0.1:${other.ftp.port}/`]);
    expect(ok.code, ok.stderr).toBe(0);
    expect((await s.api('DELETE', `/api/v1/discovery/data_sources/${other._id}/`)).status).toBe(200);
    const gone = await curl(['-T', file, `ftp://${other.ftp.user}:${other.ftp.password}@127.0.0.1:${other.ftp.port}/`]);
    expect(gone.code).toBe(67);
  });

  it('a file over the cap is cut off and removed; memory and disk stay bounded', async () => {
    const src = await createSource('Squid_big', { receiverType: 'ftp' });
    const file = path.join(dir, 'big.log');
    const line = squid('www.dropbox.com', 'big', 1);
    fs.writeFileSync(file, line.repeat(Math.ceil((MAX_FILE * 16) / line.length)));
    const before = process.memoryUsage().rss;
    const r = await curl(['-v', '-T', file, `ftp://${src.ftp.user}:${src.ftp.password}@127.0.0.1:${src.ftp.port}/`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/552 Transfer aborted: big\.log is larger than the limit of 65536 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    // (Files of the earlier tests' jobs may still be in their last steps.)
    await vi.waitFor(() => expect(uploadDirEmpty()).toBe(true), { timeout: 10_000 });
    const ds = (await s.api('GET', `/api/v1/discovery/data_sources/${src._id}/`)).json<{ receiverStats: Record<string, number> }>();
    expect(ds.receiverStats).toMatchObject({ files: 0, refused: 1, pendingBytes: 0 });
  });

  it('the quota of files waiting for their job: past it STOR answers 452', async () => {
    const src = await createSource('Squid_quota', { receiverType: 'ftp' });
    const open: { client: Client; feed: PassThrough; done: Promise<unknown> }[] = [];
    const connect = async () => {
      const client = new Client(10_000);
      await client.access({ host: '127.0.0.1', port: src.ftp.port, user: src.ftp.user, password: src.ftp.password });
      return client;
    };
    try {
      for (const name of ['a.log', 'b.log']) {
        const client = await connect();
        const feed = new PassThrough();
        feed.write(squid('www.dropbox.com', 'q', 1));
        const done = client.uploadFrom(feed, name);
        done.catch(() => undefined);
        open.push({ client, feed, done });
        // The transfer has begun (its reservation is made) once the data source counts it.
        await vi.waitFor(async () => {
          const ds = (await s.api('GET', `/api/v1/discovery/data_sources/${src._id}/`)).json<{ receiverStats: { pendingBytes: number } }>();
          expect(ds.receiverStats.pendingBytes).toBe(name === 'a.log' ? MAX_FILE : QUOTA);
        });
      }
      const third = await connect();
      open.push({ client: third, feed: new PassThrough(), done: Promise.resolve() });
      await expect(third.uploadFrom(Readable.from(['x\n']), 'c.log')).rejects.toThrow(/452 The quota of 102400 bytes/);
      // The running transfers complete; their files count until their jobs have run, then room is back.
      for (const o of open.slice(0, 2)) o.feed.end();
      for (const o of open.slice(0, 2)) expect(((await o.done) as { code: number }).code).toBe(226);
      await vi.waitFor(
        async () => {
          const ds = (await s.api('GET', `/api/v1/discovery/data_sources/${src._id}/`)).json<{ receiverStats: { pendingBytes: number } }>();
          expect(ds.receiverStats.pendingBytes).toBe(0);
        },
        { timeout: 15_000 },
      );
      expect((await third.uploadFrom(Readable.from([squid('www.dropbox.com', 'q', 1)]), 'c.log')).code).toBe(226);
    } finally {
      for (const o of open) o.client.close();
    }
  });

  it('refusals name the refused value', async () => {
    const post = (body: Record<string, unknown>) =>
      s.api('POST', '/api/v1/discovery/data_sources/', { displayName: 'x', logType: 155, ...body });
    const a = await post({ receiverType: 'sftp' });
    expect(a.status).toBe(400);
    expect(a.json<{ detail: string }>().detail).toContain('sftp');
    const b = await post({ receiverTypeFull: 'syslog-http' });
    expect(b.status).toBe(400);
    expect(b.json<{ detail: string }>().detail).toContain('syslog-http');
    const c = await post({ receiverType: 'ftp', receiverTypeFull: 'syslog-udp' });
    expect(c.status).toBe(400);
    expect(c.json<{ detail: string }>().detail).toContain('syslog-udp');
  });

  it('commands before login are refused; unknown commands are named', async () => {
    await createSource('Squid_raw', { receiverType: 'ftp' });
    const sock = net.connect(s.services.discovery.ftp.port!, '127.0.0.1');
    const replies: string[] = [];
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => replies.push(d));
    await vi.waitFor(() => expect(replies.join('')).toMatch(/^220 /));
    // Pipelined commands are all answered, in order (the session pauses its reader past 16 queued).
    sock.write('NOOP\r\n'.repeat(100) + 'STOR x.log\r\nRETR x.log\r\nQUIT\r\n');
    await new Promise((r) => sock.once('close', r));
    expect(replies.join('')).toMatch(/530 Please log in[\s\S]*502 Command not implemented: RETR[\s\S]*221 /);
    expect(replies.join('').match(/^200 OK\r$/gm)).toHaveLength(100);
    // Connections per client address are capped (8 by default): the ninth is turned away.
    await vi.waitFor(() => expect(s.services.discovery.ftp.connections).toBe(0));
    const socks: net.Socket[] = [];
    const greetings: string[] = [];
    try {
      for (let i = 0; i < 9; i++) {
        const c = net.connect(s.services.discovery.ftp.port!, '127.0.0.1');
        c.setEncoding('utf8');
        socks.push(c);
        greetings.push(await new Promise<string>((r) => c.once('data', (d: string) => r(d))));
      }
    } finally {
      for (const c of socks) c.destroy();
    }
    expect(greetings.slice(0, 8).every((g) => g.startsWith('220 '))).toBe(true);
    expect(greetings[8]).toMatch(/^421 Too many connections/);
  });
});
