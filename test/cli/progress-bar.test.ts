import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../packages/cli/src/progress-bar.js';
import { formatBytes, formatDuration } from '../../packages/cli/src/output.js';

function sink() {
  const out: string[] = [];
  return { out, stream: { write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream };
}

describe('upload progress bar', () => {
  it('shows bytes, percentage, rate and ETA', () => {
    const bar = new ProgressBar('uploading access.log', 100 * 1024 * 1024, sink().stream, true);
    expect(bar.line(25 * 1024 * 1024, 5000)).toBe(
      'uploading access.log  [######------------------]   25%  25.0 MB / 100.0 MB  5.0 MB/s  ETA 15s',
    );
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatDuration(3725)).toBe('1h02m');
  });

  it('redraws one line on a terminal at most ten times a second, and stays silent elsewhere', () => {
    let t = 0;
    const tty = sink();
    const bar = new ProgressBar('up', 1000, tty.stream, true, () => t);
    bar.update(100);
    t = 50;
    bar.update(200);
    t = 150;
    bar.update(300);
    bar.finish(1000);
    expect(tty.out.filter((s) => s.startsWith('\r\x1b[2K'))).toHaveLength(3);
    expect(tty.out.at(-1)).toBe('\n');
    const piped = sink();
    const quiet = new ProgressBar('up', 1000, piped.stream, false);
    quiet.update(500, true);
    quiet.finish(1000);
    expect(piped.out).toEqual([]);
  });
});
