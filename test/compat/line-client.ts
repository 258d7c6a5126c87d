import { spawn, type ChildProcess } from 'node:child_process';

export type Line = Record<string, unknown> & { step: string };

/**
 * A user's client script in a child process, as a conversation: each JSON line it prints is a step
 * (`{"step": ...}`), and the test answers on its stdin (the redirect an auth code flow waits for).
 */
export class LineClient {
  private readonly child: ChildProcess;
  private readonly lines: Line[] = [];
  private waiting: ((l: Line) => void) | undefined;
  private stderr = '';
  private exited: number | null | undefined;

  constructor(command: string, args: string[], env: Record<string, string>, cwd?: string) {
    this.child = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(cwd ? { cwd } : {}),
    });
    let buffered = '';
    this.child.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, i)) as Line;
        buffered = buffered.slice(i + 1);
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          w(line);
        } else this.lines.push(line);
      }
    });
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.child.on('close', (code) => {
      this.exited = code;
      if (this.waiting) this.waiting({ step: 'exit', code, stderr: this.stderr });
    });
  }

  next(step: string): Promise<Line> {
    const got =
      this.lines.length > 0
        ? Promise.resolve(this.lines.shift()!)
        : this.exited !== undefined
          ? Promise.resolve({ step: 'exit', code: this.exited, stderr: this.stderr } as Line)
          : new Promise<Line>((resolve) => (this.waiting = resolve));
    return got.then((l) => {
      if (l.step !== step) throw new Error(`expected step ${step}, got ${JSON.stringify(l)}`);
      return l;
    });
  }

  send(value: unknown) {
    this.child.stdin!.write(`${JSON.stringify(value)}\n`);
  }

  kill() {
    if (this.exited === undefined) this.child.kill();
  }
}
