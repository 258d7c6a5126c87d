// Minimal streaming ZIP reader: walks local file headers front to back, so an upload can be
// parsed while it arrives, without the central directory at the end and without a dependency.
// Supports stored (0) and deflate (8) entries, Zip64 sizes, and entries written by streaming
// zippers (general-purpose flag bit 3: sizes follow the data in a data descriptor, found here by
// its PK\x07\x08 signature and a compressed-size check). Encrypted entries and other methods
// are reported and skipped. Directories are skipped.
import { Readable, pipeline } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ZipFormatError } from './discovery-input-error.js';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL = 0x06054b50;

export { ZipFormatError };

/** Pull-style reader over an async chunk source, with look-ahead. */
export class ChunkReader {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  private readonly it: AsyncIterator<Buffer | Uint8Array | string>;

  constructor(source: AsyncIterable<Buffer | Uint8Array | string>) {
    this.it = source[Symbol.asyncIterator]();
  }

  get buffered(): Buffer {
    return this.buf;
  }

  /** Buffers at least n bytes if the source has them; returns false at end of input. */
  async fill(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else {
        const v = r.value;
        const chunk = typeof v === 'string' ? Buffer.from(v) : Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
      }
    }
    return this.buf.length >= n;
  }

  take(n: number): Buffer {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** Whatever is buffered, or the next chunk; null at end of input. */
  async next(): Promise<Buffer | null> {
    if (this.buf.length === 0 && !(await this.fill(1))) return null;
    return this.take(this.buf.length);
  }

  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      const c = await this.next();
      if (c === null) return;
      yield c;
    }
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  /** Decompressed content. Must be consumed (or abandoned via skip) before the next entry. */
  content: AsyncIterable<Buffer>;
}

export interface ZipSkip {
  name: string;
  reason: string;
}

function inflate(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const z = createInflateRaw();
  pipeline(Readable.from(source), z, () => {
    /* errors surface through z's async iterator */
  });
  return z;
}

/** Compressed bytes of an entry whose size is known. */
async function* fixedSize(reader: ChunkReader, size: number): AsyncGenerator<Buffer> {
  let remaining = size;
  while (remaining > 0) {
    if (!(await reader.fill(1))) throw new ZipFormatError('truncated zip entry');
    const n = Math.min(remaining, reader.buffered.length);
    remaining -= n;
    yield reader.take(n);
  }
}

/** Compressed bytes up to a data descriptor whose compressed size equals what was read. */
async function* untilDescriptor(reader: ChunkReader, zip64: boolean): AsyncGenerator<Buffer> {
  let emitted = 0;
  const HOLD = 24;
  for (;;) {
    await reader.fill(HOLD + 1);
    const buf = reader.buffered;
    let from = 0;
    for (;;) {
      const p = buf.indexOf('PK\x07\x08', from, 'latin1');
      if (p < 0 || p + 16 > buf.length) break;
      if (zip64 && p + 24 > buf.length) break;
      const size = zip64 ? buf.readUInt32LE(p + 8) + buf.readUInt32LE(p + 12) * 2 ** 32 : buf.readUInt32LE(p + 8);
      if (size === emitted + p) {
        if (p > 0) yield reader.take(p);
        reader.take(zip64 ? 24 : 16);
        return;
      }
      from = p + 1;
    }
    if (buf.length <= HOLD) {
      if (!(await reader.fill(buf.length + 1))) throw new ZipFormatError('zip entry without a data descriptor');
      continue;
    }
    const n = buf.length - HOLD;
    emitted += n;
    yield reader.take(n);
  }
}

async function drain(it: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of it) void _;
}

/**
 * Yields the file entries of a ZIP stream in order. Skipped entries are reported through
 * onSkip. Throws ZipFormatError on a structurally broken archive.
 */
export async function* readZipEntries(reader: ChunkReader, onSkip: (skip: ZipSkip) => void = () => {}): AsyncGenerator<ZipEntry> {
  for (;;) {
    if (!(await reader.fill(4))) return;
    const sig = reader.buffered.readUInt32LE(0);
    if (sig === CENTRAL_HEADER || sig === END_OF_CENTRAL) return;
    if (sig !== LOCAL_HEADER) throw new ZipFormatError('bad zip local header signature');
    if (!(await reader.fill(30))) throw new ZipFormatError('truncated zip local header');
    const h = reader.take(30);
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    let compressedSize = h.readUInt32LE(18);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    if (!(await reader.fill(nameLen + extraLen))) throw new ZipFormatError('truncated zip local header');
    const name = reader.take(nameLen).toString((flags & 0x800) !== 0 ? 'utf8' : 'latin1');
    const extra = reader.take(extraLen);
    const streamed = (flags & 0x08) !== 0;
    let zip64 = false;
    for (let i = 0; i + 4 <= extra.length;) {
      const id = extra.readUInt16LE(i);
      const len = extra.readUInt16LE(i + 2);
      if (id === 0x0001) {
        zip64 = true;
        // Zip64 extended information: uncompressed size, then compressed size.
        if (!streamed && compressedSize === 0xffffffff && len >= 16) {
          compressedSize = extra.readUInt32LE(i + 12) + extra.readUInt32LE(i + 16) * 2 ** 32;
        }
        break;
      }
      i += 4 + len;
    }
    const raw = streamed ? untilDescriptor(reader, zip64) : fixedSize(reader, compressedSize);
    const encrypted = (flags & 0x01) !== 0;
    if (name.endsWith('/') || encrypted || (method !== 0 && method !== 8)) {
      if (!name.endsWith('/')) onSkip({ name, reason: encrypted ? 'encrypted zip entry' : `unsupported zip compression method ${method}` });
      await drain(raw);
      continue;
    }
    let consumed = false;
    const content = method === 8 ? inflate(raw) : raw;
    const guarded: AsyncIterable<Buffer> = {
      [Symbol.asyncIterator]: () => {
        consumed = true;
        return content[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      },
    };
    yield { name, method, content: guarded };
    // The consumer may stop early: finish reading this entry's bytes to reach the next header.
    if (!consumed) await drain(raw);
    else if (method === 8) await drain(raw).catch(() => undefined);
  }
}
