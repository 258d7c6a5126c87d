import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({ config: { discoverySyslogFlushMs: 50, rateLimitPerMinute: 0 } });
});
afterAll(() => s?.close());

const now = () => (Date.now() / 1000).toFixed(3);
/** RFC 3164 header + a Squid native line written for this test. */
const line = (host: string, user: string, bytes: number) =>
  `<134>${new Date().toUTCString().slice(8, 11)} 10 12:00:00 proxy1 squid[42]: ${now()}    88 10.40.0.7 TCP_TUNNEL/200 ${bytes} CONNECT ${host}:443 ${user} HIER_DIRECT/203.0.113.9 -`;

async function createSource(displayName: string, receiverTypeFull: string) {
  const res = await s.api('POST', '/api/v1/discovery/data_sources/', {
    displayName,
    logType: 156,
    receiverType: 'syslog',
    receiverTypeFull,
  });
  expect(res.status, res.text).toBe(200);
  const body = res.json<{ _id: string; port: number; listening: boolean; protocol: string }>();
  expect(body.listening).toBe(true);
  expect(body.port).toBeGreaterThan(0);
  return body;
}

/**
 * Waits until an app of the stream's report reaches the expected number of transactions. Only the
 * network is waited for: each look first processes what the receiver has got (flush), so no
 * batching timer is waited out.
 */
function waitForEvents(streamId: string, app: string, events: number): Promise<Record<string, number>> {
  return vi.waitFor(
    async () => {
      await s.services.discovery.syslog.flush(streamId);
      const res = await s.api('POST', '/api/v1/discovery/discovered_apps/', { streamId, timeframe: 7 });
      const hit = res.json<{ data: (Record<string, number> & { name: string })[] }>().data.find((a) => a.name === app);
      if (!hit || (hit.trafficTotalEvents ?? 0) < events) throw new Error(`${app} in ${streamId}: ${JSON.stringify(hit)}`);
      return hit;
    },
    { timeout: 20_000, interval: 20 },
  );
}

describe('syslog data sources (log collector)', () => {
  it('UDP: datagrams grow the data source stream', async () => {
    const src = await createSource('Squid over UDP', 'syslog-udp');
    const sock = dgram.createSocket('udp4');
    const send = (msg: string) =>
      new Promise<void>((resolve, reject) => sock.send(msg, src.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    await send(line('www.dropbox.com', 'alice', 1000));
    await send(line('www.dropbox.com', 'bob', 500));
    expect(await waitForEvents(src._id, 'Dropbox', 2)).toMatchObject({ trafficTotalBytes: 1500, usersCount: 2 });
    await send(`${line('www.dropbox.com', 'alice', 250)}\n${line('app.box.com', 'carol', 10)}\n`);
    expect(await waitForEvents(src._id, 'Dropbox', 3)).toMatchObject({ trafficTotalBytes: 1750 });
    await waitForEvents(src._id, 'Box', 1);
    sock.close();
    const streams = (await s.api('GET', '/api/discovery/streams/')).json<{ streams: Record<string, unknown>[] }>().streams;
    expect(streams.find((x) => x._id === src._id)).toMatchObject({
      displayName: 'Squid over UDP',
      logType: 156,
      receiverType: 'syslog',
      protocol: 'udp',
      streamType: 1,
    });
    expect(streams.find((x) => x._id === src._id)!.lastDataReceived).not.toBeNull();
    const ds = (await s.api('GET', `/api/v1/discovery/data_sources/${src._id}/`)).json<{ receiverStats: Record<string, number> }>();
    expect(ds.receiverStats).toMatchObject({ messages: 4, parsed: 4 });
  });

  it('TCP: newline and octet-counted framing, split across writes', async () => {
    const src = await createSource('Squid over TCP', 'syslog-tcp');
    const sock = net.connect(src.port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const a = line('github.com', 'dave', 400);
    const b = line('github.com', 'erin', 600);
    const framed = `${Buffer.byteLength(b)} ${b}`;
    const payload = `${a}\n${framed}${a}\n`;
    sock.write(payload.slice(0, 17));
    sock.write(payload.slice(17, 150));
    sock.end(payload.slice(150));
    expect(await waitForEvents(src._id, 'GitHub', 3)).toMatchObject({ trafficTotalBytes: 1400, usersCount: 2 });
  });

  it('TLS with the server certificate of the data directory', async () => {
    const src = await createSource('Squid over TLS', 'syslog-tls');
    const sock = tls.connect({ port: src.port, host: '127.0.0.1', servername: 'localhost', ca: s.ca });
    await new Promise((r, j) => {
      sock.once('secureConnect', r);
      sock.once('error', j);
    });
    sock.end(`${line('slack.com', 'frank', 42)}\n`);
    expect(await waitForEvents(src._id, 'Slack', 1)).toMatchObject({ trafficTotalBytes: 42 });
  });

  it('rejects unsupported receivers and log types; delete closes the receiver', async () => {
    const sftp = await s.api('POST', '/api/v1/discovery/data_sources/', {
      displayName: 'f',
      logType: 156,
      receiverType: 'sftp',
    });
    expect(sftp.status).toBe(400);
    // The refusal names the refused value (it used to name syslog-udp).
    expect(sftp.json<{ detail: string }>().detail).toMatch(/^sftp: /);
    const tcp6 = await s.api('POST', '/api/v1/discovery/data_sources/', {
      displayName: 'f',
      logType: 156,
      receiverTypeFull: 'syslog-tcp6',
    });
    expect(tcp6.json<{ detail: string }>().detail).toMatch(/^syslog-tcp6: /);
    const bad = await s.api('POST', '/api/v1/discovery/data_sources/', { displayName: 'g', logType: 9999, receiverTypeFull: 'syslog-udp' });
    expect(bad.status).toBe(400);
    expect(bad.json<{ detail: string }>().detail).toContain('9999');
    const src = await createSource('Temporary', 'syslog-tcp');
    expect((await s.api('DELETE', `/api/v1/discovery/data_sources/${src._id}/`)).status).toBe(200);
    await expect(
      new Promise((resolve, reject) => {
        const c = net.connect(src.port, '127.0.0.1');
        c.once('connect', () => {
          c.destroy();
          resolve('connected');
        });
        c.once('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    const list = (await s.api('GET', '/api/v1/discovery/data_sources/')).json<{ data: { displayName: string }[] }>();
    expect(list.data.map((d) => d.displayName)).toEqual(['Squid over TLS', 'Squid over TCP', 'Squid over UDP']);
  });
});
