/**
 * The background loop of the detection engine and of the SIEM delivery (one helper for both):
 * rounds run one at a time (single-flight, a direct `runOnce` joins the round in flight), back to
 * back while a round reports that more work may be waiting, otherwise every `pollMs` (other
 * processes write work too). A wake-up during a round runs another round right after it. The timer
 * never holds the process open; `stop` waits for the round in flight.
 */
export interface WorkerLoopOptions<R> {
  /** Pause between rounds that found no more work. */
  pollMs: number;
  /** One round of work. */
  round: () => Promise<R>;
  /** Whether more work may be waiting after this round (the next round then starts at once). */
  busy: (result: R) => boolean;
  /** A round failed (the loop goes on after pollMs). */
  onError: (e: unknown) => void;
}

export class WorkerLoop<R> {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<R> | undefined;
  /** The loop's own round is running (set from its timer until the next one is scheduled). */
  private looping = false;
  private again = false;
  private stopped = true;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkerLoopOptions<R>) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** A round is running (the loop's or a direct `runOnce`). */
  get roundInFlight(): boolean {
    return this.inFlight !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops the loop after the round in flight (a failed round is not rethrown here). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight?.catch(() => undefined);
    this.resolveIdle();
  }

  /** Runs a round now, or right after the loop's round in flight (new work was written). */
  wake(): void {
    if (this.stopped) return;
    if (this.looping) this.again = true;
    else this.schedule(0);
  }

  /** One round; while one runs (the loop's or another caller's), that round's result. */
  runOnce(): Promise<R> {
    if (this.inFlight) return this.inFlight;
    const run = this.options.round().finally(() => {
      this.inFlight = undefined;
    });
    this.inFlight = run;
    return run;
  }

  /** Resolves after a loop round that was not busy (or failed), or at once when stopped. */
  whenIdle(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const p = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    this.wake();
    return p;
  }

  private resolveIdle(): void {
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.looping = true;
      void this.runOnce()
        .then(
          (r) => this.options.busy(r),
          (e: unknown) => {
            this.options.onError(e);
            return false;
          },
        )
        .then((busy) => {
          this.looping = false;
          const again = this.again;
          this.again = false;
          // Stopped, or restarted meanwhile (start scheduled its own round).
          if (this.stopped || this.timer) return;
          if (busy || again) this.schedule(0);
          else {
            this.resolveIdle();
            this.schedule(this.options.pollMs);
          }
        });
    }, ms);
    this.timer.unref();
  }
}

/**
 * Serves each item once, `concurrency` at a time, starting at index `start` (modulo the count) and
 * wrapping around, so that a loop passing a counter as `start` takes turns fairly. `stop` is
 * checked between groups. The results, in serving order.
 */
export async function serveInTurn<T, R>(
  items: readonly T[],
  start: number,
  concurrency: number,
  serve: (item: T) => Promise<R>,
  stop?: () => boolean,
): Promise<R[]> {
  const n = items.length;
  if (n === 0) return [];
  const first = ((start % n) + n) % n;
  const order = [...items.slice(first), ...items.slice(0, first)];
  const out: R[] = [];
  const size = Math.max(1, concurrency);
  for (let i = 0; i < n; i += size) {
    if (stop?.()) break;
    out.push(...(await Promise.all(order.slice(i, i + size).map(serve))));
  }
  return out;
}
