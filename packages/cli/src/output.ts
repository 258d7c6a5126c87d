/** Output helpers: JSON when asked (`--json`), aligned tables otherwise. */
export interface OutputOptions {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  if (rows.length === 0) {
    process.stdout.write('(none)\n');
    return;
  }
  const cell = (v: unknown) => (v === null || v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(line(columns) + '\n');
  process.stdout.write(line(widths.map((w) => '-'.repeat(w))) + '\n');
  for (const r of rows) process.stdout.write(line(columns.map((c) => cell(r[c]))) + '\n');
}

export function printRecord(record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((k) => k.length));
  for (const [k, v] of Object.entries(record)) {
    process.stdout.write(`${k.padEnd(width)}  ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`);
  }
}

export function emit(opts: OutputOptions, value: unknown, human: () => void): void {
  if (opts.json) printJson(value);
  else human();
}

/** A terminal: the stream is a TTY, or FORCE_TTY=1 (tests, `script`-less CI). NO_TTY=1 forces the opposite. */
export function isTty(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_TTY === '1') return false;
  if (process.env.FORCE_TTY === '1') return true;
  return stream.isTTY === true;
}

export type OutputMode = 'table' | 'json' | 'jsonl';

/** --json / --jsonl when asked; a table on a terminal; JSON Lines (lists) or JSON (records) when piped. */
export function outputMode(opts: { json?: boolean; jsonl?: boolean }, list: boolean): OutputMode {
  if (opts.jsonl) return 'jsonl';
  if (opts.json) return 'json';
  if (isTty(process.stdout)) return 'table';
  return list ? 'jsonl' : 'json';
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Cut longer cells to this width on a terminal. */
  max?: number;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(cellText).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Renders rows as an aligned table with a header and a rule. */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) =>
    columns.map((c) => {
      const t = cellText(c.value(r)).replace(/\s+/g, ' ');
      return c.max !== undefined && t.length > c.max ? `${t.slice(0, c.max - 1)}…` : t;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

/**
 * Prints a list in the chosen mode. JSON Lines stream record by record (no buffering of large
 * exports); a table needs every row for the column widths.
 */
export async function printList<T>(items: AsyncIterable<T>, mode: OutputMode, columns: Column<T>[], limit?: number): Promise<number> {
  let n = 0;
  const rows: T[] = [];
  for await (const item of items) {
    if (limit !== undefined && n >= limit) break;
    n++;
    if (mode === 'jsonl') process.stdout.write(JSON.stringify(item) + '\n');
    else rows.push(item);
  }
  if (mode === 'json') printJson(rows);
  else if (mode === 'table') process.stdout.write(renderTable(rows, columns));
  return n;
}

/** Prints one object: JSON, or `key  value` lines on a terminal. */
export function printObject(value: unknown, mode: OutputMode): void {
  if (mode === 'table' && value && typeof value === 'object' && !Array.isArray(value)) printRecord(value as Record<string, unknown>);
  else if (mode === 'jsonl') process.stdout.write(JSON.stringify(value) + '\n');
  else printJson(value);
}
