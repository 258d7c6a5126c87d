/** Display formats shared by the Cloud Apps commands. */

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
