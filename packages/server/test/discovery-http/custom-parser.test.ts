// CUSTOM_PARSER end to end: a data source carries the parser definition; uploads with
// source=CUSTOM_PARSER use the parser of the data source named by inputStreamName, and the data
// source's syslog receiver uses it too.
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpsRequest } from '../../../../test/compat/https-client.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({ config: { discoverySyslogFlushMs: 50, rateLimitPerMinute: 0 } });
});
afterAll(() => s?.close());

const DAY = 86_400_000;
/** Yesterday noon UTC: inside every time frame. */
const T = Math.floor(Date.now() / DAY) * DAY - DAY + 12 * 3_600_000;
const stamp = (offsetMs: number) => new Date(T + offsetMs).toISOString().slice(0, 19).replace('T', ' ');

const CSV_PARSER = {
  layout: 'csv',
  header: ['when', 'client', 'login', 'site', 'sent', 'received', 'verdict', 'note'],
  fields: {
    timestamp: 'when',
    srcIp: 'client',
    user: 'login',
    destHost: 'site',
    bytesUp: 'sent',
    bytesDown: 'received',
    action: 'verdict',
  },
  timestampFormat: 'yyyy-MM-dd HH:mm:ss',
  blockedValues: ['refused'],
};

/** A log in this made-up CSV layout (no header line: the data source lists the columns). */
const CSV_LOG = [
  `${stamp(0)},10.50.0.1,alice,www.dropbox.com,100,2000,passed,"first, with a comma"`,
  `${stamp(1000)},10.50.0.2,bob,www.dropbox.com,300,4000,passed,`,
  `${stamp(2000)},10.50.0.1,alice,app.box.com,50,0,refused,`,
  `${stamp(3000)},10.50.0.3,carol,api.github.com,10,20,passed,`,
  `not a date,10.50.0.3,carol,api.github.com,10,20,passed,`,
  `${stamp(4000)},10.50.0.4,dave,unknown-saas.example.net,1,2,passed,`,
].join('\n');

async function createDataSource(body: Record<string, unknown>) {
  return s.api('POST', '/api/v1/discovery/data_sources/', { receiverType: 'syslog', receiverTypeFull: 'syslog-udp', ...body });
}

async function uploadUrl(filename: string, source: string) {
  return s.api('GET', `/api/v1/discovery/upload_url/?filename=${encodeURIComponent(filename)}&source=${source}`);
}

/** Put Blob in one request, as the PowerShell module does. */
async function putBlob(url: string, body: string): Promise<void> {
  const res = await httpsRequest(url, {
    ca: s.ca,
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' },
    body,
  });
  expect(res.status, res.text).toBe(201);
}

async function apps(streamId: string): Promise<Map<string, Record<string, number>>> {
  const res = await s.api('POST', '/api/v1/discovery/discovered_apps/', { streamId, timeframe: 7 });
  expect(res.status, res.text).toBe(200);
  return new Map(res.json<{ data: (Record<string, number> & { name: string })[] }>().data.map((a) => [a.name, a]));
}

/** The 400 of the Cloud Apps error format: the offending parameter is a key of the body. */
function expectInvalid(res: { status: number; text: string; json<T>(): T }, param: string, pattern: RegExp): void {
  expect(res.status, res.text).toBe(400);
  const body = res.json<Record<string, unknown>>();
  expect(body.error).toBe(true);
  const entry = (body[param] as { error: string }[] | undefined)?.[0];
  expect(entry, res.text).toBeDefined();
  expect(entry!.error).toMatch(pattern);
}

describe('CUSTOM_PARSER data sources and uploads', () => {
  it('refuses source=CUSTOM_PARSER at upload_url while no data source has a parser', async () => {
    expectInvalid(await uploadUrl('x.csv', 'CUSTOM_PARSER'), 'source', /data source with a custom parser/);
  });

  it('validates the parser definition, naming the bad field', async () => {
    const base = { displayName: 'Bad parser', logType: 167 };
    expectInvalid(await createDataSource(base), 'customParser', /required/);
    expectInvalid(await createDataSource({ ...base, customParser: { ...CSV_PARSER, layout: 'xml' } }), 'customParser.layout', /csv/);
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, fields: { ...CSV_PARSER.fields, srcIp: undefined } } }),
      'customParser.fields.srcIp',
      /required/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, fields: { ...CSV_PARSER.fields, user: 'username' } } }),
      'customParser.fields.user',
      /'username' is not a column of header/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, fields: { ...CSV_PARSER.fields, colour: 'note' } } }),
      'customParser.fields.colour',
      /unknown field/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, timestampFormat: 'HH:mm:ss' } }),
      'customParser.timestampFormat',
      /yyyy/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { layout: 'csv', fields: { timestamp: 'when', srcIp: '1', destHost: '2' } } }),
      'customParser.fields.timestamp',
      /column number/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, fields: { timestamp: 'when', srcIp: 'client' } } }),
      'customParser.fields',
      /destination/,
    );
    expectInvalid(
      await createDataSource({ ...base, customParser: { ...CSV_PARSER, delimiter: ';;' } }),
      'customParser.delimiter',
      /one character/,
    );
    expectInvalid(await createDataSource({ ...base, customParser: '{not json' }), 'customParser', /JSON/);
    expectInvalid(
      await createDataSource({ displayName: 'Squid with parser', logType: 155, customParser: CSV_PARSER }),
      'customParser',
      /only for data sources of logType CUSTOM_PARSER/,
    );
    // Nothing was created.
    const list = (await s.api('GET', '/api/v1/discovery/data_sources/')).json<{ data: { displayName: string }[] }>().data;
    expect(list.map((d) => d.displayName)).not.toContain('Bad parser');
  });

  let csvSource: { _id: string; port: number };

  it('creates a CSV data source, uploads through the three steps with its parser, and reports the apps', async () => {
    const created = await createDataSource({ displayName: 'Edge CSV', logType: 'CUSTOM_PARSER', customParser: CSV_PARSER });
    expect(created.status, created.text).toBe(200);
    csvSource = created.json<{ _id: string; port: number }>();
    expect(created.json()).toMatchObject({ displayName: 'Edge CSV', logType: 167, customParser: CSV_PARSER });
    const fetched = await s.api('GET', `/api/v1/discovery/data_sources/${csvSource._id}/`);
    expect(fetched.json()).toMatchObject({ customParser: CSV_PARSER });

    const init = await uploadUrl('edge.csv', 'CUSTOM_PARSER');
    expect(init.status, init.text).toBe(200);
    const url = init.json<{ url: string }>().url;
    await putBlob(url, CSV_LOG);

    // A name that is not a custom-parser data source: 400, and the upload stays usable.
    const wrong = await s.api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'Edge' });
    expectInvalid(wrong, 'inputStreamName', /'Edge' is not a data source with a custom parser \('Edge CSV' are\)/);

    const done = await s.api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: 'Edge CSV' });
    expect(done.status, done.text).toBe(200);
    const { jobId, streamId } = done.json<{ jobId: string; streamId: string }>();
    // The upload feeds the data source's own continuous report.
    expect(streamId).toBe(csvSource._id);
    const job = await s.whenJobDone(jobId);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.source).toBe('CUSTOM_PARSER');
    const result = job.result as Record<string, unknown> & { samples: { line: number; reason: string }[] };
    expect(result).toMatchObject({ parserId: 'custom', linesRead: 6, parsed: 5, failed: 1, matched: 4, unclassified: 1, blocked: 1 });
    expect(result.samples).toEqual([expect.objectContaining({ line: 5, reason: expect.stringMatching(/timestamp/) })]);

    const a = await apps(csvSource._id);
    expect([...a.keys()].sort()).toEqual(['Box', 'Dropbox', 'GitHub']);
    expect(a.get('Dropbox')).toMatchObject({
      usersCount: 2,
      trafficTotalEvents: 2,
      trafficUploadedBytes: 400,
      trafficDownloadedBytes: 6000,
      trafficTotalBytes: 6400,
    });
    expect(a.get('Box')).toMatchObject({ trafficBlockedEvents: 1 });
    // The data source is in the Global View.
    expect((await apps('')).get('Dropbox')?.trafficTotalEvents).toBeGreaterThanOrEqual(2);
  });

  it('key=value layout, first-line-free, as a snapshot report', async () => {
    const created = await createDataSource({
      displayName: 'KV gateway',
      logType: 167,
      utcOffsetMinutes: 120,
      customParser: JSON.stringify({
        layout: 'keyvalue',
        fields: { timestamp: ['d', 't'], srcIp: 'src', user: 'usr', url: 'req', bytesTotal: 'bytes', action: 'act' },
        timestampFormat: 'yyyy-MM-dd HH:mm:ss',
      }),
    });
    expect(created.status, created.text).toBe(200);
    // Local time UTC+2 (the data source's time zone): 14:00 local is 12:00 UTC.
    const local = (ms: number) => new Date(T + ms + 2 * 3_600_000).toISOString().slice(0, 19).split('T');
    const kv = (ms: number, src: string, usr: string, req: string, bytes: number, act: string) => {
      const [d, t] = local(ms);
      return `d=${d} t=${t} src=${src} usr="${usr}" req=${req} bytes=${bytes} act=${act}`;
    };
    const log = [
      kv(0, '10.60.0.1', 'Eve Adams', 'https://slack.com/api/chat.postMessage', 700, 'allow'),
      kv(1000, '10.60.0.2', 'frank', 'https://www.dropbox.com/home', 300, 'deny'),
      'SRC=10.60.0.2 this line has none of the keys',
    ].join('\r\n');
    const init = await uploadUrl('kv.log', '167');
    const url = init.json<{ url: string }>().url;
    await putBlob(url, log);
    const done = await s.api('POST', '/api/v1/discovery/done_upload/', {
      uploadUrl: url,
      inputStreamName: 'KV gateway',
      uploadAsSnapshot: true,
    });
    expect(done.status, done.text).toBe(200);
    const { jobId, streamId } = done.json<{ jobId: string; streamId: string }>();
    expect(streamId).not.toBe(created.json<{ _id: string }>()._id);
    const job = await s.whenJobDone(jobId);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(job.result).toMatchObject({ parserId: 'custom', parsed: 2, failed: 1, blocked: 1, firstTimestamp: T, lastTimestamp: T + 1000 });
    const a = await apps(streamId);
    expect(a.get('Slack')).toMatchObject({ usersCount: 1, trafficTotalBytes: 700 });
    expect(a.get('Dropbox')).toMatchObject({ trafficBlockedEvents: 1, trafficTotalBytes: 300 });
  });

  it("the data source's syslog receiver parses with its custom parser", async () => {
    const sock = dgram.createSocket('udp4');
    const send = (msg: string) =>
      new Promise<void>((resolve, reject) => sock.send(msg, csvSource.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
    const now = new Date().toISOString().slice(0, 19).replace('T', ' ');
    await send(`<134>Mar 10 12:00:00 edge1 edgelog[7]: ${now},10.50.0.9,gina,github.com,5,7,passed,`);
    await send(`${now},10.50.0.9,gina,github.com,1,1,passed,`);
    // Only the datagrams' arrival is waited for: each look processes what the receiver has got.
    const gh = await vi.waitFor(
      async () => {
        await s.services.discovery.syslog.flush(csvSource._id);
        const hit = (await apps(csvSource._id)).get('GitHub');
        if (!hit || (hit.trafficTotalEvents ?? 0) < 3) throw new Error(`GitHub: ${JSON.stringify(hit)}`);
        return hit;
      },
      { timeout: 20_000, interval: 20 },
    );
    expect(gh).toMatchObject({ trafficTotalEvents: 3, usersCount: 2, trafficTotalBytes: 30 + 12 + 2 });
    sock.close();
    const ds = (await s.api('GET', `/api/v1/discovery/data_sources/${csvSource._id}/`)).json<{ receiverStats: Record<string, number> }>();
    expect(ds.receiverStats).toMatchObject({ messages: 2, parsed: 2, failed: 0 });
  });
});
