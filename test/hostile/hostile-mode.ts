// Short and long modes of the hostile suites, and the seed every random choice derives from.
//
//   default (npm test)        short mode: a fixed seed, a few hundred inputs per surface, a few kills
//   HOSTILE_MODE=long         long mode (npm run test:hostile): >= 100 000 inputs per surface,
//                             >= 50 kills, the exhaustion floods at full size
//   HOSTILE_SEED=<n>          replays a run: every failure message prints the seed it ran with
//   HOSTILE_RUNS=<n>          overrides the number of inputs per surface (either mode)
//
// Suites read these here and nowhere else.
import type fc from 'fast-check';

export const LONG = process.env.HOSTILE_MODE === 'long';

/** Fixed in short mode so that a red run is reproducible; random in long mode unless given. */
export const SEED: number = process.env.HOSTILE_SEED
  ? Number(process.env.HOSTILE_SEED)
  : LONG
    ? (Date.now() ^ (process.pid << 8)) >>> 0
    : 20261205;

/** Inputs per surface: `short` by default, 100 000 in long mode, HOSTILE_RUNS when set. */
export function runs(short: number, long = 100_000): number {
  if (process.env.HOSTILE_RUNS) return Number(process.env.HOSTILE_RUNS);
  return LONG ? long : short;
}

/** A per-test timeout that grows with the number of runs (long mode runs for minutes). */
export function budgetMs(shortMs: number, longMs = 3_600_000): number {
  return LONG ? longMs : shortMs;
}

/** fast-check parameters: the run's seed (printed by fast-check with the counterexample on failure). */
export function fcParams<T>(numRuns: number): fc.Parameters<T> {
  return { seed: SEED, numRuns, endOnFailure: true, interruptAfterTimeLimit: undefined };
}

/** A small deterministic generator (splitmix-like) for the mutation fuzzer and the random schedules. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

/** Prefixes an assertion message with the seed and the case, so that any red case can be replayed. */
export function replay(surface: string, index: number, input: unknown): string {
  const shown = JSON.stringify(input);
  return `[hostile seed=${SEED} surface=${surface} case=${index}] ${shown.length > 600 ? `${shown.slice(0, 600)}…` : shown}`;
}

/** Rejects after ms: the no-hang invariant of one request. */
export async function withinMs<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`hang: ${what} took more than ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
