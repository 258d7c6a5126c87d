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
import { startServer, type RunningServer } from '../../src/main.js';
import { httpsRequest } from '../../../../test/compat/https-client.js';
import { CAS_APP_ID, FORM_CONTENT_TYPE, listening, workspace, type ListeningHarness } from '../../../../test/support/harness.js';

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

describe('staging quotas across a restart', () => {
  // Before: a tenant's total counted only uploads touched since the process started, so after a
  // restart the data staged earlier was free until each of those uploads was touched again.
  const ws = workspace('aw-staging-restart-');
  let server: RunningServer | undefined;
  afterAll(async () => {
    await server?.close();
    fs.rmSync(ws.dataDir, { recursive: true, force: true });
  });

  const start = () =>
    startServer({
      options: {
        dataDir: ws.dataDir,
        databaseUrl: ws.databaseUrl,
        port: 0,
        demo: true,
        logLevel: 'silent',
        rateLimitPerMinute: 0,
        discoveryMaxUploadBytes: PER_UPLOAD,
        discoveryStagingBytesPerTenant: PER_TENANT,
      },
      env: {},
      logger: false,
    });

  async function uploadClient(srv: RunningServer, name: string): Promise<BlockBlobClient> {
    const tenant = srv.demo!.tenants.contoso;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: tenant.daemon!.clientId,
      client_secret: tenant.daemon!.clientSecret,
      scope: `${CAS_APP_ID}/.default`,
    }).toString();
    const token = await httpsRequest(`${srv.url}/${tenant.tenantId}/oauth2/v2.0/token`, {
      ca: srv.caPem,
      method: 'POST',
      headers: { 'content-type': FORM_CONTENT_TYPE },
      body: form,
    });
    expect(token.status, token.text).toBe(200);
    const res = await httpsRequest(`${srv.url}/api/v1/discovery/upload_url/?filename=${name}&source=SQUID_NATIVE`, {
      ca: srv.caPem,
      method: 'GET',
      headers: { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` },
    });
    expect(res.status, res.text).toBe(200);
    return reopen(srv, res.json<{ url: string }>().url);
  }

  /** The same upload URL on the server's current port (a restart listens on another). */
  function reopen(srv: RunningServer, url: string): BlockBlobClient {
    const u = new URL(url);
    u.port = new URL(srv.url).port;
    return new BlockBlobClient(u.toString(), new AnonymousCredential(), {
      tlsOptions: { ca: srv.caPem },
      retryOptions: { maxTries: 1 },
    } as StoragePipelineOptions);
  }

  it("charges the uploads staged before the restart on the tenant's first staging request", async () => {
    server = await start();
    // 3 × 3000 bytes staged and never committed (one as a committed blob, not yet submitted).
    const a = await uploadClient(server, 'a.log');
    await a.stageBlock(blockId(1), bytes(3000), 3000);
    const b = await uploadClient(server, 'b.log');
    await b.stageBlock(blockId(1), bytes(3000), 3000);
    const c = await uploadClient(server, 'c.log');
    await c.upload(bytes(3000), 3000);
    await server.close();
    server = undefined;

    server = await start();
    const [a2, b2] = [reopen(server, a.url), reopen(server, b.url)];
    expect(server.services.discovery.storage.staging.tenantBytes(server.demo!.tenants.contoso.tenantId)).toBe(0);
    // A new upload: 9000 staged before the restart + 1001 > 10 000.
    const d = await uploadClient(server, 'd.log');
    expect(await azureError(d.stageBlock(blockId(1), bytes(1001), 1001))).toEqual(TOO_LARGE);
    expect(await azureError(d.upload(bytes(1001), 1001))).toEqual(TOO_LARGE);
    expect(server.services.discovery.storage.staging.tenantBytes(server.demo!.tenants.contoso.tenantId)).toBe(9000);
    // Up to the cap still fits; the uploads from before are still usable and charged once.
    await d.stageBlock(blockId(1), bytes(1000), 1000);
    await a2.stageBlock(blockId(1), bytes(3000), 3000);
    expect(await azureError(b2.stageBlock(blockId(2), bytes(1), 1))).toEqual(TOO_LARGE);
    await a2.commitBlockList([blockId(1)]);
    expect(server.services.discovery.storage.staging.tenantBytes(server.demo!.tenants.contoso.tenantId)).toBe(PER_TENANT);
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

  it("charges a tenant's pending uploads on its first open, once, and not an upload removed while they are read", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-staging-'));
    try {
      const before = new UploadStorage(dir);
      for (const id of ['upload-a001', 'upload-b001', 'upload-c001']) {
        const e = await before.staging.open(id, 't1');
        e.blocks.set('aa', await before.putBlock(id, 'aa', Readable.from([bytes(100)]), 1e6));
      }
      // After a restart: c001 is processed (removed) while the load is reading the tenant's uploads.
      let calls = 0;
      const restarted: UploadStorage = new UploadStorage(dir, { perUploadBytes: 1e6, perTenantBytes: 250 }, async (tenantId) => {
        calls++;
        expect(tenantId).toBe('t1');
        restarted.staging.forget('upload-c001');
        return ['upload-a001', 'upload-b001', 'upload-c001'];
      });
      const fresh = await restarted.staging.open('upload-d001', 't1');
      expect(restarted.staging.tenantBytes('t1')).toBe(200);
      expect(() => restarted.staging.charge(fresh, 51)).toThrow(/tenant's uploads would exceed the limit of 250 bytes/);
      await restarted.staging.open('upload-a001', 't1');
      await restarted.staging.open('upload-e001', 't1');
      expect(calls).toBe(1);
      expect(restarted.staging.tenantBytes('t1')).toBe(200);
      await restarted.remove('upload-a001');
      expect(restarted.staging.tenantBytes('t1')).toBe(100);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
