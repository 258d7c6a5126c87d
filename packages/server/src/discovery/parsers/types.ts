// The contract every Cloud Discovery log parser implements.
//
// A parser definition (`LogParser`) is stateless and shareable; `create()` returns a `LineParser`
// for one input stream, because some formats carry state between lines (W3C `#Fields:` headers,
// Cisco ASA build/teardown pairs, CSV header rows). `parseLine` never throws: a line is either a
// record, a failure with a reason (malformed), or ignored (well-formed but not a transaction:
// directives, other log types, connection-start messages).

export type TransactionAction = 'allowed' | 'blocked';

/** One normalized transaction: "one log line of usage between two devices". */
export interface ParsedRecord {
  readonly kind: 'record';
  /** Epoch milliseconds, UTC. */
  timestamp: number;
  srcIp: string;
  user?: string;
  /** Source machine name, when the source reports one. */
  machine?: string;
  /** Lower-cased destination host name without port (never an IP literal; those go to destIp). */
  destHost?: string;
  destIp?: string;
  /** 0 when the source does not say. */
  destPort: number;
  url?: string;
  /** Client -> server. 0 when unknown. */
  bytesUp: number;
  /** Server -> client. 0 when unknown. */
  bytesDown: number;
  /** bytesUp + bytesDown, or the only figure the source gives (Cisco ASA, Squid native). */
  bytesTotal: number;
  action: TransactionAction;
  /** The vendor's own application label (PAN App-ID, FortiGate app, Zscaler appname...). */
  vendorApp?: string;
}

export interface ParseFailure {
  readonly kind: 'failure';
  readonly reason: string;
}

export interface IgnoredLine {
  readonly kind: 'ignored';
  readonly reason: string;
}

export type ParseResult = ParsedRecord | ParseFailure | IgnoredLine;

export interface ParserOptions {
  /**
   * Offset from UTC, in minutes, applied to timestamps that carry no zone (PAN generated time,
   * Zscaler `%s{time}`, RFC3164 headers, zone-less ISO). Default 0 (UTC).
   */
  utcOffsetMinutes?: number;
  /**
   * "Now" in epoch ms, used to pick the year of year-less timestamps (`Oct 10 12:34:56`): the
   * latest year that does not put the event more than a day in the future. Default Date.now().
   */
  now?: number;
  /**
   * Generic CEF only: which side `in` counts. `spec` (ArcSight dictionary: `in` = bytes from
   * source to destination = upload) or `received` (Sentinel's reading: `in` = received by the
   * source = download). Default `spec`.
   */
  cefDirection?: 'spec' | 'received';
  /** Column names for CSV formats whose column order is admin-defined (Zscaler CSV feeds). */
  columns?: readonly string[];
}

export interface LineParser {
  parseLine(line: string): ParseResult;
}

export interface LogParser {
  /** Stable kebab-case id, e.g. `squid-native`. */
  readonly id: string;
  readonly name: string;
  create(options?: ParserOptions): LineParser;
}

export function fail(reason: string): ParseFailure {
  return { kind: 'failure', reason };
}

/** Ignored outcomes are shared constants: they are frequent and carry no per-line data. */
export function ignored(reason: string): IgnoredLine {
  return Object.freeze({ kind: 'ignored', reason });
}

export const IGNORED_BLANK = ignored('blank line');
export const IGNORED_COMMENT = ignored('comment or directive');

/** Builds a record; computes bytesTotal from the direction split unless the source gives only a total. */
export function makeRecord(fields: {
  timestamp: number;
  srcIp: string;
  user?: string | undefined;
  machine?: string | undefined;
  destHost?: string | undefined;
  destIp?: string | undefined;
  destPort?: number | undefined;
  url?: string | undefined;
  bytesUp?: number | undefined;
  bytesDown?: number | undefined;
  bytesTotal?: number | undefined;
  action: TransactionAction;
  vendorApp?: string | undefined;
}): ParsedRecord {
  const up = fields.bytesUp ?? 0;
  const down = fields.bytesDown ?? 0;
  // Every property is always present (undefined when absent) so all records share one hidden
  // class and the pipeline's property reads stay monomorphic.
  return {
    kind: 'record',
    timestamp: fields.timestamp,
    srcIp: fields.srcIp,
    user: fields.user || undefined,
    machine: fields.machine || undefined,
    destHost: fields.destHost || undefined,
    destIp: fields.destIp || undefined,
    destPort: fields.destPort ?? 0,
    url: fields.url || undefined,
    bytesUp: up,
    bytesDown: down,
    bytesTotal: fields.bytesTotal ?? up + down,
    action: fields.action,
    vendorApp: fields.vendorApp || undefined,
  };
}
