// Field splitters shared by the parsers. Each one is a single left-to-right scan with no regular
// expressions; they return undefined for input they cannot tokenize (unterminated quotes) instead
// of throwing, so the caller can turn that into a ParseFailure with a reason.

/** RFC 4180-style split: quoted fields may hold the delimiter and `""` escapes a quote. */
export function splitDelimited(line: string, delimiter = ','): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  const d = delimiter.charCodeAt(0);
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return undefined;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      out.push(value);
      if (j >= n) return out;
      if (line.charCodeAt(j) !== d) {
        // Text after a closing quote: keep it, as spreadsheet exports sometimes do.
        const next = line.indexOf(delimiter, j);
        out[out.length - 1] += next < 0 ? line.slice(j) : line.slice(j, next);
        if (next < 0) return out;
        i = next + 1;
      } else i = j + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, next));
      i = next + 1;
    }
    if (i === n) {
      out.push('');
      return out;
    }
  }
}

/**
 * Whitespace-separated tokens where a token may be double-quoted (W3C ELFF). Runs of blanks are
 * one separator. A quoted token keeps its inner text without the quotes.
 */
export function splitQuotedWords(line: string): string[] | undefined {
  const out: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (c === 34) {
      const q = line.indexOf('"', i + 1);
      if (q < 0) return undefined;
      out.push(line.slice(i + 1, q));
      i = q + 1;
      continue;
    }
    const start = i;
    while (i < n) {
      c = line.charCodeAt(i);
      if (c === 32 || c === 9) break;
      i++;
    }
    out.push(line.slice(start, i));
  }
  return out;
}

/**
 * `key=value key="quoted value" ...` (FortiGate, LEEF with blanks). Keys are kept as written.
 * Returns undefined when a quote is left open.
 */
export function parseKeyValuePairs(line: string, start = 0): Record<string, string> | undefined {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = line.length;
  let i = start;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    const eq = line.indexOf('=', i);
    if (eq < 0) break;
    const key = line.slice(i, eq);
    if (key.indexOf(' ') >= 0) {
      // Free text between pairs (some relays insert it); skip one word.
      const sp = line.indexOf(' ', i);
      i = sp < 0 ? n : sp + 1;
      continue;
    }
    i = eq + 1;
    c = line.charCodeAt(i);
    if (c === 34) {
      const q = line.indexOf('"', i + 1);
      if (q < 0) return undefined;
      out[key] = line.slice(i + 1, q);
      i = q + 1;
    } else {
      let j = i;
      while (j < n) {
        const cj = line.charCodeAt(j);
        if (cj === 32 || cj === 9) break;
        j++;
      }
      out[key] = line.slice(i, j);
      i = j;
    }
  }
  return out;
}

function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45;
}

/**
 * CEF / LEEF extension: `key=value` where a value runs until the next ` key=` and may contain
 * blanks; `\=`, `\\`, `\n`, `\r` are escapes. When `tabSeparated`, pairs are split at tabs
 * (LEEF 1.0) and values may contain `=`.
 */
export function parseExtension(text: string, tabSeparated = false): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (tabSeparated) {
    for (const part of text.split('\t')) {
      const eq = part.indexOf('=');
      if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    return out;
  }
  const n = text.length;
  let i = 0;
  while (i < n && text.charCodeAt(i) === 32) i++;
  while (i < n) {
    const eq = text.indexOf('=', i);
    if (eq < 0) break;
    const key = text.slice(i, eq).trim();
    // Find where the value ends: the next unescaped `=` preceded by ` key`.
    let j = eq + 1;
    let valueEnd = n;
    let nextKeyStart = n;
    for (;;) {
      const e = text.indexOf('=', j);
      if (e < 0) break;
      if (text.charCodeAt(e - 1) === 92) {
        j = e + 1;
        continue;
      }
      let k = e - 1;
      while (k > eq && isKeyChar(text.charCodeAt(k))) k--;
      if (k > eq && k < e - 1 && text.charCodeAt(k) === 32) {
        valueEnd = k;
        nextKeyStart = k + 1;
        break;
      }
      j = e + 1;
    }
    out[key] = unescapeCef(text.slice(eq + 1, valueEnd).trim());
    i = nextKeyStart;
  }
  return out;
}

function unescapeCef(v: string): string {
  if (v.indexOf('\\') < 0) return v;
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\' && i + 1 < v.length) {
      const nx = v[++i];
      out += nx === 'n' ? '\n' : nx === 'r' ? '\r' : nx;
    } else out += c;
  }
  return out;
}

const OPEN_QUOTES = new Set([34, 0x201c, 0x201d, 0x201e]);

/**
 * Syslog structured-data parameters: `key="value" key="value"` inside `[id ...]`, with `\"`,
 * `\\` and `\]` escapes. Typographic quotes are accepted as quote characters because some Junos
 * releases emit them. Reads from `start` to the closing `]` (or end of line).
 */
export function parseStructuredParams(line: string, start: number): Record<string, string> | undefined {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = line.length;
  let i = start;
  while (i < n) {
    let c = line.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    if (c === 93) break;
    const eq = line.indexOf('=', i);
    if (eq < 0) return undefined;
    const key = line.slice(i, eq);
    i = eq + 1;
    c = line.charCodeAt(i);
    if (!OPEN_QUOTES.has(c)) {
      // Unquoted value: up to the next blank or `]`.
      let j = i;
      while (j < n && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 93) j++;
      out[key] = line.slice(i, j);
      i = j;
      continue;
    }
    i++;
    let value = '';
    let closed = false;
    while (i < n) {
      const ch = line.charCodeAt(i);
      if (ch === 92 && i + 1 < n) {
        value += line[i + 1];
        i += 2;
        continue;
      }
      if (OPEN_QUOTES.has(ch)) {
        closed = true;
        i++;
        break;
      }
      value += line[i];
      i++;
    }
    if (!closed) return undefined;
    out[key] = value;
  }
  return out;
}

/**
 * Check Point Log Exporter body: `key:"value"; key:"value"` (optionally inside `[...]`), with
 * backslash escapes in values.
 */
export function parseColonQuotedPairs(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 59 || c === 91 || c === 93 || c === 9 || c === 124) {
      i++;
      continue;
    }
    const colon = text.indexOf(':', i);
    if (colon < 0) break;
    const key = text.slice(i, colon).trim();
    i = colon + 1;
    if (text.charCodeAt(i) !== 34) {
      const semi = text.indexOf(';', i);
      out[key] = (semi < 0 ? text.slice(i) : text.slice(i, semi)).trim();
      i = semi < 0 ? n : semi + 1;
      continue;
    }
    i++;
    let value = '';
    let closed = false;
    while (i < n) {
      const ch = text.charCodeAt(i);
      if (ch === 92 && i + 1 < n) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      if (ch === 34) {
        closed = true;
        i++;
        break;
      }
      value += text[i];
      i++;
    }
    if (!closed) return undefined;
    out[key] = value;
  }
  return out;
}

/** Non-negative decimal integer, or NaN. Empty and `-` are NaN too; callers decide the default. */
export function parseCount(s: string | undefined): number {
  if (s === undefined) return NaN;
  const n = s.length;
  if (n === 0 || n > 16) return NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Like parseCount but absent, empty or `-` count as 0 (sources that omit zero counters). */
export function parseOptionalCount(s: string | undefined): number {
  if (s === undefined || s === '' || s === '-') return 0;
  return parseCount(s);
}

/** `-`, empty, `N/A`, `None`, `unknown` mean "no value" in most of these formats. */
export function presentValue(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '' || t === '-' || t === 'N/A' || t === 'NA' || t === 'None' || t === 'none' || t === '(null)') {
    return undefined;
  }
  return t;
}
