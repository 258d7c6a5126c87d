// Files behind upload URLs, in <dataDir>/discovery/uploads/<uploadId>/: `blob` once committed,
// `blocks/<hex block id>` while Put Block calls stage it. Everything is streamed: a request body
// goes to disk through a byte counter, a block list is concatenated file by file, and the job
// reads the blob back as a stream. Nothing holds a whole file in memory.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class UploadTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The upload is larger than the limit of ${limit} bytes.`);
  }
}

export class MissingBlock extends Error {
  constructor(readonly blockId: string) {
    super(`Block ${blockId} was not staged.`);
  }
}

/** Counts bytes on their way through and fails once `limit` is passed. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) cb(new UploadTooLarge(this.limit));
    else cb(null, chunk);
  }
}

/** Azure block ids are base64 of at most 64 bytes; on disk they are hex of those bytes. */
export function blockFileName(blockId: string): string | undefined {
  if (!/^[A-Za-z0-9+/=_-]{1,100}$/.test(blockId)) return undefined;
  const raw = Buffer.from(blockId, 'base64');
  if (raw.length === 0 || raw.length > 64) return undefined;
  return raw.toString('hex');
}

export class UploadStorage {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'discovery', 'uploads');
  }

  private dir(uploadId: string): string {
    if (!/^[A-Za-z0-9-]{8,64}$/.test(uploadId)) throw new Error('invalid upload id');
    return path.join(this.root, uploadId);
  }

  blobPath(uploadId: string): string {
    return path.join(this.dir(uploadId), 'blob');
  }

  /** Streams a body to `file` (through a temporary name, so a broken upload leaves no partial file). */
  private async writeStream(body: Readable, file: string, limit: number): Promise<number> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    const counter = new ByteLimit(limit);
    try {
      await pipeline(body, counter, fs.createWriteStream(tmp));
      await fs.promises.rename(tmp, file);
      return counter.bytes;
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Put Blob: the whole file in one request body (chunked transfer or Content-Length). */
  async putBlob(uploadId: string, body: Readable, limit: number): Promise<number> {
    const size = await this.writeStream(body, this.blobPath(uploadId), limit);
    await fs.promises.rm(path.join(this.dir(uploadId), 'blocks'), { recursive: true, force: true });
    return size;
  }

  /** Put Block: one staged block. A block staged again under the same id replaces the old one. */
  async putBlock(uploadId: string, blockFile: string, body: Readable, limit: number): Promise<number> {
    return this.writeStream(body, path.join(this.dir(uploadId), 'blocks', blockFile), limit);
  }

  /** Put Block List: concatenates the named blocks, in order, into the blob. */
  async commitBlocks(uploadId: string, blockIds: string[], limit: number): Promise<number> {
    const blocksDir = path.join(this.dir(uploadId), 'blocks');
    const files: string[] = [];
    let total = 0;
    for (const id of blockIds) {
      const name = blockFileName(id);
      const f = name ? path.join(blocksDir, name) : undefined;
      const st = f ? await fs.promises.stat(f).catch(() => undefined) : undefined;
      if (!f || !st) throw new MissingBlock(id);
      total += st.size;
      files.push(f);
    }
    if (total > limit) throw new UploadTooLarge(limit);
    const file = this.blobPath(uploadId);
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    try {
      // One generator over every block: a single pipeline, whatever the number of blocks.
      async function* concatenated() {
        for (const f of files) yield* fs.createReadStream(f, { highWaterMark: 1 << 20 });
      }
      await pipeline(concatenated, fs.createWriteStream(tmp));
      await fs.promises.rename(tmp, file);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    await fs.promises.rm(blocksDir, { recursive: true, force: true });
    return total;
  }

  openBlob(uploadId: string): Readable {
    return fs.createReadStream(this.blobPath(uploadId), { highWaterMark: 1 << 20 });
  }

  async remove(uploadId: string): Promise<void> {
    await fs.promises.rm(this.dir(uploadId), { recursive: true, force: true });
  }
}
