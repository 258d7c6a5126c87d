/** Typed reads from imported wire objects: each throws a message naming the property. */
import { InvalidInput } from '../http/errors.js';

export type Doc = Record<string, unknown>;

/** An imported object that does not hold; the import reports the message against its line. */
export class DocumentError extends InvalidInput {
  constructor(message: string) {
    super(message);
  }
}

export function obj(v: unknown): Doc | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : undefined;
}

export function reqString(d: Doc, key: string, re?: RegExp): string {
  const v = d[key];
  if (typeof v !== 'string' || v === '' || (re && !re.test(v)))
    throw new DocumentError(`'${key}' must be ${re ? `a string matching ${re.source}` : 'a non-empty string'}`);
  return v;
}

export function reqInt(d: Doc, key: string): number {
  const v = d[key];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new DocumentError(`'${key}' must be an integer`);
  return v;
}

export function optInt(d: Doc | undefined, key: string): number | null {
  const v = d?.[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  throw new DocumentError(`'${key}' must be an integer`);
}

export function optString(d: Doc | undefined, key: string): string | null {
  const v = d?.[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw new DocumentError(`'${key}' must be a string`);
}

export function optBool(d: Doc | undefined, key: string): boolean | null {
  const v = d?.[key];
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  throw new DocumentError(`'${key}' must be a boolean`);
}

export function stringList(v: unknown, key: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DocumentError(`'${key}' must be an array`);
  return v.map((x) => (typeof x === 'string' ? x : obj(x) && typeof obj(x)!.id === 'string' ? (obj(x)!.id as string) : String(x)));
}

/** ISO-8601 time string or epoch ms -> epoch ms. */
export function optTime(d: Doc | undefined, key: string): number | null {
  const v = d?.[key];
  if (v === undefined || v === null || v === 'null' || v === '') return null;
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'string' && Number.isFinite(Date.parse(v))) return Date.parse(v);
  throw new DocumentError(`'${key}' must be an ISO-8601 time or epoch milliseconds`);
}
