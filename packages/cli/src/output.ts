/** Output of every command: JSON when asked (`--json`, `--jsonl`), aligned tables otherwise, and display formats. */
export interface OutputOptions {
  json?: boolean;
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** A table of plain records, one column per named field. */
export function printTable(rows: Record<string, unknown>[], columns: string[]): void {
  process.stdout.write(
    renderTable(
      rows,
      columns.map((c) => ({ header: c, value: (r: Record<string, unknown>) => r[c] })),
    ),
  );
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

// ---------- display formats ----------

export function isoTime(ms: number | string | undefined): string {
  if (ms === undefined || ms === null) return '';
  const d = new Date(ms);
  return Number.isFinite(d.getTime()) ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : String(ms);
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024). */
export function formatBytes(n: number): string {
  let v = n;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${UNITS[i]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Lower-case labels of a protocol code table (`{FALSE_POSITIVE: 3}` → `false positive` for 3),
 * with the CLI's shorter words where it has them; undefined for a code the table lacks.
 */
export function codeLabels(
  table: Readonly<Record<string, number>>,
  shorter: Readonly<Record<string, string>> = {},
): (code: number | null | undefined) => string | undefined {
  const byCode = new Map(Object.entries(table).map(([name, code]) => [code, shorter[name] ?? name.toLowerCase().replace(/_/g, ' ')]));
  return (code) => (code === null || code === undefined ? undefined : byCode.get(code));
}
