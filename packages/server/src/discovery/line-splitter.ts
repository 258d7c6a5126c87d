// Splits a byte stream into text lines without readline.
// Newlines are found on bytes (0x0A never occurs inside a UTF-8 multi-byte sequence, so a
// chunk boundary can split a character but never hide a newline). Each chunk's run of complete
// lines is decoded with ONE toString call and then cut with String#indexOf: one decoder call
// per chunk instead of one per line, and the substrings V8 makes are cheap slices. Only the
// partial last line is carried over, as bytes, into the next chunk.
// `\r\n` endings and a leading UTF-8 BOM are handled; a line longer than maxLineBytes is
// reported (once) and skipped up to its newline instead of growing the carry without bound.

export interface LineSink {
  line(text: string): void;
  /** A line longer than the limit, with its first bytes as a sample; it is not passed to line(). */
  oversized(bytes: number, sample: string): void;
}

const EMPTY = Buffer.alloc(0);

/** Bytes of an over-long line kept as its sample in the job result. */
export const OVERSIZED_SAMPLE_BYTES = 200;
const head = (buf: Buffer, start = 0) => buf.toString('utf8', start, Math.min(buf.length, start + OVERSIZED_SAMPLE_BYTES));

export class LineSplitter {
  private carry: Buffer = EMPTY;
  private skipping = false;
  private skippedBytes = 0;
  /** The first bytes of the line being skipped. */
  private skipSample = '';
  private first = true;
  private readonly maxLineBytes: number;

  /** `atFileStart` false: the input continues a file, so a leading BOM is not stripped. */
  constructor(maxLineBytes = 1 << 20, atFileStart = true) {
    this.maxLineBytes = maxLineBytes;
    this.first = atFileStart;
  }

  push(chunk: Buffer, sink: LineSink): void {
    let start = 0;
    const firstNl = chunk.indexOf(10);
    if (firstNl < 0) {
      this.accumulate(chunk, sink);
      return;
    }
    // Finish the carried-over line with the head of this chunk.
    if (this.skipping) {
      sink.oversized(this.skippedBytes + firstNl, this.skipSample);
      this.skipping = false;
      this.skippedBytes = 0;
    } else if (this.carry.length > 0) {
      const rest = chunk.subarray(0, firstNl);
      if (this.carry.length + rest.length > this.maxLineBytes) sink.oversized(this.carry.length + rest.length, headOf(this.carry, rest));
      else this.emit(Buffer.concat([this.carry, rest]).toString('utf8'), sink);
    } else if (firstNl > this.maxLineBytes) {
      sink.oversized(firstNl, head(chunk));
    } else this.emit(chunk.toString('utf8', 0, firstNl), sink);
    this.carry = EMPTY;
    start = firstNl + 1;

    const lastNl = chunk.lastIndexOf(10);
    if (lastNl > start - 1 && lastNl >= start) {
      const text = chunk.toString('utf8', start, lastNl);
      let pos = 0;
      for (;;) {
        const nl = text.indexOf('\n', pos);
        const end = nl < 0 ? text.length : nl;
        if (end - pos > this.maxLineBytes) sink.oversized(end - pos, head(Buffer.from(text.slice(pos, pos + OVERSIZED_SAMPLE_BYTES))));
        else this.emit(text.slice(pos, end), sink);
        if (nl < 0) break;
        pos = nl + 1;
      }
      start = lastNl + 1;
    }
    if (start < chunk.length) this.accumulate(chunk.subarray(start), sink);
  }

  /** Flushes the final line (a file need not end with a newline). */
  end(sink: LineSink): void {
    if (this.skipping) sink.oversized(this.skippedBytes, this.skipSample);
    else if (this.carry.length > 0) this.emit(this.carry.toString('utf8'), sink);
    this.carry = EMPTY;
    this.skipping = false;
    this.skippedBytes = 0;
  }

  private accumulate(part: Buffer, sink: LineSink): void {
    if (this.skipping) {
      this.skippedBytes += part.length;
      return;
    }
    if (this.carry.length + part.length > this.maxLineBytes) {
      this.skipping = true;
      this.skippedBytes = this.carry.length + part.length;
      this.skipSample = headOf(this.carry, part);
      this.carry = EMPTY;
      void sink;
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.carry = this.carry.length === 0 ? Buffer.from(part) : Buffer.concat([this.carry, part]);
  }

  private emit(text: string, sink: LineSink): void {
    let t = text;
    if (this.first) {
      this.first = false;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    }
    if (t.charCodeAt(t.length - 1) === 13) t = t.slice(0, -1);
    sink.line(t);
  }
}

export interface ByteLineSink {
  /** A line as bytes `buf[start, end)`, CR and (on the first line) BOM already stripped. */
  bytes(buf: Buffer, start: number, end: number): void;
  oversized(bytes: number, sample: string): void;
}

/** The sample of a line that starts in `carry` and goes on in `next`. */
function headOf(carry: Buffer, next: Buffer): string {
  if (carry.length >= OVERSIZED_SAMPLE_BYTES) return head(carry);
  return Buffer.concat([carry, next.subarray(0, OVERSIZED_SAMPLE_BYTES - carry.length)]).toString('utf8');
}

function hasNonAscii(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! > 127) return true;
  return false;
}

/**
 * LineSplitter for byte-level parsers: the same lines, limits and size reports, but each line is
 * handed over as a byte range of the chunk instead of a decoded string. A line is only decoded
 * when a consumer asks for it (fallback to a string parser, failure samples).
 */
export class ByteLineSplitter {
  private carry: Buffer = EMPTY;
  private skipping = false;
  private skippedBytes = 0;
  /** The first bytes of the line being skipped. */
  private skipSample = '';
  private first = true;
  private readonly maxLineBytes: number;

  /** `atFileStart` false: the input continues a file, so a leading BOM is not stripped. */
  constructor(maxLineBytes = 1 << 20, atFileStart = true) {
    this.maxLineBytes = maxLineBytes;
    this.first = atFileStart;
  }

  push(chunk: Buffer, sink: ByteLineSink): void {
    const firstNl = chunk.indexOf(10);
    if (firstNl < 0) {
      this.accumulate(chunk);
      return;
    }
    const max = this.maxLineBytes;
    if (this.skipping) {
      sink.oversized(this.skippedBytes + firstNl, this.skipSample);
      this.skipping = false;
      this.skippedBytes = 0;
    } else if (this.carry.length > 0) {
      const len = this.carry.length + firstNl;
      if (len > max) sink.oversized(len, headOf(this.carry, chunk.subarray(0, firstNl)));
      else this.emit(Buffer.concat([this.carry, chunk.subarray(0, firstNl)]), 0, len, sink);
    } else if (firstNl > max) {
      sink.oversized(firstNl, head(chunk));
    } else this.emit(chunk, 0, firstNl, sink);
    this.carry = EMPTY;
    let pos = firstNl + 1;
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl >= pos) {
      for (;;) {
        let nl = chunk.indexOf(10, pos);
        if (nl < 0 || nl > lastNl) nl = lastNl;
        const len = nl - pos;
        // LineSplitter measures lines inside a chunk in UTF-16 code units; so does this.
        if (len > max && (!hasNonAscii(chunk, pos, nl) || chunk.toString('utf8', pos, nl).length > max)) {
          sink.oversized(hasNonAscii(chunk, pos, nl) ? chunk.toString('utf8', pos, nl).length : len, head(chunk.subarray(0, nl), pos));
        } else this.emit(chunk, pos, nl, sink);
        pos = nl + 1;
        if (nl === lastNl) break;
      }
    }
    if (pos < chunk.length) this.accumulate(chunk.subarray(pos));
  }

  end(sink: ByteLineSink): void {
    if (this.skipping) sink.oversized(this.skippedBytes, this.skipSample);
    else if (this.carry.length > 0) this.emit(this.carry, 0, this.carry.length, sink);
    this.carry = EMPTY;
    this.skipping = false;
    this.skippedBytes = 0;
  }

  private accumulate(part: Buffer): void {
    if (this.skipping) {
      this.skippedBytes += part.length;
      return;
    }
    if (this.carry.length + part.length > this.maxLineBytes) {
      this.skipping = true;
      this.skippedBytes = this.carry.length + part.length;
      this.skipSample = headOf(this.carry, part);
      this.carry = EMPTY;
      return;
    }
    this.carry = this.carry.length === 0 ? Buffer.from(part) : Buffer.concat([this.carry, part]);
  }

  private emit(buf: Buffer, start: number, end: number, sink: ByteLineSink): void {
    let s = start;
    let e = end;
    if (this.first) {
      this.first = false;
      if (e - s >= 3 && buf[s] === 0xef && buf[s + 1] === 0xbb && buf[s + 2] === 0xbf) s += 3;
    }
    if (e > s && buf[e - 1] === 13) e--;
    sink.bytes(buf, s, e);
  }
}
