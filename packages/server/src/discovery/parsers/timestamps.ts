// Timestamp readers for the layouts found in firewall and proxy logs. They work on character
// codes instead of Date.parse or regular expressions: Date.parse is locale- and engine-lenient
// (it accepts things we must reject) and is the slowest step of a naive parser.
// Every reader returns NaN when the text is not a valid timestamp; none of them throws.

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** UTC epoch ms from calendar fields, or NaN when a field is out of range. */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number {
  if (!(y >= 1970 && y <= 9999) || !(mo >= 1 && mo <= 12) || !(d >= 1)) return NaN;
  if (d > DAYS_IN_MONTH[mo - 1]! || (mo === 2 && d === 29 && !isLeap(y))) return NaN;
  // Second 60 is a leap second; fold it into the next second rather than rejecting the line.
  if (!(h >= 0 && h <= 23) || !(mi >= 0 && mi <= 59) || !(s >= 0 && s <= 60)) return NaN;
  return daysFromCivil(y, mo, d) * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

/** Reads `n` decimal digits at `i`; -1 if any is not a digit or the string is too short. */
export function digits(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1;
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

/** Month number for a three-letter English abbreviation at `i` (any case), or -1. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return -1;
  return MONTHS[s.slice(i, i + 3).toLowerCase()] ?? -1;
}

/** Reads `hh:mm:ss` at `i` and returns the ms of day, or -1. */
function clockAt(s: string, i: number): number {
  const h = digits(s, i, 2);
  const m = digits(s, i + 3, 2);
  const sec = digits(s, i + 6, 2);
  if (h < 0 || m < 0 || sec < 0 || s.charCodeAt(i + 2) !== 58 || s.charCodeAt(i + 5) !== 58) return -1;
  if (h > 23 || m > 59 || sec > 60) return -1;
  return h * 3_600_000 + m * 60_000 + sec * 1000;
}

/** Reads an optional `.fff...` fraction at `i`; returns [ms, next index]. */
function fractionAt(s: string, i: number): [number, number] {
  if (s.charCodeAt(i) !== 46 && s.charCodeAt(i) !== 44) return [0, i];
  let j = i + 1;
  let ms = 0;
  let scale = 100;
  while (j < s.length) {
    const c = s.charCodeAt(j) - 48;
    if (c < 0 || c > 9) break;
    ms += c * scale;
    scale /= 10;
    j++;
  }
  return [Math.floor(ms), j];
}

/**
 * Reads a zone designator at `i`: `Z`, `+hh:mm`, `+hhmm`, `+hh`, ` UTC`, ` GMT`.
 * Returns the offset in minutes, or undefined when there is none (or it is unreadable).
 */
function zoneAt(s: string, i: number): number | undefined {
  let c = s.charCodeAt(i);
  if (c === 32 && (s.startsWith('UTC', i + 1) || s.startsWith('GMT', i + 1))) {
    i += 4;
    c = s.charCodeAt(i);
    if (c !== 43 && c !== 45) return 0;
  }
  if (c === 90 || c === 122) return 0;
  if (c !== 43 && c !== 45) return undefined;
  const sign = c === 45 ? -1 : 1;
  const hh = digits(s, i + 1, 2);
  if (hh < 0) return undefined;
  let mm = 0;
  if (s.charCodeAt(i + 3) === 58) mm = digits(s, i + 4, 2);
  else if (i + 5 <= s.length && digits(s, i + 3, 2) >= 0) mm = digits(s, i + 3, 2);
  if (mm < 0 || hh > 14 || mm > 59) return undefined;
  return sign * (hh * 60 + mm);
}

/**
 * `YYYY-MM-DD[T| ]hh:mm:ss[.fff][zone]` and the same with `/` as date separator (PAN-OS).
 * A missing zone means local time at `utcOffsetMinutes`.
 */
export function parseDateTime(s: string, utcOffsetMinutes = 0): number {
  const t = s.trim();
  const y = digits(t, 0, 4);
  const sep = t.charCodeAt(4);
  if (y < 0 || (sep !== 45 && sep !== 47) || t.charCodeAt(7) !== sep) return NaN;
  const mo = digits(t, 5, 2);
  const d = digits(t, 8, 2);
  const tc = t.charCodeAt(10);
  if (mo < 0 || d < 0 || (tc !== 84 && tc !== 32 && tc !== 116)) return NaN;
  const clock = clockAt(t, 11);
  if (clock < 0) return NaN;
  const [ms, next] = fractionAt(t, 19);
  const base = utcMs(y, mo, d, 0, 0, 0);
  if (Number.isNaN(base)) return NaN;
  let zone: number | undefined;
  if (next < t.length) {
    zone = zoneAt(t, next);
    if (zone === undefined) return NaN;
  }
  return base + clock + ms - (zone ?? utcOffsetMinutes) * 60_000;
}

/** W3C `date` + `time` fields (`YYYY-MM-DD`, `hh:mm:ss[.fff]`), always UTC per the W3C draft. */
export function parseW3cDateTime(date: string, time: string): number {
  const y = digits(date, 0, 4);
  const mo = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  if (y < 0 || mo < 0 || d < 0 || date.length !== 10) return NaN;
  const clock = clockAt(time, 0);
  if (clock < 0) return NaN;
  const [ms] = fractionAt(time, 8);
  const base = utcMs(y, mo, d, 0, 0, 0);
  return base + clock + ms;
}

/** Common Log Format `dd/Mon/yyyy:hh:mm:ss +zzzz` (the brackets already stripped). */
export function parseClfTimestamp(s: string, utcOffsetMinutes = 0): number {
  const d = digits(s, 0, 2);
  const mo = monthAt(s, 3);
  const y = digits(s, 7, 4);
  if (d < 0 || mo < 0 || y < 0 || s.charCodeAt(2) !== 47 || s.charCodeAt(6) !== 47 || s.charCodeAt(11) !== 58) {
    return NaN;
  }
  const clock = clockAt(s, 12);
  if (clock < 0) return NaN;
  const [ms, next] = fractionAt(s, 20);
  let zone: number | undefined = utcOffsetMinutes;
  if (next < s.length) {
    zone = zoneAt(s, s.charCodeAt(next) === 32 ? next + 1 : next);
    if (zone === undefined) return NaN;
  }
  return utcMs(y, mo, d, 0, 0, 0) + clock + ms - zone * 60_000;
}

/** Picks the year for a year-less date: the latest year not more than a day ahead of `now`. */
export function inferYear(mo: number, d: number, dayMs: number, now: number, utcOffsetMinutes: number): number {
  const nowYear = new Date(now).getUTCFullYear();
  for (let y = nowYear + 1; y >= nowYear - 1; y--) {
    const t = utcMs(y, mo, d, 0, 0, 0) + dayMs - utcOffsetMinutes * 60_000;
    if (!Number.isNaN(t) && t <= now + MS_PER_DAY) return y;
  }
  return nowYear - 1;
}

export interface ScannedTimestamp {
  ms: number;
  /** Index just after the timestamp. */
  end: number;
}

/**
 * BSD syslog style at `i`: `Mmm dd hh:mm:ss`, `Mmm  d hh:mm:ss` or `Mmm dd yyyy hh:mm:ss`
 * (Cisco ASA with `logging timestamp`), optionally followed by `.fff`.
 */
export function scanBsdTimestamp(s: string, i: number, utcOffsetMinutes: number, now: number): ScannedTimestamp | undefined {
  const mo = monthAt(s, i);
  if (mo < 0 || s.charCodeAt(i + 3) !== 32) return undefined;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let d = digits(s, j, 2);
  if (d < 0) {
    d = digits(s, j, 1);
    j += 1;
  } else j += 2;
  if (d < 1 || s.charCodeAt(j) !== 32) return undefined;
  j++;
  let year = -1;
  if (s.charCodeAt(j + 4) === 32) {
    year = digits(s, j, 4);
    if (year < 0) return undefined;
    j += 5;
  }
  const clock = clockAt(s, j);
  if (clock < 0) return undefined;
  const [ms, next] = fractionAt(s, j + 8);
  let zone = utcOffsetMinutes;
  let end = next;
  // Some relays add the zone name after the clock (`12:00:00 UTC`).
  if (s.startsWith(' UTC', end) || s.startsWith(' GMT', end)) {
    zone = 0;
    end += 4;
  }
  if (year < 0) year = inferYear(mo, d, clock, now, zone);
  const base = utcMs(year, mo, d, 0, 0, 0);
  if (Number.isNaN(base)) return undefined;
  return { ms: base + clock + ms - zone * 60_000, end };
}

/**
 * ctime style: `Www Mmm dd hh:mm:ss [UTC|GMT ]yyyy` (Zscaler `%s{time}`, LEEF devTime).
 */
export function parseCtime(s: string, utcOffsetMinutes = 0): number {
  const t = s.trim();
  if (t.charCodeAt(3) !== 32) return NaN;
  const mo = monthAt(t, 4);
  if (mo < 0) return NaN;
  let j = 8;
  if (t.charCodeAt(j) === 32) j++;
  let d = digits(t, j, 2);
  if (d < 0) {
    d = digits(t, j, 1);
    j += 1;
  } else j += 2;
  if (t.charCodeAt(j) !== 32) return NaN;
  const clock = clockAt(t, j + 1);
  if (clock < 0) return NaN;
  j += 9;
  let zone = utcOffsetMinutes;
  if (t.charCodeAt(j) !== 32) return NaN;
  j++;
  if (t.startsWith('UTC ', j) || t.startsWith('GMT ', j)) {
    zone = 0;
    j += 4;
  }
  const y = digits(t, j, 4);
  if (y < 0 || j + 4 !== t.length) return NaN;
  const base = utcMs(y, mo, d, 0, 0, 0);
  return base + clock - zone * 60_000;
}

/**
 * Unix epoch with optional fraction. The unit follows the digit count of the integer part:
 * up to 11 digits seconds, 12-14 milliseconds, 15-17 microseconds, 18+ nanoseconds
 * (FortiGate `eventtime` varies between them).
 */
export function parseEpoch(s: string): number {
  const t = s.trim();
  const dot = t.indexOf('.');
  const intPart = dot < 0 ? t : t.slice(0, dot);
  const n = intPart.length;
  if (n === 0 || n > 19) return NaN;
  for (let k = 0; k < n; k++) {
    const c = intPart.charCodeAt(k);
    if (c < 48 || c > 57) return NaN;
  }
  if (n <= 11) {
    const v = Number(t);
    return Number.isFinite(v) ? Math.floor(v * 1000) : NaN;
  }
  if (dot >= 0) return NaN;
  if (n <= 14) return Number(intPart);
  if (n <= 17) return Math.floor(Number(intPart.slice(0, n - 3)));
  return Number(intPart.slice(0, n - 6));
}

/** Tries every layout above; for sources whose time format is configurable (CEF `rt`, custom). */
export function parseAnyTimestamp(s: string, utcOffsetMinutes: number, now: number): number {
  const t = s.trim();
  if (t.length === 0) return NaN;
  const c0 = t.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57) {
    if (t.charCodeAt(4) === 45 || t.charCodeAt(4) === 47) return parseDateTime(t, utcOffsetMinutes);
    if (t.charCodeAt(2) === 47) return parseClfTimestamp(t, utcOffsetMinutes);
    return parseEpoch(t);
  }
  if (t.charCodeAt(3) === 32 && monthAt(t, 0) > 0) {
    // `Mmm dd yyyy hh:mm:ss` (CEF rt) or `Mmm dd hh:mm:ss`.
    const r = scanBsdTimestamp(t, 0, utcOffsetMinutes, now);
    if (!r) return NaN;
    const rest = t.slice(r.end).trim();
    if (rest.length === 0) return r.ms;
    const zone = zoneAt(' ' + rest, 0) ?? zoneAt(rest, 0);
    return zone === undefined ? NaN : r.ms + (utcOffsetMinutes - zone) * 60_000;
  }
  return parseCtime(t, utcOffsetMinutes);
}
