import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading'; data?: T; error?: undefined }
  | { status: 'ready'; data: T; error?: undefined }
  | { status: 'error'; data?: T; error: unknown };

/** Runs `load` when `deps` change; `reload` runs it again (after a change). Stale answers are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setState((s) => ({ status: 'loading', ...(s.data !== undefined ? { data: s.data } : {}) }));
    load().then(
      (data) => mine === run.current && setState({ status: 'ready', data }),
      (error: unknown) => mine === run.current && setState({ status: 'error', error }),
    );
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** Turns an SDK or fetch error into a sentence for a person. */
export function describeError(e: unknown): string {
  const status = (e as { status?: number } | undefined)?.status;
  const raw = e instanceof Error ? e.message : String(e);
  const message = raw.replace(/^[A-Z]+ \S+ → \d+: /, '');
  if (status === 403) return `You don't have permission to do this. ${message}`;
  if (status === 401) return `Your sign-in has expired or was rejected. Sign in again. (${message})`;
  if (status === 429) return `Too many requests: the API throttled this tenant. Try again in a minute.`;
  if (e instanceof TypeError && /fetch/i.test(raw)) return 'The server cannot be reached.';
  return message;
}
