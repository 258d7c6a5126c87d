// The naive peer of the Cloud Discovery benches: what one writes first with Node's standard
// library (readline + split(/\s+/) + new URL() + a Map), on a Squid native file.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Parse only: fields checked and the URL parsed, nothing kept. Returns the lines parsed. */
export async function naiveParseOnly(file) {
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  let parsed = 0;
  for await (const line of rl) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const ts = parseFloat(f[0]) * 1000;
    const bytes = Number(f[4]);
    if (!Number.isFinite(ts) || !Number.isFinite(bytes)) continue;
    try {
      if (f[5] !== 'CONNECT') new URL(f[6]);
    } catch {
      continue;
    }
    parsed++;
  }
  return parsed;
}

/** Parse and aggregate by day x host x user x source IP (no catalog, nothing stored). */
export async function naive(file) {
  const rl = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  const agg = new Map();
  let parsed = 0;
  for await (const line of rl) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const ts = parseFloat(f[0]) * 1000;
    const bytes = Number(f[4]);
    if (!Number.isFinite(ts) || !Number.isFinite(bytes)) continue;
    let host;
    try {
      host = f[5] === 'CONNECT' ? f[6].split(':')[0] : new URL(f[6]).hostname;
    } catch {
      continue;
    }
    const key = `${Math.floor(ts / 86400000)}|${host}|${f[7]}|${f[2]}`;
    const a = agg.get(key) ?? { n: 0, blocked: 0, bytes: 0 };
    a.n++;
    if (f[3].startsWith('TCP_DENIED')) a.blocked++;
    a.bytes += bytes;
    agg.set(key, a);
    parsed++;
  }
  return parsed;
}
