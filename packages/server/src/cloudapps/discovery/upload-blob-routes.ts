// The URL that upload_url hands out: a small Azure Blob Storage look-alike, enough for what Azure
// blob clients send to a SAS URL of a block blob (reference §6.6, "perform upload"):
//   PUT <url>                        Put Blob (x-ms-blob-type: BlockBlob), Content-Length or chunked
//   PUT <url>&comp=block&blockid=<b> Put Block
//   PUT <url>&comp=blocklist         Put Block List (XML <BlockList><Latest|Committed|Uncommitted>)
//   HEAD <url>                       Get Blob Properties
// Bodies stream to disk: this scope has a catch-all content-type parser that hands the raw
// request through untouched, so Fastify never buffers an upload. Errors are rendered in Azure's
// XML shape by the blob renderer (http/blob-error-renderer.ts): the routes declare that format.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { blockFileName } from '../../discovery/ingest/upload-storage.js';
import { BlobError, errors } from '../../http/errors.js';
import type { WireFormat } from '../../http/wire-format.js';
import type { DiscoveryUploadRow } from '../../store/discovery-schema.js';
import type { DiscoveryRuntime } from '../../discovery/ingest/discovery-runtime.js';
import type { Clock } from '../../clock.js';
import type { MasterKey } from '../../identity/master-key.js';
import type { Stores } from '../../store/interfaces.js';
import { BLOB_API_VERSION, UPLOAD_PATH } from './uploads/model.js';

/** A Put Block List body: up to 50,000 block ids. */
const BLOCK_LIST_LIMIT = 8 * 1024 * 1024;
/** Azure's limit per staged block (4000 MiB). */
const MAX_BLOCK_BYTES = 4000 * 1024 * 1024;

function created(reply: FastifyReply, now: number, extra: Record<string, string> = {}): FastifyReply {
  const etag = `"0x${crypto.randomBytes(8).toString('hex').toUpperCase()}"`;
  return reply
    .code(201)
    .headers({
      etag,
      'last-modified': new Date(now).toUTCString(),
      'x-ms-version': BLOB_API_VERSION,
      'x-ms-request-server-encrypted': 'false',
      'content-length': '0',
      ...extra,
    })
    .send();
}

async function readSmallBody(req: FastifyRequest, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req.raw) {
    const b = c as Buffer;
    size += b.length;
    if (size > limit) throw errors.payloadTooLarge('The block list is too large.');
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Block ids of a Put Block List body, in order (Latest, Committed and Uncommitted all name staged blocks here). */
export function parseBlockList(xml: string): string[] {
  if (!/<BlockList\b/i.test(xml)) throw new BlobError('InvalidXmlDocument', 'The body is not a BlockList document.');
  const ids: string[] = [];
  const re = /<(Latest|Committed|Uncommitted)>\s*([^<]*?)\s*<\/\1>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) ids.push(m[2]!);
  return ids;
}

export function registerDiscoveryUploadRoutes(
  app: FastifyInstance,
  services: {
    stores: Stores;
    clock: Clock;
    master: Pick<MasterKey, 'verifySecret'>;
    discovery: Pick<DiscoveryRuntime, 'storage' | 'maxUploadBytes' | 'early'>;
  },
): void {
  const stores = services.stores.discovery;
  const storage = services.discovery.storage;
  const max = services.discovery.maxUploadBytes;

  async function authorize(req: FastifyRequest): Promise<DiscoveryUploadRow> {
    const { id } = req.params as { id: string };
    const q = req.query as Record<string, string | undefined>;
    const upload = /^[A-Za-z0-9-]{8,64}$/.test(id) ? await stores.uploads.get(id) : undefined;
    if (!upload || typeof q.sig !== 'string' || !services.master.verifySecret(q.sig, upload.token_hash)) {
      throw errors.unauthenticated('Server failed to authenticate the request. Make sure the upload URL is complete.');
    }
    if (upload.expires_at < services.clock.now()) throw errors.unauthenticated('Signed expiry time has passed.');
    if (upload.state === 'submitted') throw new BlobError('BlobImmutable', 'This upload was already submitted for processing.');
    return upload;
  }

  const declaredLength = (req: FastifyRequest): number | undefined => {
    const v = req.headers['content-length'];
    return v === undefined ? undefined : Number(v);
  };

  async function put(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const upload = await authorize(req);
    const q = req.query as Record<string, string | undefined>;
    const now = services.clock.now();
    const comp = q.comp?.toLowerCase();
    if (comp === 'block') {
      const file = q.blockid ? blockFileName(q.blockid) : undefined;
      if (!file) throw new BlobError('InvalidQueryParameterValue', 'The blockid is not valid base64 of at most 64 bytes.');
      const len = declaredLength(req);
      if (len !== undefined && len > Math.min(max, MAX_BLOCK_BYTES)) throw errors.payloadTooLarge('The block is larger than the limit.');
      // Staging quotas, per upload and per tenant, charged on every block as its bytes arrive.
      const quota = storage.staging;
      const staged = await quota.open(upload.id, upload.tenant_id);
      quota.checkBlockCount(staged, file);
      const previous = staged.blocks.get(file) ?? 0;
      quota.precheck(staged, len, previous);
      const m = quota.meter(staged, previous);
      let size: number;
      try {
        size = await storage.putBlock(upload.id, file, req.raw, Math.min(max, MAX_BLOCK_BYTES), m.meter);
      } catch (e) {
        quota.release(staged, m.charged());
        throw e;
      }
      // A block staged again under the same id replaced the old one: the upload now holds `size` for it.
      quota.release(staged, previous + m.charged() - size);
      staged.blocks.set(file, size);
      return created(reply, now);
    }
    if (comp === 'blocklist') {
      const ids = parseBlockList(await readSmallBody(req, BLOCK_LIST_LIMIT));
      if (ids.length === 0) throw new BlobError('InvalidBlockList', 'The block list is empty.');
      const staged = await storage.staging.open(upload.id, upload.tenant_id);
      const early = services.discovery.early.begin(upload);
      let size: number;
      try {
        size = await storage.commitBlocks(upload.id, ids, max, early?.follow);
      } catch (e) {
        early?.abort();
        throw e;
      }
      // Uncommitted blocks are gone: the upload now holds its blob only.
      storage.staging.settle(staged, size);
      early?.commit(size);
      await stores.uploads.transition(upload.id, ['open', 'committed'], 'committed', { size, committed_at: now });
      req.log.info({ upload: upload.id, blocks: ids.length, size }, 'discovery upload committed');
      return created(reply, now);
    }
    if (comp !== undefined) throw new BlobError('InvalidQueryParameterValue', `comp=${comp} is not supported here.`);
    const blobType = req.headers['x-ms-blob-type'];
    if (blobType === undefined)
      throw new BlobError('MissingRequiredHeader', 'An HTTP header that is mandatory for this request is not specified: x-ms-blob-type.');
    if (String(blobType).toLowerCase() !== 'blockblob')
      throw new BlobError('InvalidHeaderValue', 'Only x-ms-blob-type: BlockBlob is accepted.');
    const len = declaredLength(req);
    if (len !== undefined && len > max) throw errors.payloadTooLarge(`The file is larger than the limit of ${max} bytes.`);
    // Parsed while it arrives (early-parse.ts); the job then finishes the parse.
    const quota = storage.staging;
    const staged = await quota.open(upload.id, upload.tenant_id);
    quota.precheck(staged, len, staged.bytes);
    const early = services.discovery.early.begin(upload);
    const m = quota.meter(staged, staged.bytes);
    let size: number;
    try {
      size = await storage.putBlob(upload.id, req.raw, max, early?.follow, m.meter);
    } catch (e) {
      quota.release(staged, m.charged());
      early?.abort();
      throw e;
    }
    // The blob replaced whatever was staged before.
    quota.settle(staged, size);
    early?.commit(size);
    await stores.uploads.transition(upload.id, ['open', 'committed'], 'committed', { size, committed_at: now });
    req.log.info({ upload: upload.id, size }, 'discovery upload received');
    return created(reply, now);
  }

  async function properties(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const upload = await authorize(req);
    if (upload.state !== 'committed') throw errors.notFound();
    return reply
      .code(200)
      .headers({
        'content-length': String(upload.size),
        'x-ms-blob-type': 'BlockBlob',
        'last-modified': new Date(upload.committed_at ?? upload.created_at).toUTCString(),
        'x-ms-version': BLOB_API_VERSION,
      })
      .send();
  }

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    // Every answer carries the service version, errors included, as Azure's do.
    scope.addHook('onRequest', async (_req, reply) => {
      reply.header('x-ms-version', BLOB_API_VERSION);
    });
    const config = { wireFormat: 'blob' satisfies WireFormat };
    scope.put(`${UPLOAD_PATH}/:id`, { config }, put);
    scope.head(`${UPLOAD_PATH}/:id`, { config }, properties);
  });
}
