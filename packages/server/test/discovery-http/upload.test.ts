import https from 'node:https';
import zlib from 'node:zlib';
import { AnonymousCredential, BlockBlobClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../../../../test/compat/https-client.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({ config: { rateLimitPerMinute: 0 } });
});
afterAll(() => s?.close());

const DAY = 86_400_000;
/** Yesterday noon UTC: inside every time frame. */
const T = Math.floor(Date.now() / DAY) * DAY - DAY + 12 * 3_600_000;

/** Squid native lines written for this test: epoch.ms elapsed client code/status bytes method URL user hier/ip type. */
function squidLine(offsetMs: number, ip: string, status: string, bytes: number, method: string, url: string, user: string): string {
  const t = ((T + offsetMs) / 1000).toFixed(3);
  return `${t}    120 ${ip} ${status} ${bytes} ${method} ${url} ${user} HIER_DIRECT/203.0.113.50 text/html`;
}

const SQUID = [
  squidLine(0, '10.20.0.11', 'TCP_TUNNEL/200', 5000, 'CONNECT', 'www.dropbox.com:443', 'alice'),
  squidLine(1000, '10.20.0.12', 'TCP_MISS/200', 7000, 'GET', 'https://dl.dropboxusercontent.com/s/abc/report.pdf', 'bob'),
  squidLine(2000, '10.20.0.11', 'TCP_DENIED/403', 300, 'CONNECT', 'app.box.com:443', 'alice'),
  squidLine(3000, '10.20.0.13', 'TCP_TUNNEL/200', 1200, 'CONNECT', 'api.github.com:443', '-'),
  'this line is not squid at all',
  squidLine(4000, '10.20.0.11', 'TCP_TUNNEL/200', 800, 'CONNECT', 'www.dropbox.com:443', 'alice'),
  squidLine(5000, '10.20.0.14', 'TCP_MISS/200', 999, 'GET', 'http://unknown-saas.example.net/x', 'carol'),
  '1700000000.000 12 not-an-ip TCP_MISS/200 10 GET http://x/ - HIER_NONE/- -',
].join('\n');

/** Blue Coat ProxySG (W3C ELFF) with upload (cs-bytes) and download (sc-bytes). */
const BLUECOAT = [
  '#Software: SGOS 7.3.1.1',
  '#Version: 1.0',
  '#Fields: date time time-taken c-ip cs-username sc-filter-result cs-host cs-uri-port cs-uri-path sc-bytes cs-bytes s-action',
  ...[0, 1, 2].map((i) => {
    const d = new Date(T + i * 60_000).toISOString();
    return `${d.slice(0, 10)} ${d.slice(11, 19)} 15 10.30.0.${5 + i} dana OBSERVED slack.com 443 /api/chat.postMessage ${1000 * (i + 1)} ${100 * (i + 1)} TCP_TUNNELED`;
  }),
  `${new Date(T).toISOString().slice(0, 10)} ${new Date(T).toISOString().slice(11, 19)} 3 10.30.0.9 erin DENIED www.dropbox.com 443 / 0 250 TCP_DENIED`,
].join('\n');

async function uploadUrl(filename: string, source: string): Promise<string> {
  const res = await s.api('GET', `/api/v1/discovery/upload_url/?filename=${encodeURIComponent(filename)}&source=${source}`);
  expect(res.status, res.text).toBe(200);
  const body = res.json<{ url: string; provider: string }>();
  expect(body.provider).toBe('azure');
  expect(body.url.startsWith(`${s.url}/`)).toBe(true);
  return body.url;
}

function blobClient(url: string): BlockBlobClient {
  // The SDK's pipeline takes TLS settings like any core-rest-pipeline client: trust Appwarden's CA.
  return new BlockBlobClient(url, new AnonymousCredential(), { tlsOptions: { ca: s.ca } } as StoragePipelineOptions);
}

async function doneUpload(url: string, inputStreamName: string, uploadAsSnapshot?: boolean) {
  const res = await s.api('POST', '/api/v1/discovery/done_upload/', {
    uploadUrl: url,
    inputStreamName,
    ...(uploadAsSnapshot !== undefined ? { uploadAsSnapshot } : {}),
  });
  expect(res.status, res.text).toBe(200);
  return res.json<{ jobId: string; streamId: string; status: string }>();
}

interface App {
  appId: number;
  name: string;
  category: string;
  usersCount: number;
  ipAddressesCount: number;
  trafficTotalEvents: number;
  trafficBlockedEvents: number;
  trafficUploadedBytes: number;
  trafficDownloadedBytes: number;
  trafficTotalBytes: number;
}

async function apps(streamId: string, extra: Record<string, unknown> = {}): Promise<Map<string, App>> {
  const res = await s.api('POST', '/api/v1/discovery/discovered_apps/', { streamId, timeframe: 7, ...extra });
  expect(res.status, res.text).toBe(200);
  return new Map(res.json<{ data: App[] }>().data.map((a) => [a.name, a]));
}

describe('upload flow with the real Azure blob client (reference §6.6)', () => {
  let proxyStream: string;

  it('stageBlock x3 + commitBlockList, done_upload, job result with samples, discovered apps and categories', async () => {
    const url = await uploadUrl('proxy-a.log', 'SQUID_NATIVE');
    const client = blobClient(url);
    const bytes = Buffer.from(SQUID);
    // Blocks cut in the middle of lines: the server must join them before parsing.
    const cuts = [0, 97, 401, bytes.length];
    const ids: string[] = [];
    for (let i = 0; i < cuts.length - 1; i++) {
      const id = Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64');
      ids.push(id);
      await client.stageBlock(id, bytes.subarray(cuts[i], cuts[i + 1]), cuts[i + 1]! - cuts[i]!);
    }
    await client.commitBlockList(ids);
    const props = await client.getProperties();
    expect(props.contentLength).toBe(bytes.length);

    const done = await doneUpload(url, 'Proxy A');
    expect(done.status).toBe('queued');
    proxyStream = done.streamId;
    const job = await s.whenJobDone(done.jobId);
    expect(job.status).toBe('succeeded');
    const result = job.result as Record<string, unknown> & { samples: { line: number; reason: string; text: string }[] };
    expect(result).toMatchObject({
      linesRead: 8,
      parsed: 6,
      skipped: 2,
      failed: 2,
      matched: 5,
      unclassified: 1,
      blocked: 1,
      verdict: null,
    });
    expect(result.samples.map((x) => x.line)).toEqual([5, 8]);
    for (const x of result.samples) expect(x.reason).not.toBe('');
    expect(result.samples[0]!.text).toBe('this line is not squid at all');

    const a = await apps(proxyStream);
    expect([...a.keys()].sort()).toEqual(['Box', 'Dropbox', 'GitHub']);
    // Squid native reports the reply size only: download = total.
    expect(a.get('Dropbox')).toMatchObject({
      appId: 11627,
      usersCount: 2,
      ipAddressesCount: 2,
      trafficTotalEvents: 3,
      trafficUploadedBytes: 0,
      trafficDownloadedBytes: 12800,
      trafficTotalBytes: 12800,
    });
    expect(a.get('Box')).toMatchObject({ usersCount: 1, trafficTotalEvents: 1, trafficBlockedEvents: 1, trafficTotalBytes: 300 });
    expect(a.get('GitHub')).toMatchObject({ usersCount: 0, ipAddressesCount: 1, trafficTotalBytes: 1200 });

    const cats = await s.api('POST', '/api/v1/discovery/discovered_apps/categories/', { streamId: proxyStream, timeFrame: 30 });
    expect(cats.status).toBe(200);
    expect(cats.json()).toEqual([
      { id: 'SAASDB_CATEGORY_CLOUD_STORAGE', total: 2 },
      { id: 'SAASDB_CATEGORY_CODE_HOSTING', total: 1 },
    ]);
  });

  it('uploadData in blocks (gzip, Blue Coat) as a snapshot: upload/download bytes, not in the Global View', async () => {
    const url = await uploadUrl('bluecoat.log.gz', 'BLUECOAT');
    const gz = zlib.gzipSync(Buffer.from(BLUECOAT));
    await blobClient(url).uploadData(gz, { maxSingleShotSize: 64, blockSize: 64, concurrency: 2 });
    const done = await doneUpload(url, 'Blue Coat snapshot', true);
    const job = await s.whenJobDone(done.jobId);
    expect(job).toMatchObject({ status: 'succeeded', uploadAsSnapshot: true });
    expect((job.result as Record<string, unknown>).compression).toBe('gzip');
    const a = await apps(done.streamId, { sortField: 'name', sortDirection: 'asc' });
    expect([...a.keys()]).toEqual(['Dropbox', 'Slack']);
    expect(a.get('Slack')).toMatchObject({
      usersCount: 1,
      ipAddressesCount: 3,
      trafficTotalEvents: 3,
      trafficUploadedBytes: 600,
      trafficDownloadedBytes: 6000,
      trafficTotalBytes: 6600,
    });
    expect(a.get('Dropbox')).toMatchObject({ trafficBlockedEvents: 1, trafficUploadedBytes: 250 });

    const streams = (await s.api('GET', '/api/discovery/streams/')).json<{
      streams: { _id: string; displayName: string; streamType: number }[];
    }>().streams;
    expect(streams[0]!.displayName).toBe('Global View');
    expect(streams.find((x) => x._id === done.streamId)).toMatchObject({ displayName: 'Blue Coat snapshot', streamType: 5 });
    expect(streams.find((x) => x._id === proxyStream)).toMatchObject({ displayName: 'Proxy A', streamType: 1 });
    // The Global View (default report) holds the continuous stream only.
    const global = await apps(streams[0]!._id);
    expect(global.get('Dropbox')!.trafficTotalEvents).toBe(3);
    expect(global.has('Slack')).toBe(false);
    expect((await apps(undefined as unknown as string)).get('Dropbox')!.trafficTotalEvents).toBe(3);
  });

  it('single-shot upload() and a raw chunked PUT into the same continuous stream add up', async () => {
    const url1 = await uploadUrl('proxy-a-2.log', 'SQUID_NATIVE');
    const more = squidLine(6000, '10.20.0.15', 'TCP_TUNNEL/200', 1000, 'CONNECT', 'www.dropbox.com:443', 'frank');
    await blobClient(url1).upload(more, Buffer.byteLength(more));
    await s.whenJobDone((await doneUpload(url1, 'Proxy A')).jobId);

    const url2 = await uploadUrl('proxy-a-3.log', 'SQUID_NATIVE');
    const body = squidLine(7000, '10.20.0.16', 'TCP_TUNNEL/200', 2000, 'CONNECT', 'www.dropbox.com:443', 'grace');
    const put = await new Promise<number>((resolve, reject) => {
      const headers = { 'x-ms-blob-type': 'BlockBlob', 'transfer-encoding': 'chunked' };
      const req = https.request(new URL(url2), { method: 'PUT', ca: s.ca, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      req.end(body.slice(20));
    });
    expect(put).toBe(201);
    const done = await doneUpload(url2, 'Proxy A');
    expect(done.streamId).toBe(proxyStream);
    await s.whenJobDone(done.jobId);
    const a = await apps(proxyStream);
    expect(a.get('Dropbox')).toMatchObject({ usersCount: 4, trafficTotalEvents: 5, trafficTotalBytes: 15800 });
    const stream = (await s.api('GET', '/api/discovery/streams/'))
      .json<{ streams: { _id: string; logFilesHistoryCount: number }[] }>()
      .streams.find((x) => x._id === proxyStream);
    expect(stream!.logFilesHistoryCount).toBe(3);
  });

  it('rejects what it should: bad signature, missing blob type, unsupported source, double submit, nothing uploaded', async () => {
    const url = await uploadUrl('x.log', 'SQUID_NATIVE');
    const forged = url.replace(/sig=[^&]+/, 'sig=AAAA');
    const bad = await httpsRequest(forged, { ca: s.ca, method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'x' });
    expect(bad.status).toBe(403);
    expect(bad.headers['x-ms-error-code']).toBe('AuthenticationFailed');
    expect(bad.text).toContain('<Code>AuthenticationFailed</Code>');
    const noType = await httpsRequest(url, { ca: s.ca, method: 'PUT', body: 'x' });
    expect(noType.status).toBe(400);
    expect(noType.headers['x-ms-error-code']).toBe('MissingRequiredHeader');
    const early = await s.api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'x' });
    expect(early.status).toBe(400);
    const unsupported = await s.api('GET', '/api/v1/discovery/upload_url/?filename=a.log&source=NOT_A_SOURCE');
    expect(unsupported.status).toBe(400);
    expect(unsupported.json<{ detail: string }>().detail).toContain('NOT_A_SOURCE');
    await blobClient(url).upload('garbage\n', 8);
    const first = await doneUpload(url, 'Garbage');
    const again = await s.api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'Garbage' });
    expect(again.status).toBe(400);
    const job = await s.whenJobDone(first.jobId);
    expect(job).toMatchObject({ status: 'failed', error: 'The log format does not match' });
    expect((job.result as { samples: unknown[] }).samples).toHaveLength(1);
    // Once submitted the URL no longer accepts writes: 409 while the job holds the file, 403 once it is cleaned up.
    const late = await httpsRequest(url, { ca: s.ca, method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'y' });
    expect([403, 409]).toContain(late.status);
  });

  it('rejects a request without a valid token', async () => {
    const res = await s.api('GET', '/api/v1/discovery/upload_url/?filename=a.log&source=SQUID', undefined, { authorization: 'Bearer x' });
    expect(res.status).toBe(401);
  });
});
