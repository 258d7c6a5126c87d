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
import { LineSplitter, type LineSink } from './line-splitter.js';
import type { CustomParserConfig } from './parsers/custom.js';
import { parserForSource } from './parsers/registry.js';
import type { LogParser, ParserOptions } from './parsers/types.js';
import { ChunkReader, ZipFormatError, readZipEntries, type ZipSkip } from './zip-reader.js';

export type Compression = 'none' | 'gzip' | 'zip';

export interface ParseStreamOptions {
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
  /** Name reported with failures of a plain or gzip input. */
  fileName?: string;
  signal?: AbortSignal;
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

export type DiscoveryInputErrorCode = 'UNSUPPORTED_LOG_TYPE' | 'UNSUPPORTED_FILE_TYPE' | 'INPUT_TOO_LARGE' | 'ABORTED';

export class DiscoveryInputError extends Error {
  readonly code: DiscoveryInputErrorCode;
  constructor(code: DiscoveryInputErrorCode, message: string) {
    super(message);
    this.name = 'DiscoveryInputError';
    this.code = code;
  }
}

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

function gunzip(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const z = createGunzip();
  pipeline(Readable.from(source), z, () => {
    /* errors surface through z's iterator */
  });
  return z;
}

const FAILURE_TEXT_CHARS = 200;

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
  const parser = resolveParser(format, options.custom);
  const matcher =
    options.matcher ?? (options.catalog ? new AppMatcher(options.catalog) : (defaultMatcher ??= new AppMatcher(CATALOG_APPS)));
  const maxSamples = options.maxSampleFailures ?? 20;
  const maxLineBytes = options.maxLineBytes ?? 1 << 20;
  const now = options.now ?? Date.now();
  const parserOptions: ParserOptions = { now, ...options.parser };
  const minTimestamp = options.maxAgeDays === null ? -Infinity : now - (options.maxAgeDays ?? 90) * 86_400_000;
  const maxInputBytes = options.maxInputBytes ?? Infinity;
  const signal = options.signal;

  const aggregator = new TrafficAggregator();
  const failures: FailureSample[] = [];
  const skippedEntries: ZipSkip[] = [];
  const stats: ParseStreamStats = {
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

  async function parseText(content: AsyncIterable<Buffer>, file: string | undefined): Promise<void> {
    stats.files++;
    const lineParser = parser.create(parserOptions);
    const splitter = new LineSplitter(maxLineBytes);
    let lineNo = 0;
    let first = Infinity;
    let last = -Infinity;
    const addFailure = (reason: string, text: string): void => {
      stats.failed++;
      if (failures.length < maxSamples) {
        const sample: FailureSample = { line: lineNo, reason, text: text.slice(0, FAILURE_TEXT_CHARS) };
        if (file !== undefined) sample.file = file;
        failures.push(sample);
      }
    };
    const sink: LineSink = {
      line(text) {
        lineNo++;
        const r = lineParser.parseLine(text);
        if (r.kind === 'record') {
          stats.parsed++;
          if (r.timestamp < minTimestamp) {
            stats.tooOld++;
            return;
          }
          if (r.timestamp < first) first = r.timestamp;
          if (r.timestamp > last) last = r.timestamp;
          if (r.action === 'blocked') stats.blocked++;
          const m = matcher.match(r);
          if (m.app) stats.matched++;
          else stats.unclassified++;
          aggregator.add(r, m.app, m.unclassifiedKey);
        } else if (r.kind === 'ignored') {
          stats.ignored++;
        } else addFailure(r.reason, text);
      },
      oversized(bytes) {
        lineNo++;
        addFailure(`line longer than ${maxLineBytes} bytes (${bytes})`, '');
      },
    };
    for await (const chunk of content) {
      if (signal?.aborted) throw new DiscoveryInputError('ABORTED', 'parsing aborted');
      stats.bytes += chunk.length;
      if (stats.bytes > maxInputBytes) {
        throw new DiscoveryInputError('INPUT_TOO_LARGE', `input exceeds ${maxInputBytes} bytes`);
      }
      splitter.push(chunk, sink);
    }
    splitter.end(sink);
    stats.linesRead += lineNo;
    if (first !== Infinity) {
      stats.firstTimestamp = stats.firstTimestamp === null ? first : Math.min(stats.firstTimestamp, first);
      stats.lastTimestamp = stats.lastTimestamp === null ? last : Math.max(stats.lastTimestamp, last);
    }
  }

  /** A plain or gzip member (also used for each zip entry, which may itself be a .gz). */
  async function parseMaybeGzip(source: AsyncIterable<Buffer>, file: string | undefined): Promise<Compression> {
    const reader = new ChunkReader(source);
    await reader.fill(4);
    const kind = sniff(reader.buffered);
    if (kind === 'gzip') await parseText(gunzip(reader.rest()), file);
    else await parseText(reader.rest(), file);
    return kind;
  }

  const source = input as AsyncIterable<Buffer | Uint8Array | string>;
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
      await parseText(gunzip(reader.rest()), options.fileName);
    } else {
      await parseText(reader.rest(), options.fileName);
    }
  } catch (err) {
    if (err instanceof DiscoveryInputError) throw err;
    if (err instanceof ZipFormatError) throw new DiscoveryInputError('UNSUPPORTED_FILE_TYPE', `Unsupported file type: ${err.message}`);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw new DiscoveryInputError('UNSUPPORTED_FILE_TYPE', `Unsupported file type: corrupt compressed data (${code})`);
    }
    throw err;
  }

  return {
    parserId: parser.id,
    compression,
    stats,
    failures,
    skippedEntries,
    aggregates: aggregator.rows(),
    unclassifiedDestinations: aggregator.unclassifiedDestinations(),
  };
}

/**
 * MDA's governance-log verdict for a finished upload, in its published wording; undefined when
 * the upload produced cataloged transactions.
 */
export function uploadVerdict(result: ParseStreamResult): string | undefined {
  const s = result.stats;
  if (s.parsed === 0 && s.failed > 0) return 'The log format does not match';
  if (s.parsed > 0 && s.tooOld === s.parsed) return 'Transactions are more than 90 days old';
  if (s.matched === 0) return 'No transactions to cataloged cloud apps';
  return undefined;
}
