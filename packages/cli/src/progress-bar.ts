import { formatBytes, formatDuration } from './output.js';

/**
 * A one-line progress bar on a terminal (stderr): bytes done and total, rate and ETA, redrawn at
 * most ten times a second. Off a terminal it prints nothing, so piped output stays clean.
 */
export class ProgressBar {
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly out: NodeJS.WriteStream & { columns?: number },
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** The line for `loaded` bytes at `elapsedMs` (exported for tests). */
  line(loaded: number, elapsedMs: number): string {
    const seconds = Math.max(elapsedMs / 1000, 0.001);
    const rate = loaded / seconds;
    const width = 24;
    const parts = [this.label];
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(1, loaded / this.total);
      const filled = Math.round(ratio * width);
      parts.push(`[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`, `${String(Math.floor(ratio * 100)).padStart(3)}%`);
      parts.push(`${formatBytes(loaded)} / ${formatBytes(this.total)}`);
      parts.push(`${formatBytes(rate)}/s`);
      parts.push(`ETA ${rate > 0 ? formatDuration((this.total - loaded) / rate) : '--'}`);
    } else {
      parts.push(formatBytes(loaded), `${formatBytes(rate)}/s`);
    }
    return parts.join('  ');
  }

  update(loaded: number, force = false): void {
    if (!this.enabled) return;
    const t = this.now();
    if (!force && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    this.drawn = true;
    this.out.write(`\r\x1b[2K${this.line(loaded, t - this.started)}`);
  }

  /** Draws the final state and ends the line. */
  finish(loaded: number): void {
    if (!this.enabled) return;
    this.update(loaded, true);
    if (this.drawn) this.out.write('\n');
  }
}
