// The Cloud Discovery log pipeline: bytes in, daily usage rollup out.
//   input -> sniff (gzip / zip / plain) -> byte-level line splitting -> format parser
//         -> 90-day window -> catalog match -> aggregation
// Framework-free: takes any Readable or async iterable of bytes, returns plain data. Storage,
// upload handling and report building belong to the callers.
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { TrafficAggregator, type AggregateRow, type UnclassifiedDestination } from './aggregation.js';
import { AppMatcher } from './catalog/app-matcher.js';
import { CATALOG_APPS, type CatalogApp } from './catalog/apps.js';
import { LineProcessor } from './line-processor.js';
import type { CustomParserConfig } from './parsers/custom.js';
import { parserForSource } from './parsers/registry.js';
import type { FastPathState } from './parsers/squid-native-fast.js';
import type { LogParser, ParserOptions } from './parsers/types.js';
import { DiscoveryInputError, type DiscoveryInputErrorCode } from './discovery-input-error.js';
import { ChunkReader, readZipEntries, type ZipSkip } from './zip-reader.js';

export type Compression = 'none' | 'gzip' | 'zip';

export interface ParseStreamOptions {
  /** Called with each input chunk of plain (uncompressed) input once it has been read (parse worker: hand it back). */
  onChunkDone?: (chunk: Buffer) => void;
  /** Passed to the format parser (time zone, reference time, CEF direction, CSV columns). */
  parser?: ParserOptions;
  /** Required when the format is CUSTOM_PARSER (167). */
  custom?: CustomParserConfig;
  /** Catalog matcher; built from `catalog` (default: the seed catalog) when absent. */
  matcher?: AppMatcher;
  catalog?: readonly CatalogApp[];
  /** Sample failures kept with line numbers. Default 20. */
  maxSampleFailures?: number;
  /** Longer lines are counted as failures and skipped. Default 1 MiB. */
  maxLineBytes?: number;
  /** Records older than this many days before `now` are dropped (MDA keeps 90). null disables. */
  maxAgeDays?: number | null;
  /** Reference time for the age window; default Date.now(). */
  now?: number;
  /** Stop (DiscoveryInputError INPUT_TOO_LARGE) after this many decompressed bytes. */
  maxInputBytes?: number;
  /** Default `auto`: detect from the first bytes. */
  compression?: Compression | 'auto';
  /** Stop (INPUT_TOO_LARGE) when gzip / zip content decompresses to more than this many bytes in all. Default 64 GiB. */
  maxDecompressedBytes?: number;
  /** Stop (INPUT_TOO_LARGE) when decompressed bytes exceed this many times the compressed bytes read (checked past 16 MiB). Default 1000. */
  maxCompressionRatio?: number;
  /** Name reported with failures of a plain or gzip input. */
  fileName?: string;
  signal?: AbortSignal;
  /**
   * Use the byte-level fast path where a format has one (Squid native). Default true; false runs
   * every line through the string parser (the reference the fast path is tested against).
   */
  fastPath?: boolean;
}

export interface FailureSample {
  file?: string;
  line: number;
  reason: string;
  /** The start of the offending line. */
  text: string;
}

export interface ParseStreamStats {
  /** Decompressed bytes read. */
  bytes: number;
  files: number;
  linesRead: number;
  /** Lines that became transactions (whether or not they matched an app). */
  parsed: number;
  /** Well-formed lines that are not transactions (headers, other log types, session starts). */
  ignored: number;
  /** Malformed lines. */
  failed: number;
  /** Transactions outside the age window. */
  tooOld: number;
  matched: number;
  unclassified: number;
  blocked: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
}

export interface ParseStreamResult {
  parserId: string;
  compression: Compression;
  stats: ParseStreamStats;
  failures: FailureSample[];
  /** Zip entries that could not be read (encrypted, unsupported method). */
  skippedEntries: ZipSkip[];
  aggregates: AggregateRow[];
  unclassifiedDestinations: UnclassifiedDestination[];
}

export { DiscoveryInputError, type DiscoveryInputErrorCode };

let defaultMatcher: AppMatcher | undefined;

function resolveParser(format: LogParser | number | string, custom?: CustomParserConfig): LogParser {
  if (typeof format === 'object') return format;
  const p = parserForSource(format, custom);
  if (!p) throw new DiscoveryInputError('UNSUPPORTED_LOG_TYPE', `Unsupported log type: ${format}`);
  return p;
}

function sniff(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  return 'none';
}

/** Decompression bounds (a gzip or zip bomb stops early instead of being parsed as gigabytes). */
export const DECOMPRESSION_DEFAULTS = {
  maxDecompressedBytes: 64 * 1024 ** 3,
  maxCompressionRatio: 1000,
  /** Below this much output the ratio is not checked: small, very regular files compress far. */
  ratioFloorBytes: 16 * 1024 * 1024,
} as const;

/** Counts the bytes pulled through an iterable (the compressed side). */
async function* counted(
  source: AsyncIterable<Buffer | Uint8Array | string>,
  meter: { bytes: number },
): AsyncIterable<Buffer | Uint8Array | string> {
  for await (const chunk of source) {
    meter.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    yield chunk;
  }
}

function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const z = createGunzip();
  pipeline(Readable.from(source), z, () => {
    /* errors surface through z's iterator */
  });
  return z;
}

/** Everything parseStream derives from its options, shared with the parallel variant. */
export interface ResolvedOptions {
  parser: LogParser;
  matcher: AppMatcher;
  maxSamples: number;
  maxLineBytes: number;
  parserOptions: ParserOptions;
  minTimestamp: number;
  maxInputBytes: number;
}

export function resolveOptions(format: LogParser | number | string, options: ParseStreamOptions): ResolvedOptions {
  const now = options.now ?? Date.now();
  return {
    parser: resolveParser(format, options.custom),
    matcher: options.matcher ?? (options.catalog ? new AppMatcher(options.catalog) : (defaultMatcher ??= new AppMatcher(CATALOG_APPS))),
    maxSamples: options.maxSampleFailures ?? 20,
    maxLineBytes: options.maxLineBytes ?? 1 << 20,
    parserOptions: { now, ...options.parser },
    minTimestamp: options.maxAgeDays === null ? -Infinity : now - (options.maxAgeDays ?? 90) * 86_400_000,
    maxInputBytes: options.maxInputBytes ?? Infinity,
  };
}

export function emptyStats(): ParseStreamStats {
  return {
    bytes: 0,
    files: 0,
    linesRead: 0,
    parsed: 0,
    ignored: 0,
    failed: 0,
    tooOld: 0,
    matched: 0,
    unclassified: 0,
    blocked: 0,
    firstTimestamp: null,
    lastTimestamp: null,
  };
}

/**
 * Sniffs the input (plain, gzip, zip of plain or gzip entries) and calls `onText` for each text
 * stream in order, with the zip entry name (or `fileName`). Maps archive and decompression
 * errors to DiscoveryInputError.
 */
export async function forEachTextStream(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  options: Pick<ParseStreamOptions, 'compression' | 'fileName' | 'maxDecompressedBytes' | 'maxCompressionRatio'>,
  /** `plain`: the content is the input's own chunks (no gzip or zip in between). */
  onText: (content: AsyncIterable<Buffer>, file: string | undefined, plain: boolean) => Promise<void>,
): Promise<{ compression: Compression; skippedEntries: ZipSkip[] }> {
  const skippedEntries: ZipSkip[] = [];
  const maxOut = options.maxDecompressedBytes ?? DECOMPRESSION_DEFAULTS.maxDecompressedBytes;
  const maxRatio = options.maxCompressionRatio ?? DECOMPRESSION_DEFAULTS.maxCompressionRatio;
  const compressed = { bytes: 0 };
  let decompressed = 0;
  /** Decompressed content, counted over every entry against the size and ratio caps. */
  async function* bounded(content: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    for await (const chunk of content) {
      decompressed += chunk.length;
      if (decompressed > maxOut) {
        throw new DiscoveryInputError('INPUT_TOO_LARGE', `Input too large: the archive decompresses to more than ${maxOut} bytes`);
      }
      if (decompressed > DECOMPRESSION_DEFAULTS.ratioFloorBytes && decompressed > maxRatio * Math.max(1, compressed.bytes)) {
        throw new DiscoveryInputError(
          'INPUT_TOO_LARGE',
          `Input too large: the archive decompresses to more than ${maxRatio} times its size (${compressed.bytes} bytes read, ${decompressed} out)`,
        );
      }
      yield chunk;
    }
  }
  /** A plain or gzip member (also used for each zip entry, which may itself be a .gz). */
  async function parseMaybeGzip(source: AsyncIterable<Buffer>, file: string | undefined): Promise<void> {
    const reader = new ChunkReader(source);
    await reader.fill(4);
    const kind = sniff(reader.buffered);
    if (kind === 'gzip') await onText(bounded(gunzip(reader.rest())), file, false);
    else await onText(bounded(reader.rest()), file, false);
  }

  const source = counted(input as AsyncIterable<Buffer | Uint8Array | string>, compressed);
  const reader = new ChunkReader(source);
  await reader.fill(4);
  const detected = sniff(reader.buffered);
  const compression = options.compression && options.compression !== 'auto' ? options.compression : detected;
  if (compression !== detected && compression !== 'none') {
    throw new DiscoveryInputError('UNSUPPORTED_FILE_TYPE', `Unsupported file type: expected ${compression} input`);
  }
  try {
    if (compression === 'zip') {
      for await (const entry of readZipEntries(reader, (s) => skippedEntries.push(s))) {
        await parseMaybeGzip(entry.content, entry.name);
      }
    } else if (compression === 'gzip') {
      await onText(bounded(gunzip(reader.rest())), options.fileName, false);
    } else {
      await onText(reader.rest(), options.fileName, true);
    }
  } catch (err) {
    // A broken zip (ZipFormatError) is a DiscoveryInputError already.
    if (err instanceof DiscoveryInputError) throw err;
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new DiscoveryInputError('UNSUPPORTED_FILE_TYPE', `Unsupported file type: corrupt compressed data (${code})`);
    }
    throw err;
  }
  return { compression, skippedEntries };
}

/** Copies the transaction counters of a processor (or merged workers) into the stats. */
export function applySpan(stats: ParseStreamStats, span: FastPathState): void {
  stats.parsed = span.parsed;
  stats.tooOld = span.tooOld;
  stats.blocked = span.blocked;
  stats.matched = span.matched;
  stats.unclassified = span.unclassified;
  if (span.first !== Infinity) {
    stats.firstTimestamp = span.first;
    stats.lastTimestamp = span.last;
  }
}

/**
 * Parses one log upload. `format` is a parser, a log-source code (112) or name ('PALO_ALTO').
 * Rejects with DiscoveryInputError for unsupported formats, broken archives, oversize input or
 * abort; malformed lines never reject, they are counted and sampled.
 */
export async function parseStream(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  format: LogParser | number | string,
  options: ParseStreamOptions = {},
): Promise<ParseStreamResult> {
  const { result, aggregator } = await parseStreamRollup(input, format, options);
  return { ...result, aggregates: aggregator.rows() };
}

/**
 * parseStream without building the rows: the rollup itself, for callers that hand it on in
 * compact form (the parse worker transfers `exportPartial()` instead of cloning row objects).
 */
export async function parseStreamRollup(
  input: Readable | AsyncIterable<Buffer | Uint8Array | string>,
  format: LogParser | number | string,
  options: ParseStreamOptions = {},
): Promise<{ result: Omit<ParseStreamResult, 'aggregates'>; aggregator: TrafficAggregator }> {
  const o = resolveOptions(format, options);
  const signal = options.signal;
  const aggregator = new TrafficAggregator();
  const failures: FailureSample[] = [];
  const stats = emptyStats();
  const processor = new LineProcessor({ ...o, aggregator, fastPath: options.fastPath !== false });

  const { compression, skippedEntries } = await forEachTextStream(input, options, async (content, file, plain) => {
    stats.files++;
    processor.begin(true);
    for await (const chunk of content) {
      if (signal?.aborted) throw new DiscoveryInputError('ABORTED', 'parsing aborted');
      stats.bytes += chunk.length;
      if (stats.bytes > o.maxInputBytes) {
        throw new DiscoveryInputError('INPUT_TOO_LARGE', `input exceeds ${o.maxInputBytes} bytes`);
      }
      processor.push(chunk);
      // The processor keeps no view of a chunk (the line splitter copies a partial line).
      if (plain) options.onChunkDone?.(chunk);
    }
    processor.end();
    stats.linesRead += processor.lineNo;
    for (const f of processor.failures) {
      if (failures.length >= o.maxSamples) break;
      failures.push(file === undefined ? { ...f } : { ...f, file });
    }
  });
  stats.ignored = processor.ignored;
  stats.failed = processor.failed;
  applySpan(stats, processor.span);

  return {
    result: {
      parserId: o.parser.id,
      compression,
      stats,
      failures,
      skippedEntries,
      unclassifiedDestinations: aggregator.unclassifiedDestinations(),
    },
    aggregator,
  };
}

/**
 * MDA's governance-log verdict for a finished upload, in its published wording; undefined when
 * the upload produced cataloged transactions.
 */
export function uploadVerdict(result: Pick<ParseStreamResult, 'stats'>): string | undefined {
  const s = result.stats;
  if (s.parsed === 0 && s.failed > 0) return 'The log format does not match';
  if (s.parsed > 0 && s.tooOld === s.parsed) return 'Transactions are more than 90 days old';
  if (s.matched === 0) return 'No transactions to cataloged cloud apps';
  return undefined;
}
