// The upload URL's Azure Blob error codes as the real Azure blob client reads them (RestError
// `code` comes from `x-ms-error-code`, `statusCode` from the status), and the messages upload jobs
// end with when the file cannot be processed (docs/errors.md, "Discovery upload jobs").
import zlib from 'node:zlib';
import { AnonymousCredential, BlockBlobClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRequest } from '../../../../test/compat/https-client.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

/** Small enough to test the limit without sending megabytes. */
const MAX_UPLOAD = 4096;

let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({ config: { discoveryMaxUploadBytes: MAX_UPLOAD } });
});
afterAll(() => s?.close());

async function uploadUrl(filename: string): Promise<string> {
  const res = await s.api('GET', `/api/v1/discovery/upload_url/?filename=${encodeURIComponent(filename)}&source=SQUID_NATIVE`);
  expect(res.status, res.text).toBe(200);
  return res.json<{ url: string }>().url;
}

function blobClient(url: string): BlockBlobClient {
  return new BlockBlobClient(url, new AnonymousCredential(), {
    tlsOptions: { ca: s.ca },
    retryOptions: { maxTries: 1 },
  } as StoragePipelineOptions);
}

/** The Azure error code and status the blob client reports for a failed call. */
async function azureError(call: Promise<unknown>): Promise<{ code: string | undefined; status: number | undefined }> {
  const e: unknown = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the call should have failed').toBeInstanceOf(RestError);
  // A HEAD answer has no body: the client then reads the code from the header into `details`.
  const code = (e as RestError).code ?? (e as RestError & { details?: { errorCode?: string } }).details?.errorCode;
  return { code, status: (e as RestError).statusCode };
}

const blockId = (n: number) => Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64');

describe('upload URL errors through the real Azure blob client', () => {
  it('answers each protocol mistake with its Azure code and status', async () => {
    const url = await uploadUrl('errors.log');
    const client = blobClient(url);

    expect(await azureError(client.getProperties())).toEqual({ code: 'BlobNotFound', status: 404 });
    expect(await azureError(client.commitBlockList([blockId(1)]))).toEqual({ code: 'InvalidBlockList', status: 400 });
    expect(await azureError(client.commitBlockList([]))).toEqual({ code: 'InvalidBlockList', status: 400 });
    const tooLongId = Buffer.alloc(96, 1).toString('base64');
    expect(await azureError(client.stageBlock(tooLongId, 'x', 1))).toEqual({ code: 'InvalidQueryParameterValue', status: 400 });
    const big = Buffer.alloc(MAX_UPLOAD + 1, 'a');
    expect(await azureError(client.stageBlock(blockId(2), big, big.length))).toEqual({ code: 'RequestBodyTooLarge', status: 413 });
    expect(await azureError(client.upload(big, big.length))).toEqual({ code: 'RequestBodyTooLarge', status: 413 });

    const forged = blobClient(url.replace(/sig=[^&]+/, 'sig=AAAA'));
    expect(await azureError(forged.upload('x', 1))).toEqual({ code: 'AuthenticationFailed', status: 403 });
  });

  it('renders the error as Azure does: XML body, x-ms-error-code and x-ms-version, the request id in the message', async () => {
    const url = await uploadUrl('raw.log');
    const put = (suffix: string, headers: Record<string, string>, body: string) =>
      httpsRequest(url + suffix, { ca: s.ca, method: 'PUT', headers, body });

    const append = await put('', { 'x-ms-blob-type': 'AppendBlob' }, 'x');
    expect(append.status).toBe(400);
    expect(append.headers['x-ms-error-code']).toBe('InvalidHeaderValue');
    expect(append.headers['x-ms-version']).toBeDefined();
    expect(append.headers['content-type']).toMatch(/^application\/xml/);
    expect(append.text).toMatch(
      /^<\?xml version="1\.0" encoding="utf-8"\?><Error><Code>InvalidHeaderValue<\/Code><Message>Only x-ms-blob-type: BlockBlob is accepted\.\nRequestId:[0-9a-f-]{36}\nTime:\d{4}-\d\d-\d\dT[\d:.]+Z<\/Message><\/Error>$/,
    );

    const comp = await put('&comp=appendblock', {}, 'x');
    expect([comp.status, comp.headers['x-ms-error-code']]).toEqual([400, 'InvalidQueryParameterValue']);
    const notXml = await put('&comp=blocklist', {}, 'not a block list');
    expect([notXml.status, notXml.headers['x-ms-error-code']]).toEqual([400, 'InvalidXmlDocument']);
    const noType = await put('', {}, 'x');
    expect([noType.status, noType.headers['x-ms-error-code']]).toEqual([400, 'MissingRequiredHeader']);
  });
});

describe('upload job failure messages', () => {
  async function failedJob(filename: string, content: Buffer): Promise<Record<string, unknown>> {
    const url = await uploadUrl(filename);
    await blobClient(url).upload(content, content.length);
    const done = await s.api('POST', '/api/v1/discovery/done_upload/', { uploadUrl: url, inputStreamName: `Errors ${filename}` });
    expect(done.status, done.text).toBe(200);
    return s.whenJobDone(done.json<{ jobId: string }>().jobId);
  }

  it('a corrupt .gz ends with one "Unsupported file type:" prefix, not two', async () => {
    const gz = zlib.gzipSync(Buffer.from('1700000000.000 12 10.0.0.1 TCP_MISS/200 10 GET http://x/ - HIER_NONE/- -\n'.repeat(20)));
    // The first deflate block header becomes BTYPE=11 (reserved): zlib reports Z_DATA_ERROR.
    gz[10] = 0xff;
    const job = await failedJob('proxy.log.gz', gz);
    expect(job).toMatchObject({ status: 'failed', error: 'Unsupported file type: corrupt compressed data (Z_DATA_ERROR)' });
  });

  it('a broken zip names what is broken', async () => {
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('short')]);
    const job = await failedJob('proxy.zip', zip);
    expect(job).toMatchObject({ status: 'failed', error: 'Unsupported file type: truncated zip local header' });
  });
});
