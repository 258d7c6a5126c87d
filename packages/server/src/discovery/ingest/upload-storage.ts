// Files behind upload URLs, in <dataDir>/discovery/uploads/<uploadId>/: `blob` once committed,
// `blocks/<hex block id>` while Put Block calls stage it. Everything is streamed: a request body
// goes to disk through a byte counter, a block list is concatenated file by file, and the job
// reads the blob back as a stream. Nothing holds a whole file in memory.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobError, SemanticError } from '../../http/errors.js';
import { PRIVATE_DIRECTORY_MODE, PRIVATE_FILE_MODE } from '../../store/private-files.js';
import { StagingQuota, type PendingUploads, type StagingLimits } from './staging-quota.js';

export class UploadTooLarge extends SemanticError {
  constructor(readonly limit: number) {
    super('payload_too_large', `The upload is larger than the limit of ${limit} bytes.`);
  }
}

/** A Put Block List naming a block that was never staged. */
export class MissingBlock extends BlobError {
  constructor(readonly blockId: string) {
    super('InvalidBlockList', `Block ${blockId} was not staged.`);
  }
}

/** Counts bytes on their way through and fails once `limit` is passed. */
class ByteLimit extends Transform {
  bytes = 0;
  constructor(
    private readonly limit: number,
    private readonly meter?: Meter,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return cb(new UploadTooLarge(this.limit));
    try {
      this.meter?.(chunk.length);
    } catch (e) {
      return cb(e as Error);
    }
    cb(null, chunk);
  }
}

/** Called with each chunk's size as it arrives; throwing stops the write (the staging quota). */
export type Meter = (bytes: number) => void;

/**
 * A file that is being written, readable while it grows: `read()` yields what is on disk and
 * waits for more until the writer has finished (or failed). The reader opens its own handle before
 * the first byte is written, so it keeps reading after the temporary name is renamed.
 */
export class GrowingFile {
  private done = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly handle: fs.promises.FileHandle,
    /** Bytes known to be on disk. */
    private readonly written: () => number,
  ) {}

  /** The writer made progress (more bytes may be on disk). */
  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  finish(): void {
    this.done = true;
    this.notify();
  }

  fail(e: Error): void {
    this.error = e;
    this.notify();
  }

  /** `alloc` gives the buffer of each read (a pool: see ChunkPool); a fresh one by default. */
  async *read(chunkBytes = 1 << 20, alloc: (n: number) => Buffer = Buffer.allocUnsafeSlow): AsyncGenerator<Buffer> {
    let pos = 0;
    try {
      for (;;) {
        if (this.error) throw this.error;
        const end = this.written();
        if (pos < end) {
          const want = Math.min(chunkBytes, end - pos);
          const buf = alloc(want);
          const { bytesRead } = await this.handle.read(buf, 0, want, pos);
          if (bytesRead === 0) throw new Error('upload file shrank while it was read');
          pos += bytesRead;
          yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
          continue;
        }
        if (this.done) return;
        // Woken by the writer's progress; the timer covers writes completing between checks.
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 10).unref();
        });
      }
    } finally {
      await this.handle.close().catch(() => undefined);
    }
  }
}

/** Called with the file as soon as it is created, while it is written (see GrowingFile). */
export type FollowWrite = (file: GrowingFile) => void;

/** Azure block ids are base64 of at most 64 bytes; on disk they are hex of those bytes. */
export function blockFileName(blockId: string): string | undefined {
  if (!/^[A-Za-z0-9+/=_-]{1,100}$/.test(blockId)) return undefined;
  const raw = Buffer.from(blockId, 'base64');
  if (raw.length === 0 || raw.length > 64) return undefined;
  return raw.toString('hex');
}

export class UploadStorage {
  readonly root: string;
  /** Bytes staged per upload and per tenant, charged as they arrive (staging-quota.ts). */
  readonly staging: StagingQuota;

  constructor(dataDir: string, limits: StagingLimits = { perUploadBytes: Infinity, perTenantBytes: Infinity }, pending?: PendingUploads) {
    this.root = path.join(dataDir, 'discovery', 'uploads');
    this.staging = new StagingQuota(this.root, limits, pending);
  }

  private dir(uploadId: string): string {
    if (!/^[A-Za-z0-9-]{8,64}$/.test(uploadId)) throw new Error('invalid upload id');
    return path.join(this.root, uploadId);
  }

  blobPath(uploadId: string): string {
    return path.join(this.dir(uploadId), 'blob');
  }

  /**
   * Writes `source` to `tmp` through a 1 MiB-buffered write stream (bytes handed over in
   * small network chunks are written together), and lets `follow` read the file as it grows.
   */
  private async writeFollowed(run: (out: fs.WriteStream) => Promise<void>, tmp: string, follow?: FollowWrite): Promise<void> {
    let grow: GrowingFile | undefined;
    if (follow) {
      // Create the file first, so that the reader's handle is on it before the rename.
      await fs.promises.writeFile(tmp, '', { mode: PRIVATE_FILE_MODE });
    }
    const out = fs.createWriteStream(tmp, { highWaterMark: 1 << 20, flags: follow ? 'r+' : 'w', mode: PRIVATE_FILE_MODE });
    if (follow) {
      grow = new GrowingFile(await fs.promises.open(tmp, 'r'), () => out.bytesWritten);
      follow(grow);
    }
    try {
      const pending = run(out);
      if (grow) {
        const g = grow;
        const tick = setInterval(() => g.notify(), 5);
        try {
          await pending;
        } finally {
          clearInterval(tick);
        }
      } else await pending;
      grow?.finish();
    } catch (e) {
      grow?.fail(e as Error);
      throw e;
    }
  }

  /** Streams a body to `file` (through a temporary name, so a broken upload leaves no partial file). */
  private async writeStream(body: Readable, file: string, limit: number, follow?: FollowWrite, meter?: Meter): Promise<number> {
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    const counter = new ByteLimit(limit, meter);
    try {
      await this.writeFollowed((out) => pipeline(body, counter, out), tmp, follow);
      await fs.promises.rename(tmp, file);
      return counter.bytes;
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /**
   * Put Blob: the whole file in one request body (chunked transfer or Content-Length). `follow`
   * may read the file while it arrives (the upload's early parse).
   */
  async putBlob(uploadId: string, body: Readable, limit: number, follow?: FollowWrite, meter?: Meter): Promise<number> {
    const size = await this.writeStream(body, this.blobPath(uploadId), limit, follow, meter);
    await fs.promises.rm(path.join(this.dir(uploadId), 'blocks'), { recursive: true, force: true });
    return size;
  }

  /** Put Block: one staged block. A block staged again under the same id replaces the old one. */
  async putBlock(uploadId: string, blockFile: string, body: Readable, limit: number, meter?: Meter): Promise<number> {
    return this.writeStream(body, path.join(this.dir(uploadId), 'blocks', blockFile), limit, undefined, meter);
  }

  /** Put Block List: concatenates the named blocks, in order, into the blob (`follow`: as putBlob). */
  async commitBlocks(uploadId: string, blockIds: string[], limit: number, follow?: FollowWrite): Promise<number> {
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
      await this.writeFollowed((out) => pipeline(concatenated, out), tmp, follow);
      await fs.promises.rename(tmp, file);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
    await fs.promises.rm(blocksDir, { recursive: true, force: true });
    return total;
  }

  /** Size of the committed blob, or -1 when there is none. */
  async blobSize(uploadId: string): Promise<number> {
    const st = await fs.promises.stat(this.blobPath(uploadId)).catch(() => undefined);
    return st ? st.size : -1;
  }

  /**
   * The committed blob in 1 MiB chunks, each in a buffer of its own (or one `alloc` gives, e.g. a
   * ChunkPool's): parseStreamInWorker can hand them to its worker without copying (`transferInput`).
   */
  async *openBlob(uploadId: string, chunkBytes = 1 << 20, alloc: (n: number) => Buffer = Buffer.allocUnsafeSlow): AsyncGenerator<Buffer> {
    const fh = await fs.promises.open(this.blobPath(uploadId), 'r');
    try {
      for (;;) {
        const buf = alloc(chunkBytes);
        const { bytesRead } = await fh.read(buf, 0, chunkBytes, null);
        if (bytesRead === 0) return;
        yield bytesRead === chunkBytes ? buf : buf.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }

  async remove(uploadId: string): Promise<void> {
    await fs.promises.rm(this.dir(uploadId), { recursive: true, force: true });
    this.staging.forget(uploadId);
  }
}
