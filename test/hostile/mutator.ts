// The mutation fuzzer: takes real request shapes (forms, JSON bodies, query strings, log lines,
// syslog frames) and breaks them the ways attackers and broken clients do: truncation, duplicated
// and dropped fields, type swaps, huge numbers, deep nesting, long runs, control characters,
// percent-encoding mistakes. Deterministic from the rng it is given.

export type Rng = () => number;

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Characters that break tokenizers, quoting, encodings and parsers. */
const NASTY_CHARS = [
  ' ',
  '\t',
  '\r',
  '\n',
  '\0',
  '"',
  "'",
  '\\',
  '/',
  '%',
  '&',
  '=',
  '+',
  ';',
  ',',
  '|',
  '<',
  '>',
  '{',
  '}',
  '[',
  ']',
  '(',
  ')',
  '$',
  '#',
  '?',
  '*',
  '\u00e9',
  '\u2028',
  '\ud800',
  '\uffff',
  '\u{1f600}',
];

/** Whole values that have broken real servers: limits, encodings, injections, special names. */
export const NASTY_VALUES: readonly string[] = [
  '',
  ' ',
  '0',
  '-1',
  '9223372036854775808',
  '18446744073709551616',
  '1e309',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  'null',
  'true',
  'undefined',
  '__proto__',
  'constructor',
  "' or 1=1 --",
  '"); drop table tenants; --',
  '%',
  '%zz',
  '%00',
  '%2e%2e%2f',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  'a'.repeat(10_000),
  '('.repeat(2_000),
  '['.repeat(2_000),
  '{"a":'.repeat(500),
  "eq 'x' or ".repeat(300),
  'https://evil.example/',
  'javascript:alert(1)',
  '00000000-0000-0000-0000-000000000000',
  '2025-13-45T99:99:99Z',
];

export function mutateString(input: string, r: Rng, maxOps = 4): string {
  let s = input;
  const ops = 1 + Math.floor(r() * maxOps);
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 9)) {
      case 0:
        s = s.slice(0, i);
        break;
      case 1:
        s = s.slice(0, i) + pick(r, NASTY_CHARS) + s.slice(i);
        break;
      case 2:
        s = s.slice(0, i) + s.slice(i + 1 + Math.floor(r() * 8));
        break;
      case 3:
        s = s.slice(0, i) + s.slice(Math.floor(r() * s.length));
        break;
      case 4:
        s = s + s.slice(0, i);
        break;
      case 5:
        s = s.slice(0, i) + pick(r, NASTY_VALUES) + s.slice(i);
        break;
      case 6: {
        // flip one character's code point
        if (s.length)
          s = s.slice(0, Math.min(i, s.length - 1)) + String.fromCharCode(Math.floor(r() * 0x300)) + s.slice(Math.min(i, s.length - 1) + 1);
        break;
      }
      case 7:
        s = s.slice(0, i) + s.slice(i, i + 1).repeat(2 + Math.floor(r() * 300)) + s.slice(i + 1);
        break;
      default:
        s = s.toUpperCase();
    }
  }
  return s;
}

/** A nasty JSON value of any type. */
export function nastyJson(r: Rng, depth = 0): unknown {
  switch (Math.floor(r() * 14)) {
    case 0:
      return null;
    case 1:
      return pick(r, [0, -1, 1.5, 2 ** 53, 2 ** 63, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER + 2]);
    case 2:
      return pick(r, [true, false]);
    case 3:
      return pick(r, NASTY_VALUES);
    case 4:
      return [];
    case 5:
      return {};
    case 6: {
      let v: unknown = 1;
      for (let i = 0; i < 1 + Math.floor(r() * 3000); i++) v = [v];
      return v;
    }
    case 7:
      return Array.from({ length: 1 + Math.floor(r() * 2000) }, (_, i) => `v${i}`);
    case 8:
      return depth < 3 ? { eq: nastyJson(r, depth + 1) } : 'x';
    case 9:
      return depth < 3 ? [nastyJson(r, depth + 1), nastyJson(r, depth + 1)] : 0;
    case 10: {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 1200); i++) o[`k${i}`] = i;
      return o;
    }
    case 11:
      return { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } } };
    case 12:
      return mutateString('value', r);
    default:
      return depth < 3 ? { gte: nastyJson(r, depth + 1), lte: nastyJson(r, depth + 1) } : -1;
  }
}

/** Mutates a JSON document structurally (values, keys, nesting) or as text. */
export function mutateJson(doc: unknown, r: Rng): string {
  if (r() < 0.2) return mutateString(JSON.stringify(doc), r);
  const clone = JSON.parse(JSON.stringify(doc)) as unknown;
  const ops = 1 + Math.floor(r() * 3);
  let root: unknown = clone;
  for (let k = 0; k < ops; k++) root = mutateNode(root, r, 0);
  return JSON.stringify(root);
}

function mutateNode(node: unknown, r: Rng, depth: number): unknown {
  if (node === null || typeof node !== 'object' || depth > 6 || r() < 0.25) return nastyJson(r);
  if (Array.isArray(node)) {
    if (node.length === 0 || r() < 0.2) return [...node, nastyJson(r)];
    const i = Math.floor(r() * node.length);
    const copy = [...node];
    if (r() < 0.2) copy.splice(i, 1);
    else copy[i] = mutateNode(copy[i], r, depth + 1);
    return copy;
  }
  const o = { ...(node as Record<string, unknown>) };
  const keys = Object.keys(o);
  const roll = r();
  if (keys.length === 0 || roll < 0.15)
    o[pick(r, ['extra', '', '$filter', 'filters', 'skip', 'limit', '__proto__', 'a'.repeat(300)])] = nastyJson(r);
  else if (roll < 0.3) delete o[pick(r, keys)];
  else {
    const key = pick(r, keys);
    o[key] = mutateNode(o[key], r, depth + 1);
  }
  return o;
}

/** Mutates an x-www-form-urlencoded body: fields dropped, duplicated, emptied, swapped, or the text. */
export function mutateForm(form: Record<string, string>, r: Rng): string {
  if (r() < 0.15) return mutateString(new URLSearchParams(form).toString(), r);
  const entries = Object.entries(form);
  const ops = 1 + Math.floor(r() * 3);
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(r() * entries.length);
    const roll = r();
    if (roll < 0.15) entries.splice(i, 1);
    else if (roll < 0.3 && entries[i]) entries.push([entries[i]![0], pick(r, NASTY_VALUES)]);
    else if (roll < 0.4)
      entries.push([pick(r, ['resource', 'scope', 'client_assertion_type', 'code_verifier', 'redirect_uri', 'x']), pick(r, NASTY_VALUES)]);
    else if (entries[i]) entries[i] = [entries[i]![0], r() < 0.5 ? mutateString(entries[i]![1], r) : pick(r, NASTY_VALUES)];
  }
  return new URLSearchParams(entries).toString();
}

/** Mutates a query string given as parameters. */
export function mutateQuery(params: Record<string, string>, r: Rng): string {
  const body = mutateForm(params, r);
  // Sometimes undo the encoding, as a hand-written URL would be.
  return r() < 0.2 ? body.replace(/%20/g, ' ').replace(/%27/g, "'") : body;
}
