import crypto from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SiemDelivery } from '../../packages/server/src/siem/delivery.js';
import { generateCa, issueServerCertificate } from '../../packages/server/src/tls/certificates.js';
import { inProcess, OPERATOR_KEY, type InProcessHarness, type Workspace } from '../support/harness.js';
import { freePort, parseFrame, streamReceiver, udpReceiver, type Receiver } from '../support/cef-receiver.js';

// SIEM export end to end (issue 15, 4b and 4c): items go in through the import API, the delivery
// worker sends them over real loopback sockets, and receivers parse what arrives.

const SIEM_CONFIG = { siemPollMs: 30, siemRetryBaseMs: 40, siemRetryMaxMs: 300, siemSendTimeoutMs: 2000 };
const op = { authorization: `Bearer ${OPERATOR_KEY}` };

const cleanup: (() => Promise<void>)[] = [];
/** One server for the tests that need no special settings (each removes its targets afterwards). */
let shared: InProcessHarness | undefined;
/** Item ids differ per test, so that items of one test are new in the shared server. */
let run = 0;
beforeEach(() => {
  run += 1;
});
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c().catch(() => undefined);
  if (shared)
    for (const t of await shared.services.stores.siem.listTargets(shared.tenantId))
      await shared.services.stores.siem.removeTarget(shared.tenantId, t.id);
});
afterAll(async () => {
  await shared?.close();
});

async function sharedHarness(): Promise<InProcessHarness> {
  shared ??= await inProcess({ seed: 'tenant', config: SIEM_CONFIG });
  return shared;
}

async function harness(config: Record<string, unknown> = {}, reuse?: Workspace): Promise<InProcessHarness> {
  const h = await inProcess({ seed: reuse ? 'none' : 'tenant', config: { ...SIEM_CONFIG, ...config }, ...(reuse ? { reuse } : {}) });
  cleanup.push(() => h.close());
  return h;
}

async function receiver(r: Promise<Receiver>): Promise<Receiver> {
  const x = await r;
  cleanup.push(() => x.close());
  return x;
}

const T = 1_741_000_000_000;
const activity = (n: number, extra: Record<string, unknown> = {}) => ({
  _id: `tenant_15600_0b6f4e1c-${String(run).padStart(4, '0')}-4000-8000-${String(n).padStart(12, '0')}`,
  timestamp: T + n * 1000,
  created: T + n * 1000 + 5,
  appId: 15600,
  saasId: 15600,
  appName: 'Microsoft OneDrive for Business',
  eventTypeName: 'EVENT_CATEGORY_DOWNLOAD_FILE',
  description: `Download file: file budget=${n}|q.xlsx`,
  user: { userName: 'alice@contoso.com' },
  device: { clientIP: '203.0.113.7', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
  mainInfo: { prettyOperationName: 'Download file', eventObjects: [{ name: `budget${n}.xlsx` }, { name: 'alice@contoso.com' }] },
  policies: ['65e6e8a05c0a4b1a2b3c4d01'],
  ...extra,
});
const alert = (n: number, extra: Record<string, unknown> = {}) => ({
  _id: `65e6f0db5c0a4b1a2b3c${(run % 256).toString(16).padStart(2, '0')}${n.toString(16).padStart(2, '0')}`,
  timestamp: T + 60_000 + n,
  title: 'Mass download - finance',
  description: "Activity policy 'Mass download - finance' was triggered by 'alice@contoso.com'\nsecond line with a = sign",
  severityValue: 1,
  threatScore: 19,
  entities: [
    { id: '65e6e8a05c0a4b1a2b3c4d01', label: 'Mass download - finance', policyType: 'AUDIT', type: 'policyRule' },
    { id: 15600, label: 'Microsoft OneDrive for Business', type: 'service' },
    { id: 'alice@contoso.com', label: 'alice@contoso.com', type: 'user' },
    { id: '203.0.113.7', label: '203.0.113.7', type: 'ip' },
    { id: '2001:db8::7', label: '2001:db8::7', type: 'ip' },
  ],
  policy: { id: '65e6e8a05c0a4b1a2b3c4d01', label: 'Mass download - finance', policyType: 'AUDIT', type: 'policyRule' },
  audits: [activity(1)._id, activity(2)._id],
  ...extra,
});

async function importItems(h: InProcessHarness, resource: 'activities' | 'alerts', docs: object[]): Promise<void> {
  const res = await h.app.inject({
    method: 'POST',
    url: `/admin/tenants/${h.tenantId}/cloud-apps/import/${resource}`,
    headers: { ...op, 'content-type': 'application/x-ndjson' },
    payload: docs.map((d) => JSON.stringify(d)).join('\n'),
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function addTarget(h: InProcessHarness, body: Record<string, unknown>) {
  const res = await h.app.inject({ method: 'POST', url: `/admin/tenants/${h.tenantId}/siem/targets`, headers: op, payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret?: string; url: string; format: string; framing: string };
}

async function targets(h: InProcessHarness) {
  const res = await h.app.inject({ method: 'GET', url: `/admin/tenants/${h.tenantId}/siem/targets`, headers: op });
  expect(res.statusCode).toBe(200);
  return (res.json() as { value: Record<string, unknown>[] }).value;
}

function checkActivity(raw: string, n: number) {
  const e = parseFrame(raw);
  const a = activity(n);
  expect([e.vendor, e.product, e.signatureId, e.name, e.severity]).toEqual([
    'MCAS',
    'SIEM_Agent',
    'EVENT_CATEGORY_DOWNLOAD_FILE',
    'Download file',
    '0',
  ]);
  expect(e.keys).toEqual([
    'externalId', 'rt', 'start', 'end', 'msg', 'suser', 'destinationServiceName', 'dvc', 'requestClientApplication',
    'cs1Label', 'cs1', 'cs2Label', 'cs2', 'cs3Label', 'cs3', 'cs4Label', 'cs4', 'c6a1Label', 'c6a1',
  ]); // prettier-ignore
  expect(e.ext).toMatchObject({
    externalId: a._id,
    rt: String(a.created),
    start: String(a.timestamp),
    end: String(a.timestamp),
    msg: a.description,
    suser: 'alice@contoso.com',
    destinationServiceName: 'Microsoft OneDrive for Business',
    dvc: '203.0.113.7',
    requestClientApplication: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    cs1Label: 'portalURL',
    cs1: `https://localhost:8443/#/audits?activity.id=eq(${a._id},)`,
    cs2: 'APPID_15600',
    cs3Label: 'targetObjects',
    cs3: `budget${n}.xlsx,alice@contoso.com`,
    cs4: '65e6e8a05c0a4b1a2b3c4d01',
    c6a1Label: '"Device IPv6 Address"',
    c6a1: '',
  });
  return e;
}

function checkAlert(raw: string, n: number) {
  const e = parseFrame(raw);
  const a = alert(n);
  expect([e.vendor, e.product, e.signatureId, e.name, e.severity]).toEqual([
    'MCAS',
    'SIEM_Agent',
    'ALERT_CABINET_EVENT_MATCH_AUDIT',
    'Mass download - finance',
    '3',
  ]);
  expect(e.ext).toMatchObject({
    externalId: a._id,
    start: String(a.timestamp),
    msg: a.description.replace(/'/g, "''"),
    suser: 'alice@contoso.com',
    destinationServiceName: 'Microsoft OneDrive for Business',
    cn1Label: 'riskScore',
    cn1: '19',
    cs1: `https://localhost:8443/#/alerts/${a._id}`,
    cs2: 'APPID_15600',
    cs3Label: 'relatedAudits',
    cs3: a.audits.join(','),
    cs4: '65e6e8a05c0a4b1a2b3c4d01',
    src: '203.0.113.7',
    c6a1: '2001:db8::7',
  });
  return e;
}

const byExternalId = (frames: string[]) => new Map(frames.map((f) => [parseFrame(f).ext.externalId!, f]));

describe('SIEM export over syslog', () => {
  it('UDP, RFC 5424: every line parses and carries the items fields; a re-imported item is not sent again', async () => {
    const h = await sharedHarness();
    const r = await receiver(udpReceiver());
    const t = await addTarget(h, { url: `udp://127.0.0.1:${r.port}` });
    expect(t).toMatchObject({ format: 'rfc5424', framing: 'datagram' });
    h.services.siem.delivery.start();
    await importItems(h, 'activities', [activity(1), activity(2), activity(3)]);
    await importItems(h, 'alerts', [alert(1), alert(2)]);
    const frames = await r.waitFor(5);
    const got = byExternalId(frames);
    for (const n of [1, 2, 3]) {
      const e = checkActivity(got.get(activity(n)._id)!, n);
      expect(e.syslog.type).toBe('CEF');
      expect(e.syslog.prival).toBe(14);
      expect(e.syslog.appName).toBe('appwarden');
      expect(e.syslog.ts?.getTime()).toBe(activity(n).timestamp);
      // nsyslog-parser reads the header the same way.
      expect(e.syslog.cef).toMatchObject({ deviceVendor: 'MCAS', deviceProduct: 'SIEM_Agent', severity: '0' });
    }
    for (const n of [1, 2]) expect(checkAlert(got.get(alert(n)._id)!, n).syslog.prival).toBe(12);
    // Replacing stored items (same ids) exports nothing; a new one goes out.
    await importItems(h, 'activities', [activity(1, { description: 'changed' }), activity(4)]);
    await r.waitFor(6);
    await h.services.siem.delivery.whenIdle();
    expect(r.frames).toHaveLength(6);
    checkActivity(r.frames[5]!, 4);
    const [view] = await targets(h);
    expect(view).toMatchObject({ pending: 0, delivered: 6, dropped: 0, kind: 'syslog' });
  });

  it('TCP with octet counting in RFC 3164 frames, and alerts only', async () => {
    const h = await sharedHarness();
    const r = await receiver(streamReceiver({ framing: 'octet' }));
    await addTarget(h, { url: `tcp://127.0.0.1:${r.port}`, framing: 'octet', format: 'rfc3164', alerts: true });
    h.services.siem.delivery.start();
    await importItems(h, 'activities', [activity(1)]);
    await importItems(h, 'alerts', [alert(1), alert(2), alert(3)]);
    const frames = await r.waitFor(3);
    await h.services.siem.delivery.whenIdle();
    expect(r.frames).toHaveLength(3);
    frames.forEach((f, i) => {
      const e = checkAlert(f, i + 1);
      expect(e.syslog.type).toBe('CEF');
      expect(f).toMatch(/^<12>[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \S+ appwarden: CEF:0\|/);
    });
  });

  it('TLS with the target CA, LF framing, the agent own frame', async () => {
    const ca = await generateCa('SIEM test CA');
    const cert = await issueServerCertificate(ca, ['localhost'], ['127.0.0.1']);
    const h = await sharedHarness();
    const r = await receiver(streamReceiver({ tls: { key: cert.keyPem, cert: cert.certPem } }));
    await addTarget(h, { url: `tls://127.0.0.1:${r.port}`, ca: ca.certPem, format: 'agent', activities: true });
    h.services.siem.delivery.start();
    await importItems(h, 'activities', [activity(1), activity(2)]);
    const frames = await r.waitFor(2);
    frames.forEach((f, i) => {
      checkActivity(f, i + 1);
      expect(f.startsWith(`${new Date(activity(i + 1).timestamp).toISOString()} `)).toBe(true);
    });
  });

  it('a TLS receiver with an untrusted certificate gets nothing, and the error shows on the target', async () => {
    const ca = await generateCa('Other CA');
    const cert = await issueServerCertificate(ca, ['localhost'], ['127.0.0.1']);
    const h = await sharedHarness();
    const r = await receiver(streamReceiver({ tls: { key: cert.keyPem, cert: cert.certPem } }));
    await addTarget(h, { url: `tls://127.0.0.1:${r.port}` });
    h.services.siem.delivery.start();
    await importItems(h, 'activities', [activity(1)]);
    await h.services.siem.delivery.whenIdle();
    const [view] = await targets(h);
    expect(view).toMatchObject({ pending: 1, delivered: 0 });
    expect(String(view!.lastError)).toMatch(/certificate/i);
    expect(r.frames).toHaveLength(0);
  });

  it('a receiver that is down and comes up later gets everything, in order', async () => {
    const h = await sharedHarness();
    const port = await freePort();
    await addTarget(h, { url: `tcp://127.0.0.1:${port}` });
    h.services.siem.delivery.start();
    await importItems(
      h,
      'activities',
      [1, 2, 3, 4, 5].map((n) => activity(n)),
    );
    await h.services.siem.delivery.whenIdle();
    const [down] = await targets(h);
    expect(down).toMatchObject({ pending: 5, delivered: 0 });
    expect(String(down!.lastError)).toMatch(/ECONNREFUSED/);
    await importItems(h, 'alerts', [alert(1)]);
    const r = await receiver(streamReceiver({ port }));
    const frames = await r.waitFor(6);
    expect(frames.map((f) => parseFrame(f).ext.externalId)).toEqual([...[1, 2, 3, 4, 5].map((n) => activity(n)._id), alert(1)._id]);
    // The receiver restarts: the next items still arrive.
    await r.close();
    const r2 = await receiver(streamReceiver({ port }));
    await importItems(h, 'activities', [activity(6)]);
    const again = await r2.waitFor(1);
    checkActivity(again[0]!, 6);
  });

  it('nothing is lost across a restart of the server, nothing delivered is sent again', async () => {
    const r = await receiver(streamReceiver());
    const h1 = await inProcess({ seed: 'tenant', config: SIEM_CONFIG });
    await addTarget(h1, { url: `tcp://127.0.0.1:${r.port}` });
    h1.services.siem.delivery.start();
    await importItems(h1, 'activities', [activity(1), activity(2)]);
    await r.waitFor(2);
    await h1.services.siem.delivery.stop();
    // Written while no worker runs (the process "crashed" before sending).
    await importItems(h1, 'activities', [activity(3), activity(4)]);
    await h1.close({ keep: true });
    const h2 = await harness({}, { dataDir: h1.dataDir, databaseUrl: h1.databaseUrl });
    h2.services.siem.delivery.start();
    await r.waitFor(4);
    await h2.services.siem.delivery.whenIdle();
    expect(r.frames.map((f) => parseFrame(f).ext.externalId)).toEqual([1, 2, 3, 4].map((n) => activity(n)._id));
  });

  it('two delivery workers on one database never send the same item (target lease)', async () => {
    const h = await harness({ siemBatchSize: 7 });
    const r = await receiver(streamReceiver());
    await addTarget(h, { url: `tcp://127.0.0.1:${r.port}` });
    await importItems(
      h,
      'activities',
      Array.from({ length: 120 }, (_, i) => activity(i + 1)),
    );
    const other = new SiemDelivery(h.services.stores, h.services.master, {
      batchSize: 7,
      pollMs: 10,
      retryBaseMs: 40,
      retryMaxMs: 300,
      sendTimeoutMs: 2000,
      origin: () => 'https://localhost:8443',
    });
    cleanup.push(() => other.stop());
    other.start();
    h.services.siem.delivery.start();
    const frames = await r.waitFor(120);
    await Promise.all([other.whenIdle(), h.services.siem.delivery.whenIdle()]);
    const ids = frames.map((f) => parseFrame(f).ext.externalId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
  });

  it('the outbox of a target is capped: past it the oldest items are dropped and counted', async () => {
    const h = await harness({ siemMaxPendingPerTarget: 100 });
    await addTarget(h, { url: `tcp://127.0.0.1:${await freePort()}` });
    await importItems(
      h,
      'activities',
      Array.from({ length: 130 }, (_, i) => activity(i + 1)),
    );
    const [view] = await targets(h);
    expect(view).toMatchObject({ pending: 100, dropped: 30, maxPending: 100 });
  });
});

describe('SIEM export to a webhook', () => {
  it('posts signed alert JSON, retries after 500s with the same delivery id, and verifies with the secret', async () => {
    const ca = await generateCa('Webhook CA');
    const cert = await issueServerCertificate(ca, ['localhost'], ['127.0.0.1']);
    const seen: { status: number; delivery: string; event: string; signature: string; body: string }[] = [];
    let failures = 2;
    const server = https.createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = failures-- > 0 ? 500 : 200;
        seen.push({
          status,
          delivery: String(req.headers['x-appwarden-delivery']),
          event: String(req.headers['x-appwarden-event']),
          signature: String(req.headers['x-appwarden-signature']),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const h = await sharedHarness();
    const port = (server.address() as AddressInfo).port;
    const t = await addTarget(h, { url: `https://127.0.0.1:${port}/hooks/siem?x=1`, ca: ca.certPem, alerts: true });
    expect(t.secret).toMatch(/^awwh_[A-Za-z0-9_-]{43}$/);
    // Shown once: listing never returns it, and it is not stored in clear text.
    expect(JSON.stringify(await targets(h))).not.toContain(t.secret);
    const stored = await h.services.stores.siem.getTarget(h.tenantId, t.id);
    expect(stored!.secret_enc).not.toContain(t.secret!.slice(5));
    h.services.siem.delivery.start();
    await importItems(h, 'alerts', [alert(1)]);
    const deadline = Date.now() + 10_000;
    while (!seen.some((s) => s.status === 200) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen.map((s) => s.status)).toEqual([500, 500, 200]);
    expect(new Set(seen.map((s) => s.delivery)).size).toBe(1);
    for (const s of seen) {
      const expected = `sha256=${crypto.createHmac('sha256', t.secret!).update(s.body).digest('hex')}`;
      expect(crypto.timingSafeEqual(Buffer.from(s.signature), Buffer.from(expected))).toBe(true);
      expect(s.event).toBe('alert');
    }
    const body = JSON.parse(seen[2]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      _id: alert(1)._id,
      title: 'Mass download - finance',
      statusValue: 0,
      resolutionStatusValue: 0,
      severityValue: 1,
    });
    await h.services.siem.delivery.whenIdle();
    const [view] = await targets(h);
    expect(view).toMatchObject({ kind: 'webhook', pending: 0, delivered: 1 });
  });
});

describe('SIEM targets (operator routes)', () => {
  it('refuses bad targets with operator errors, lists and removes', async () => {
    const h = await harness({ siemMaxTargetsPerTenant: 2 });
    const bad = async (payload: Record<string, unknown>, status = 400) => {
      const res = await h.app.inject({ method: 'POST', url: `/admin/tenants/${h.tenantId}/siem/targets`, headers: op, payload });
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json()).toHaveProperty('error.code');
      return res.json() as { error: { code: string; message: string } };
    };
    expect((await bad({ url: 'ftp://x:1' })).error.message).toMatch(/udp:\/\/host:port/);
    await bad({ url: 'udp://127.0.0.1:70000' });
    await bad({ url: 'http://127.0.0.1/hook' });
    await bad({ url: 'https://u:p@127.0.0.1/hook' });
    await bad({ url: 'tcp://127.0.0.1:514', framing: 'nope' });
    await bad({ url: 'tcp://127.0.0.1:514', ca: 'not pem' });
    await bad({ url: 'tls://127.0.0.1:514', ca: 'not pem' });
    await bad({ url: 'tcp://127.0.0.1:514', format: 'xml' });
    await bad({ url: 'tcp://127.0.0.1:514', alerts: 'yes' });
    await bad({ url: 'tcp://127.0.0.1:514', secret: 'x' });
    await bad({});
    const a = await addTarget(h, { url: 'tcp://127.0.0.1:514' });
    await addTarget(h, { url: 'udp://[::1]:514', activities: true });
    expect((await bad({ url: 'udp://127.0.0.1:514' }, 409)).error.code).toBeTruthy();
    expect((await targets(h)).map((t) => [t.url, t.alerts, t.activities]).sort()).toEqual([
      ['tcp://127.0.0.1:514', true, true],
      ['udp://[::1]:514', false, true],
    ]);
    const del = await h.app.inject({ method: 'DELETE', url: `/admin/tenants/${h.tenantId}/siem/targets/${a.id}`, headers: op });
    expect(del.statusCode).toBe(204);
    const again = await h.app.inject({ method: 'DELETE', url: `/admin/tenants/${h.tenantId}/siem/targets/${a.id}`, headers: op });
    expect(again.statusCode).toBe(404);
    const noKey = await h.app.inject({ method: 'GET', url: `/admin/tenants/${h.tenantId}/siem/targets` });
    expect(noKey.statusCode).toBe(401);
    expect(await targets(h)).toHaveLength(1);
  });
});
