// Lines of one text stream -> parser -> age window -> catalog match -> rollup.
// Shared by parseStream (one thread) and the parallel workers (one instance per worker, fed
// line-aligned batches). Keeps the per-host caches of the fast path across files and batches.
import type { TrafficAggregator } from './aggregation.js';
import type { AppMatcher } from './catalog/app-matcher.js';
import { ByteLineSplitter, LineSplitter, type ByteLineSink, type LineSink } from './line-splitter.js';
import { createSquidNativeFastPath, type FastLineHandler, type FastPathState } from './parsers/squid-native-fast.js';
import type { LineParser, LogParser, ParserOptions } from './parsers/types.js';

const FAILURE_TEXT_CHARS = 200;

export interface LineFailure {
  /** 1-based line number within the current file (or batch). */
  line: number;
  reason: string;
  text: string;
}

export interface LineProcessorOptions {
  parser: LogParser;
  parserOptions: ParserOptions;
  matcher: AppMatcher;
  aggregator: TrafficAggregator;
  minTimestamp: number;
  maxLineBytes: number;
  /** Failure samples kept per file (or batch). */
  maxSamples: number;
  fastPath: boolean;
}

/** Formats whose parsers keep no state between lines, so any line-aligned split parses the same. */
export const STATELESS_PARSERS: ReadonlySet<string> = new Set(['squid-native', 'squid-common']);

export class LineProcessor {
  /** Counters of transactions, cumulative over every file and batch. */
  readonly span: FastPathState = { parsed: 0, tooOld: 0, blocked: 0, matched: 0, unclassified: 0, first: Infinity, last: -Infinity };
  ignored = 0;
  failed = 0;
  /** Lines of the current file (or batch). */
  lineNo = 0;
  /** Failure samples of the current file (or batch). */
  failures: LineFailure[] = [];

  private readonly o: LineProcessorOptions;
  private readonly fast: FastLineHandler | undefined;
  private lineParser: LineParser;
  private textSplitter: LineSplitter | undefined;
  private byteSplitter: ByteLineSplitter | undefined;
  private readonly textSink: LineSink;
  private readonly byteSink: ByteLineSink;
  private positionBase = 0;

  constructor(options: LineProcessorOptions) {
    this.o = options;
    this.lineParser = options.parser.create(options.parserOptions);
    this.fast =
      options.fastPath && options.parser.id === 'squid-native'
        ? createSquidNativeFastPath(options.aggregator, options.matcher, options.minTimestamp, this.span)
        : undefined;
    const oversized = (bytes: number, sample: string): void => {
      this.lineNo++;
      this.addFailure(`line longer than ${options.maxLineBytes} bytes (${bytes})`, sample);
    };
    this.textSink = {
      line: (text) => {
        this.lineNo++;
        this.o.aggregator.position = this.positionBase + this.lineNo;
        this.handleText(text);
      },
      oversized,
    };
    const fast = this.fast;
    this.byteSink = {
      bytes: (buf, start, end) => {
        this.lineNo++;
        this.o.aggregator.position = this.positionBase + this.lineNo;
        if (!fast!.line(buf, start, end)) this.handleText(buf.toString('utf8', start, end));
      },
      oversized,
    };
  }

  /**
   * Starts a file (or a batch of one). `freshParser` re-creates the line parser (a new file);
   * `atFileStart` says whether a leading BOM may be stripped. `positionBase` is added to line
   * numbers in the rollup's first-seen order of unknown destinations.
   */
  begin(freshParser: boolean, atFileStart = true, positionBase = 0): void {
    if (freshParser) this.lineParser = this.o.parser.create(this.o.parserOptions);
    this.lineNo = 0;
    this.failures = [];
    this.positionBase = positionBase;
    if (this.fast) {
      this.byteSplitter = new ByteLineSplitter(this.o.maxLineBytes, atFileStart);
      this.textSplitter = undefined;
    } else {
      this.textSplitter = new LineSplitter(this.o.maxLineBytes, atFileStart);
      this.byteSplitter = undefined;
    }
  }

  push(chunk: Buffer): void {
    if (this.byteSplitter) this.byteSplitter.push(chunk, this.byteSink);
    else this.textSplitter!.push(chunk, this.textSink);
  }

  end(): void {
    if (this.byteSplitter) this.byteSplitter.end(this.byteSink);
    else this.textSplitter!.end(this.textSink);
  }

  private addFailure(reason: string, text: string): void {
    this.failed++;
    if (this.failures.length < this.o.maxSamples) {
      this.failures.push({ line: this.lineNo, reason, text: text.slice(0, FAILURE_TEXT_CHARS) });
    }
  }

  private handleText(text: string): void {
    const { aggregator, matcher, minTimestamp } = this.o;
    const span = this.span;
    const r = this.lineParser.parseLine(text);
    if (r.kind === 'record') {
      span.parsed++;
      if (r.timestamp < minTimestamp) {
        span.tooOld++;
        return;
      }
      if (r.timestamp < span.first) span.first = r.timestamp;
      if (r.timestamp > span.last) span.last = r.timestamp;
      if (r.action === 'blocked') span.blocked++;
      const m = matcher.match(r);
      if (m.app) span.matched++;
      else span.unclassified++;
      aggregator.add(r, m.app, m.unclassifiedKey);
    } else if (r.kind === 'ignored') {
      this.ignored++;
    } else this.addFailure(r.reason, text);
  }
}
