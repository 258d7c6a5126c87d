import type { RequestPipeline } from './request-pipeline.js';

/** What can be uploaded: bytes, a Blob (a browser File too), or a stream of bytes. */
export type UploadData = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface BlobUploadOptions {
  /** Bytes per Put Block (default 4 MiB). Data that fits in one block goes up in one Put Blob. */
  blockSize?: number;
  /** Total size when known (for progress); read from Blobs and bytes. */
  totalBytes?: number;
  onProgress?: (loadedBytes: number, totalBytes: number | undefined) => void;
  signal?: AbortSignal;
}

export const DEFAULT_BLOCK_SIZE = 4 * 1024 * 1024;
/** Azure's limit of blocks per blob. */
const MAX_BLOCKS = 50_000;
const BLOB_API_VERSION = '2021-08-06';

export function sizeOf(data: UploadData): number | undefined {
  if (data instanceof Uint8Array) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (typeof Blob !== 'undefined' && data instanceof Blob) return data.size;
  return undefined;
}

/** Cuts any input into blocks of exactly `size` bytes (the last one shorter). */
export async function* blocksOf(data: UploadData, size: number): AsyncGenerator<Uint8Array> {
  if (data instanceof ArrayBuffer) data = new Uint8Array(data);
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.byteLength; i += size) yield data.subarray(i, Math.min(i + size, data.byteLength));
    return;
  }
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    for (let i = 0; i < data.size; i += size) yield new Uint8Array(await data.slice(i, i + size).arrayBuffer());
    return;
  }
  const source: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in (data as object) ? (data as AsyncIterable<Uint8Array>) : readableToIterable(data as ReadableStream<Uint8Array>);
  let buf = new Uint8Array(size);
  let used = 0;
  for await (const chunk of source) {
    let off = 0;
    while (off < chunk.byteLength) {
      const n = Math.min(size - used, chunk.byteLength - off);
      buf.set(chunk.subarray(off, off + n), used);
      used += n;
      off += n;
      if (used === size) {
        yield buf;
        buf = new Uint8Array(size);
        used = 0;
      }
    }
  }
  if (used > 0) yield buf.subarray(0, used);
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function withQuery(url: string, query: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}

/** Block ids must all have the same length before base64: a zero-padded counter. */
function blockId(i: number): string {
  return btoa(`block-${String(i).padStart(6, '0')}`);
}

/**
 * Uploads to a blob URL with a SAS (what `upload_url` returns) the way Azure blob clients do:
 * one Put Blob (`x-ms-blob-type: BlockBlob`) when the data fits in one block, otherwise a Put
 * Block per block followed by Put Block List. Never sends the API credential to the blob URL.
 * Streams are read one block at a time, so memory stays at one block.
 */
export async function uploadToBlobUrl(
  pipeline: RequestPipeline,
  url: string,
  data: UploadData,
  options: BlobUploadOptions = {},
): Promise<void> {
  const size = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError('blockSize must be a positive integer');
  const total = options.totalBytes ?? sizeOf(data);
  const signal = options.signal ? { signal: options.signal } : {};
  const headers = { 'x-ms-version': BLOB_API_VERSION };
  const iter = blocksOf(data, size);
  let loaded = 0;
  options.onProgress?.(0, total);
  const first = await iter.next();
  const second = first.done ? first : await iter.next();
  if (second.done) {
    const body = first.done ? new Uint8Array(0) : first.value;
    await pipeline.send({
      method: 'PUT',
      url,
      body,
      headers: { ...headers, 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/octet-stream' },
      authenticate: false,
      responseType: 'none',
      ...signal,
    });
    options.onProgress?.(body.byteLength, total ?? body.byteLength);
    return;
  }
  const ids: string[] = [];
  const putBlock = async (block: Uint8Array) => {
    if (ids.length >= MAX_BLOCKS) throw new RangeError(`more than ${MAX_BLOCKS} blocks: raise blockSize`);
    const id = blockId(ids.length);
    ids.push(id);
    await pipeline.send({
      method: 'PUT',
      url: withQuery(url, `comp=block&blockid=${encodeURIComponent(id)}`),
      body: block,
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      authenticate: false,
      responseType: 'none',
      ...signal,
    });
    loaded += block.byteLength;
    options.onProgress?.(loaded, total);
  };
  await putBlock(first.value!);
  await putBlock(second.value);
  for await (const block of { [Symbol.asyncIterator]: () => iter }) await putBlock(block);
  const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`;
  await pipeline.send({
    method: 'PUT',
    url: withQuery(url, 'comp=blocklist'),
    body: xml,
    headers: { ...headers, 'content-type': 'application/xml' },
    authenticate: false,
    responseType: 'none',
    ...signal,
  });
}
