// The invariants every hostile input is checked against: no 5xx, an answer in bounded time, and an
// error body in the wire format of the area the path belongs to (reference: docs/errors.md).
import { expect } from 'vitest';
import { wireFormatFor, type WireFormat } from '../../packages/server/src/http/wire-format.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

function json(body: string, why: string): Record<string, unknown> {
  try {
    const v = JSON.parse(body) as unknown;
    expect(v !== null && typeof v === 'object' && !Array.isArray(v), `${why}: not a JSON object: ${body.slice(0, 300)}`).toBe(true);
    return v as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${why}: error body is not JSON (${String(err)}): ${body.slice(0, 300)}`);
  }
}

/** The upload URL speaks Azure Blob (chosen by its routes, not its prefix); the rest by prefix. */
function formatOf(url: string): WireFormat {
  return url.toLowerCase().startsWith('/blob/') ? 'blob' : wireFormatFor(url);
}

/** Asserts the invariants on one answer; `why` names the seed and the case (see replay()). */
export function expectWellFormed(url: string, res: Answer, why0: string, format: WireFormat | 'none' = formatOf(url)): void {
  const why = `${why0}\n  -> ${res.status} ${res.body.slice(0, 300)}`;
  expect(res.status, `${why}: ${res.status} ${res.body.slice(0, 400)}`).toBeLessThan(500);
  expect(res.status, why).toBeGreaterThanOrEqual(200);
  if (res.status < 400 || format === 'none') return;
  // The browser pages (sign-in, consent) answer people, in HTML, as Entra's do.
  if (
    /\/(oauth2\/(v2\.0\/)?(authorize|logout)|adminconsent|login|consent)/i.test(url.split('?')[0]!) &&
    String(res.headers['content-type']).startsWith('text/html')
  ) {
    expect(res.body, why).toMatch(/^<!doctype html>/i);
    return;
  }
  switch (format) {
    case 'entra': {
      const b = json(res.body, why);
      // Identity paths have no "no such route" in Entra's vocabulary: those answer in the operator shape.
      if (typeof b.error === 'object' && (res.status === 404 || res.status === 405)) break;
      expect(typeof b.error, `${why}: entra error`).toBe('string');
      expect(String(b.error_description), `${why}: entra description`).toMatch(/^AADSTS\d+: /);
      expect(Array.isArray(b.error_codes), why).toBe(true);
      break;
    }
    case 'graph': {
      const b = json(res.body, why);
      const e = b.error as Record<string, unknown> | undefined;
      expect(typeof e?.code, `${why}: graph error.code in ${res.body.slice(0, 300)}`).toBe('string');
      expect(typeof e?.message, `${why}: graph error.message`).toBe('string');
      break;
    }
    case 'cloudapps': {
      const b = json(res.body, why);
      expect(typeof b.detail, `${why}: cloud apps detail in ${res.body.slice(0, 300)}`).toBe('string');
      break;
    }
    case 'blob': {
      expect(String(res.headers['x-ms-error-code'] ?? ''), `${why}: x-ms-error-code`).not.toBe('');
      expect(res.body, `${why}: blob XML error`).toMatch(/^<\?xml[^>]*\?><Error><Code>[A-Za-z]+<\/Code><Message>/);
      break;
    }
    case 'operator': {
      const b = json(res.body, why);
      expect(
        b.error !== undefined || b.detail !== undefined || b.message !== undefined,
        `${why}: operator error ${res.body.slice(0, 300)}`,
      ).toBe(true);
      break;
    }
  }
}
