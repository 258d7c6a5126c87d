// Per-sender byte budget of a syslog receiver: a token bucket per remote address, refilled at
// `bytesPerSecond` up to one second of burst. Time is the monotonic clock of the process, not the
// service clock: a frozen or shifted service clock must not turn rate limiting off.
import { performance } from 'node:perf_hooks';

interface Bucket {
  tokens: number;
  at: number;
}

/** Senders remembered at once; the least recently seen is forgotten beyond this (spoofed UDP sources cannot grow the map). */
const MAX_SENDERS = 10_000;

export class SenderRateLimit {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Takes `bytes` from the sender's bucket. Returns 0 when they fit, else how many milliseconds the
   * sender must wait until its bucket is back to zero (the bytes are taken anyway: TCP data already
   * read is kept, the socket is paused for that long; UDP callers drop instead and take nothing).
   */
  take(sender: string, bytes: number, takeWhenOver = true): number {
    if (this.bytesPerSecond <= 0) return 0;
    const t = this.now();
    let b = this.buckets.get(sender);
    if (b) this.buckets.delete(sender);
    else {
      b = { tokens: this.bytesPerSecond, at: t };
      if (this.buckets.size >= MAX_SENDERS) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(sender, b); // re-inserted: Map order is least recently seen first
    b.tokens = Math.min(this.bytesPerSecond, b.tokens + ((t - b.at) * this.bytesPerSecond) / 1000);
    b.at = t;
    if (b.tokens >= bytes) {
      b.tokens -= bytes;
      return 0;
    }
    if (!takeWhenOver) return Math.ceil(((bytes - b.tokens) * 1000) / this.bytesPerSecond);
    b.tokens -= bytes;
    return Math.ceil((-b.tokens * 1000) / this.bytesPerSecond);
  }
}
