import { afterEach, describe, expect, it } from 'vitest';
import { serveInTurn, WorkerLoop, type WorkerLoopOptions } from '../../src/worker-loop.js';

// The loop shared by the detection engine and the SIEM delivery. Rounds are driven by the test
// (deferred promises); a pollMs of a minute stands for "not before the test times out".
const MINUTE = 60_000;

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const loops: WorkerLoop<unknown>[] = [];
function loop<R>(options: Partial<WorkerLoopOptions<R>> & Pick<WorkerLoopOptions<R>, 'round'>): WorkerLoop<R> {
  const l = new WorkerLoop<R>({ pollMs: MINUTE, busy: (r) => Boolean(r), onError: () => undefined, ...options });
  loops.push(l as WorkerLoop<unknown>);
  return l;
}
afterEach(async () => {
  await Promise.all(loops.splice(0).map((l) => l.stop()));
});

describe('WorkerLoop', () => {
  it('runs rounds back to back while they are busy, then is idle until the poll', async () => {
    const results = [3, 2, 1, 0];
    let rounds = 0;
    const l = loop({ round: () => Promise.resolve(results[rounds++] ?? 0) });
    l.start();
    await l.whenIdle();
    // Three busy rounds, then the idle one; no other round within the minute's poll.
    expect(rounds).toBe(4);
    await new Promise((r) => setTimeout(r, 30));
    expect(rounds).toBe(4);
  });

  it('is single-flight: a direct runOnce joins the round in flight', async () => {
    const gate = deferred<number>();
    let rounds = 0;
    const l = loop({
      round: () => {
        rounds += 1;
        return gate.promise;
      },
    });
    const a = l.runOnce();
    const b = l.runOnce();
    expect(l.roundInFlight).toBe(true);
    gate.resolve(7);
    expect(await a).toBe(7);
    expect(await b).toBe(7);
    expect(rounds).toBe(1);
    expect(l.roundInFlight).toBe(false);
  });

  it('a wake-up during a round runs another round right after it, not after the poll', async () => {
    const first = deferred<number>();
    const second = deferred();
    let rounds = 0;
    const l = loop({
      round: () => {
        rounds += 1;
        if (rounds === 1) return first.promise;
        second.resolve();
        return Promise.resolve(0);
      },
    });
    l.start();
    await new Promise((r) => setTimeout(r, 10));
    expect(rounds).toBe(1);
    l.wake();
    l.wake();
    first.resolve(0);
    await second.promise;
    await l.whenIdle();
    expect(rounds).toBeGreaterThanOrEqual(2);
  });

  it('reports a failed round and goes on polling', async () => {
    const errors: unknown[] = [];
    let rounds = 0;
    const l = loop({
      pollMs: 5,
      round: () => {
        rounds += 1;
        return rounds === 1 ? Promise.reject(new Error('db down')) : Promise.resolve(0);
      },
      onError: (e) => errors.push(e),
    });
    l.start();
    await l.whenIdle();
    await l.whenIdle();
    expect((errors[0] as Error).message).toBe('db down');
    expect(errors).toHaveLength(1);
    expect(rounds).toBeGreaterThanOrEqual(2);
  });

  it('stop waits for the round in flight, then runs none; whenIdle resolves at once when stopped', async () => {
    const gate = deferred<number>();
    let rounds = 0;
    let finished = false;
    const l = loop({
      pollMs: 1,
      round: async () => {
        rounds += 1;
        const n = await gate.promise;
        finished = true;
        return n;
      },
    });
    l.start();
    await new Promise((r) => setTimeout(r, 10));
    const idle = l.whenIdle();
    const stopping = l.stop();
    gate.resolve(5);
    await stopping;
    await idle;
    expect(finished).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(rounds).toBe(1);
    await l.whenIdle();
  });
});

describe('serveInTurn', () => {
  it('starts at the turn and wraps around', async () => {
    const order: string[] = [];
    const out = await serveInTurn(['a', 'b', 'c'], 4, 1, (x) => {
      order.push(x);
      return Promise.resolve(x.toUpperCase());
    });
    expect(order).toEqual(['b', 'c', 'a']);
    expect(out).toEqual(['B', 'C', 'A']);
    expect(await serveInTurn([], 3, 1, () => Promise.resolve(1))).toEqual([]);
  });

  it('serves at most `concurrency` at once, and stops between groups', async () => {
    let inFlight = 0;
    let most = 0;
    const served: number[] = [];
    const items = [0, 1, 2, 3, 4, 5, 6];
    await serveInTurn(items, 0, 3, async (x) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 2));
      served.push(x);
      inFlight -= 1;
    });
    expect(most).toBe(3);
    expect(served.sort()).toEqual(items);
    const stopped: number[] = [];
    await serveInTurn(
      items,
      0,
      2,
      (x) => {
        stopped.push(x);
        return Promise.resolve();
      },
      () => stopped.length >= 2,
    );
    expect(stopped).toEqual([0, 1]);
  });
});
