// Upload URLs could stage unlimited uncommitted blocks (issue 12): the upload size limit was
// checked only at commit. Staged bytes are now charged on every block, per upload and per tenant,
// and refused with Azure's 413 RequestBodyTooLarge as the real blob client reads it.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { AnonymousCredential, BlockBlobClient, RestError, type StoragePipelineOptions } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UploadStorage } from '../../src/discovery/ingest/upload-storage.js';
import { listening, type ListeningHarness } from '../../../../test/support/harness.js';

const PER_UPLOAD = 4096;
const PER_TENANT = 10_000;

let s: ListeningHarness;
beforeAll(async () => {
  s = await listening({ config: { discoveryMaxUploadBytes: PER_UPLOAD, discoveryStagingBytesPerTenant: PER_TENANT } });
});
afterAll(() => s?.close());

async function blobClient(): Promise<BlockBlobClient> {
  const res = await s.api('GET', `/api/v1/discovery/upload_url/?filename=quota.log&source=SQUID_NATIVE`);
  expect(res.status, res.text).toBe(200);
  return new BlockBlobClient(res.json<{ url: string }>().url, new AnonymousCredential(), {
    tlsOptions: { ca: s.ca },
    retryOptions: { maxTries: 1 },
  } as StoragePipelineOptions);
}

async function azureError(call: Promise<unknown>): Promise<{ code: string | undefined; status: number | undefined }> {
  const e: unknown = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'the call should have failed').toBeInstanceOf(RestError);
  return { code: (e as RestError).code, status: (e as RestError).statusCode };
}

const blockId = (n: number) => Buffer.from(`block-${String(n).padStart(6, '0')}`).toString('base64');
const bytes = (n: number) => Buffer.alloc(n, 'a');
const TOO_LARGE = { code: 'RequestBodyTooLarge', status: 413 };

describe('staging quotas on upload URLs', () => {
  it('charges every staged block against the upload limit, not only the commit', async () => {
    const client = await blobClient();
    await client.stageBlock(blockId(1), bytes(3000), 3000);
    // Before: each block under the limit was accepted, however many.
    expect(await azureError(client.stageBlock(blockId(2), bytes(3000), 3000))).toEqual(TOO_LARGE);
    // A block staged again under its id replaces the old one: not charged twice.
    await client.stageBlock(blockId(1), bytes(3000), 3000);
    await client.stageBlock(blockId(2), bytes(1000), 1000);
    await client.commitBlockList([blockId(1), blockId(2)]);
    expect((await client.getProperties()).contentLength).toBe(4000);
    // A Put Blob replaces the committed blob: allowed up to the upload limit again.
    await client.upload(bytes(PER_UPLOAD), PER_UPLOAD);
  });

  it("charges every upload URL's staged data against the tenant's quota", async () => {
    // 4096 staged above; two more uploads of 3000 reach 10 096 > 10 000.
    const a = await blobClient();
    await a.stageBlock(blockId(1), bytes(3000), 3000);
    const b = await blobClient();
    await b.stageBlock(blockId(1), bytes(2000), 2000);
    expect(await azureError(b.stageBlock(blockId(2), bytes(1000), 1000))).toEqual(TOO_LARGE);
    const c = await blobClient();
    expect(await azureError(c.upload(bytes(1000), 1000))).toEqual(TOO_LARGE);
    // Chunked (no Content-Length): refused while it arrives.
    expect(await azureError(c.uploadStream(Readable.from([bytes(500), bytes(500)]), 256))).toMatchObject({ status: 413 });
    // The stream staged 256-byte blocks until refused (9864 in all); below the quota still works.
    await c.stageBlock(blockId(1), bytes(100), 100);
  });
});

describe('StagingQuota', () => {
  it('refuses a new block past the block count with BlockCountExceedsLimit and reads staged data back after a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-staging-'));
    try {
      const storage = new UploadStorage(dir, { perUploadBytes: 1e6, perTenantBytes: 1e6, maxBlocks: 2 });
      const id = 'upload-0001';
      const e = await storage.staging.open(id, 't1');
      for (const f of ['aa', 'bb']) {
        const m = storage.staging.meter(e);
        e.blocks.set(f, await storage.putBlock(id, f, Readable.from([bytes(100)]), 1e6, m.meter));
      }
      expect(() => storage.staging.checkBlockCount(e, 'cc')).toThrow(/cannot exceed/);
      expect(() => storage.staging.checkBlockCount(e, 'aa')).not.toThrow();
      expect(storage.staging.tenantBytes('t1')).toBe(200);
      const restarted = new UploadStorage(dir, { perUploadBytes: 250, perTenantBytes: 1e6 });
      const again = await restarted.staging.open(id, 't1');
      expect(again.bytes).toBe(200);
      expect(() => restarted.staging.charge(again, 51)).toThrow(/limit of 250 bytes/);
      await restarted.remove(id);
      expect(restarted.staging.tenantBytes('t1')).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
