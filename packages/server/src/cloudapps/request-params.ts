import type { FastifyRequest } from 'fastify';
import { parseForm } from '../http/body-parsers.js';
import { errors } from '../http/errors.js';
import { parseBoundedJson } from '../http/json-limits.js';
import { invalidParameter } from './errors.js';

/**
 * Fastify 5 does not parse bodies of GET requests, but the XSOAR integration sends its list
 * parameters as a JSON body on GET: read the untouched stream here, within the body limit.
 */
async function readBodylessPayload(req: FastifyRequest, limit: number): Promise<unknown> {
  const h = req.headers;
  if (h['transfer-encoding'] === undefined && (h['content-length'] === undefined || h['content-length'] === '0')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req.raw) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > limit) throw errors.payloadTooLarge();
    chunks.push(b);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (/x-www-form-urlencoded/i.test(String(h['content-type'] ?? ''))) return parseForm(text);
  return parseJsonish(text);
}

function parseJsonish(text: string): unknown {
  if (text.trim() === '' || text.trim() === 'null') return {};
  return parseBoundedJson(text);
}

/**
 * The request's parameters from wherever the client put them (reference §1): query string, then
 * a form or JSON body on top (JSON body > form > query). An empty or null body is `{}`.
 */
export async function readRequestParams(req: FastifyRequest, bodyLimit: number): Promise<Record<string, unknown>> {
  const query = (req.query ?? {}) as Record<string, unknown>;
  let body: unknown = req.body;
  if (req.method === 'GET' || req.method === 'HEAD') body = await readBodylessPayload(req, bodyLimit);
  else if (typeof body === 'string') body = parseJsonish(body);
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw errors.invalidInput('The request body must be a JSON object.');
  return { ...query, ...(body as Record<string, unknown>) };
}

/** An integer parameter that may arrive as a string ("100"); default when absent. */
export function intParam(params: Record<string, unknown>, name: string, fallback: number): number {
  const v = params[name];
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.length <= 32 ? Number(v.trim()) : NaN;
  // Beyond 2^53 a number is no longer exact (2^63 would reach the database as a float): a 400.
  if (!Number.isSafeInteger(n)) throw invalidParameter(name, `${name}: '${clipped(v)}' is not a valid integer`, v);
  return n;
}

/** `skip`: a non-negative safe integer (0 when absent). */
export function skipParam(params: Record<string, unknown>): number {
  const skip = intParam(params, 'skip', 0);
  if (skip < 0) throw invalidParameter('skip', 'skip must not be negative', skip);
  return skip;
}

/** A value quoted in an error message, cut to a readable length. */
export function clipped(v: unknown, max = 64): string {
  const s = String(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

export function boolParam(params: Record<string, unknown>, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (/^(true|1)$/i.test(String(v))) return true;
  if (/^(false|0)$/i.test(String(v))) return false;
  throw invalidParameter(name, `${name}: '${clipped(v)}' is not a valid boolean`, v);
}

export function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw invalidParameter(name, `${name} must be a string`, v);
}
