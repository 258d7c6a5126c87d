import { errors } from './errors.js';

/**
 * Deepest nesting of arrays and objects accepted in a JSON request body or a JSON-valued
 * parameter (Cloud Apps `filters`). Real requests nest a handful of levels; 10 000 levels made
 * every later recursive walk (validation, the error echo, the request log) overflow the stack.
 */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of JSON text, counted in one linear pass that skips string contents. */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * JSON.parse after the depth check: invalid or too deep JSON is a 400 in the caller's wire format.
 * `fail` builds the error (given a message) where the caller has a more precise one.
 */
export function parseBoundedJson(text: string, fail?: (message: string) => Error): unknown {
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    const why = `nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw fail ? fail(why) : errors.invalidInput(`The JSON is ${why}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw fail ? fail('not valid JSON') : errors.invalidJson();
  }
}
