// Hostile senders against the syslog receivers: memory stays under the pending-bytes cap (TCP is
// paused, nothing is lost), UDP past a sender's byte rate is dropped and counted, oversized
// octet-counted frames are not buffered, and the connection cap holds.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SyslogFramer, SyslogReceivers } from '../../src/discovery/ingest/syslog-receiver.js';
import { systemClock } from '../../src/clock.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

const CAP = 64 * 1024;
let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({
    config: {
      // Batches are cut by size only: the flood, not a timer, drives processing.
      discoverySyslogFlushMs: 3_600_000,
      discoverySyslogMaxPendingBytes: CAP,
      discoverySyslogSenderBytesPerSecond: 0,
      discoverySyslogMaxConnections: 2,
      rateLimitPerMinute: 0,
    },
  });
});
afterAll(() => s?.close());

const squid = (i: number) =>
  `${(Date.now() / 1000).toFixed(3)}    88 10.40.${(i >> 8) & 255}.${i & 255} TCP_TUNNEL/200 100 CONNECT www.dropbox.com:443 user${i % 7} HIER_DIRECT/203.0.113.9 -`;

async function createSource(displayName: string, receiverTypeFull: string) {
  const res = await s.api('POST', '/api/v1/discovery/data_sources/', {
    displayName,
    logType: 156,
    receiverType: 'syslog',
    receiverTypeFull,
  });
  expect(res.status, res.text).toBe(200);
  return res.json<{ _id: string; port: number }>();
}

const stats = async (id: string) =>
  (await s.api('GET', `/api/v1/discovery/data_sources/${id}/`)).json<{ receiverStats: Record<string, number> }>().receiverStats;

describe('syslog receivers under a flood', () => {
  it('TCP: a flood far above the cap is paused, not buffered, and every line is parsed', async () => {
    const src = await createSource('flood tcp', 'syslog-tcp');
    const lines = 20_000; // ~2 MB, thirty times the cap
    const payload = Array.from({ length: lines }, (_, i) => squid(i)).join('\n') + '\n';
    const sock = net.connect(src.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.end(payload, () => resolve());
    });
    await vi.waitFor(
      async () => {
        await s.services.discovery.syslog.flush(src._id);
        const st = await stats(src._id);
        if (st.parsed !== lines) throw new Error(JSON.stringify(st));
      },
      { timeout: 25_000, interval: 20 },
    );
    const st = await stats(src._id);
    expect(st).toMatchObject({ messages: lines, parsed: lines, dropped: 0, pendingBytes: 0 });
    expect(st.pauses).toBeGreaterThan(0);
    // One socket read (64 KiB at most) may land on top of the cap before the pause takes effect.
    expect(st.peakPendingBytes).toBeLessThanOrEqual(CAP + 64 * 1024 + 1024);
  });

  it('TCP: an octet-counted frame announcing 9 MB is cut at 64 KiB and the rest skipped unbuffered', () => {
    const framer = new SyslogFramer();
    const out: string[] = [];
    out.push(...framer.push(Buffer.from(`9000000 `)));
    // The first 64 KiB come out as soon as they are in: the frame is never held whole.
    out.push(...framer.push(Buffer.alloc(100_000, 0x61)));
    expect(out.map((m) => m.length)).toEqual([64 * 1024]);
    for (let sent = 100_000; sent < 9_000_000; sent += 490_000)
      out.push(...framer.push(Buffer.alloc(Math.min(490_000, 9_000_000 - sent), 0x61)));
    out.push(...framer.push(Buffer.from('after\n')));
    expect(out.map((m) => m.length)).toEqual([64 * 1024, 5]);
    expect(out[1]).toBe('after');
  });

  it('UDP: datagrams past the sender byte rate are dropped and counted', async () => {
    const src = await createSource('flood udp', 'syslog-udp');
    const row = (await s.services.stores.discovery.streams.listDataSources()).find((r) => r.id === src._id)!;
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    // A receiver of its own with a tight sender rate: 2000 bytes/s, i.e. a burst of 2000 bytes.
    const receivers = new SyslogReceivers(
      s.services.stores,
      systemClock,
      { host: '127.0.0.1', flushMs: 3_600_000, senderBytesPerSecond: 2000 },
      quiet,
    );
    try {
      const port = await receivers.open({ ...row, port: null });
      const sock = dgram.createSocket('udp4');
      const msg = squid(1); // ~120 bytes: about 16 fit in the burst
      for (let i = 0; i < 60; i++) await new Promise<void>((r, j) => sock.send(msg, port, '127.0.0.1', (e) => (e ? j(e) : r())));
      sock.close();
      const st = await vi.waitFor(
        () => {
          const now = receivers.stats(row.id)!;
          if (now.messages + now.rateLimited < 60) throw new Error(JSON.stringify(now));
          return now;
        },
        { timeout: 10_000, interval: 10 },
      );
      expect(st.rateLimited).toBeGreaterThanOrEqual(30);
      expect(st.messages).toBeLessThanOrEqual(30);
    } finally {
      await receivers.closeAll();
    }
  });

  it('TCP: connections past the cap are closed at once', async () => {
    const src = await createSource('many connections', 'syslog-tcp');
    const open = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const c = net.connect(src.port, '127.0.0.1', () => resolve(c));
        c.once('error', reject);
      });
    const held = [await open(), await open()];
    await vi.waitFor(async () => expect((await stats(src._id)).connections).toBe(2), { timeout: 10_000, interval: 10 });
    const third = await open();
    await new Promise<void>((resolve) => third.once('close', () => resolve()));
    expect((await stats(src._id)).connections).toBe(2);
    for (const c of held) c.destroy();
  });
});
