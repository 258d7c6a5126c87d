/**
 * The one OData `$filter` reader: a tokenizer and a recursive-descent parser to a small AST, used
 * by the Graph directory collections (graph-query.ts) and by GET /security/alerts_v2
 * (security-alert-query.ts). It knows the grammar only; what each area supports (properties,
 * operators, value forms) and how it words its errors is decided by the area mapping the AST.
 *
 *   filter     := or EOF
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | primary
 *   primary    := "(" or ")" | WORD "(" value ("," value)* ")"      -- a function call
 *               | WORD "in" "(" value ("," value)* ")" | WORD WORD value   -- property op value
 *   value      := 'string' ('' escapes a quote) | WORD (null, true, 42, a GUID, a date...)
 *
 * Bounded: the text's length, the number of clauses (comparisons, `in` lists and calls), the
 * nesting depth (parentheses and `not`) and the values of one `in` list are capped by the caller's
 * limits, and the work is linear in the length of the text (one left-to-right scan, no
 * backtracking). Every failure is an `ODataFilterError`; areas turn it into their own 400.
 */

import { AppError } from '../http/errors.js';

/** A value or a name as written: a quoted string (unescaped) or a bare word. */
export interface ODataValue {
  kind: 'string' | 'word';
  value: string;
  start: number;
  end: number;
}

interface Span {
  /** Offsets of the node's first and past its last character in the filter text. */
  start: number;
  end: number;
  /** The node was written inside its own parentheses (the span includes them). */
  grouped: boolean;
}

export type ODataFilterNode =
  | (Span & { kind: 'and' | 'or'; items: ODataFilterNode[] })
  | (Span & { kind: 'not'; item: ODataFilterNode })
  /** `property op value`: `op` (lower-cased) is one of ODATA_COMPARISONS, `opText` as written. */
  | (Span & { kind: 'compare'; property: ODataValue; op: string; opText: string; value: ODataValue })
  | (Span & { kind: 'in'; property: ODataValue; opText: string; values: ODataValue[] })
  /** `name(arg, …)`; `name` as written. */
  | (Span & { kind: 'call'; name: string; args: ODataValue[] });

export interface ODataFilterLimits {
  maxLength: number;
  /** Comparisons, `in` lists and calls. */
  maxClauses: number;
  /** Parentheses and `not` nested in one another. */
  maxDepth: number;
  /** Values of one `in` list, and arguments of one call. */
  maxInValues: number;
}

export type ODataFilterErrorKind = 'syntax' | 'operator' | 'length' | 'clauses' | 'depth' | 'in-values';

/** OData's comparison operators; another word after a property is an `operator` error. */
export const ODATA_COMPARISONS: ReadonlySet<string> = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/**
 * Why a filter could not be read. `message` is the reason in words (the alerts_v2 wording, which
 * that area shows as is); `kind` says which rule or bound was broken.
 */
export class ODataFilterError extends AppError {
  constructor(
    readonly kind: ODataFilterErrorKind,
    message: string,
    readonly limit?: number,
    /** For `operator`: the property and the operator as written. */
    readonly clause?: { property: string; operator: string },
  ) {
    // One error model: an area that does not translate it still answers a 400 invalid_input.
    super('invalid_input', 400, message);
  }
}

type TokenType = 'word' | 'string' | '(' | ')' | ',';
interface Token {
  t: TokenType;
  v: string;
  start: number;
  end: number;
}

/** Optional work meter: every character scanned and every token consumed adds one step. */
export interface ODataFilterMeter {
  steps: number;
}

const WORD = /[A-Za-z0-9_.:+\-/]+/y;
const SPACE = /\s/;

/** The tokens of a filter, in one pass. */
export function tokenizeODataFilter(text: string, meter?: ODataFilterMeter): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (meter) meter.steps++;
    if (SPACE.test(ch)) {
      i++;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: ch, v: ch, start: i, end: i + 1 });
      i++;
    } else if (ch === "'") {
      const start = i;
      const parts: string[] = [];
      let from = ++i;
      for (;;) {
        const q = text.indexOf("'", i);
        if (meter) meter.steps += (q < 0 ? n : q + 1) - i;
        if (q < 0) throw syntax('unterminated string literal');
        if (text[q + 1] === "'") {
          parts.push(text.slice(from, q + 1));
          i = from = q + 2;
          continue;
        }
        parts.push(text.slice(from, q));
        i = q + 1;
        break;
      }
      out.push({ t: 'string', v: parts.join(''), start, end: i });
    } else {
      WORD.lastIndex = i;
      const m = WORD.exec(text);
      if (!m) throw syntax(`unexpected character '${ch}' at position ${i}`);
      if (meter) meter.steps += m[0].length;
      out.push({ t: 'word', v: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    }
  }
  return out;
}

const syntax = (why: string) => new ODataFilterError('syntax', why);

/** Parses a `$filter` to its AST; throws `ODataFilterError` for anything it cannot read. */
export function parseODataFilter(text: string, limits: ODataFilterLimits, meter?: ODataFilterMeter): ODataFilterNode {
  if (text.length > limits.maxLength)
    throw new ODataFilterError('length', `$filter is longer than ${limits.maxLength} characters`, limits.maxLength);
  const tokens = tokenizeODataFilter(text, meter);
  let pos = 0;
  let clauses = 0;
  let depth = 0;
  const peek = (): Token | undefined => tokens[pos];
  const next = (): Token | undefined => {
    if (meter) meter.steps++;
    return tokens[pos++];
  };
  const word = (w: string) => {
    const tok = peek();
    return tok?.t === 'word' && tok.v.toLowerCase() === w;
  };
  const expect = (t: TokenType): Token => {
    const tok = next();
    if (!tok || tok.t !== t) throw syntax(`expected '${t}' ${tok ? `but found '${tok.v}'` : 'at the end'}`);
    return tok;
  };
  const value = (): ODataValue => {
    const tok = next();
    if (!tok) throw syntax('a value is missing at the end');
    if (tok.t === 'string' || tok.t === 'word') return { kind: tok.t, value: tok.v, start: tok.start, end: tok.end };
    throw syntax(`expected a value but found '${tok.v}'`);
  };
  /** `value ("," value)* ")"` after an opening parenthesis: an `in` list or a call's arguments. */
  const list = (what: string): { values: ODataValue[]; end: number } => {
    const max = limits.maxInValues;
    const values = [value()];
    while (peek()?.t === ',') {
      next();
      values.push(value());
      if (values.length > max) throw new ODataFilterError('in-values', `${what} has more than ${max} values`, max);
    }
    return { values, end: expect(')').end };
  };
  const enter = () => {
    if (++depth > limits.maxDepth)
      throw new ODataFilterError('depth', `$filter is nested more than ${limits.maxDepth} levels deep`, limits.maxDepth);
  };
  const clause = () => {
    if (++clauses > limits.maxClauses)
      throw new ODataFilterError('clauses', `$filter has more than ${limits.maxClauses} clauses`, limits.maxClauses);
  };

  const primary = (): ODataFilterNode => {
    if (peek()?.t === '(') {
      const open = next()!;
      enter();
      const inner = or();
      const close = expect(')');
      depth--;
      return { ...inner, start: open.start, end: close.end, grouped: true };
    }
    const nameTok = expect('word');
    const property: ODataValue = { kind: 'word', value: nameTok.v, start: nameTok.start, end: nameTok.end };
    if (peek()?.t === '(') {
      next();
      clause();
      const { values: args, end } = list('a function call');
      return { kind: 'call', name: nameTok.v, args, start: nameTok.start, end, grouped: false };
    }
    clause();
    const opTok = expect('word');
    const op = opTok.v.toLowerCase();
    if (op === 'in') {
      expect('(');
      const { values, end } = list("an 'in' list");
      return { kind: 'in', property, opText: opTok.v, values, start: nameTok.start, end, grouped: false };
    }
    if (!ODATA_COMPARISONS.has(op))
      throw new ODataFilterError('operator', `'${opTok.v}' is not an operator`, undefined, { property: nameTok.v, operator: opTok.v });
    const v = value();
    return { kind: 'compare', property, op, opText: opTok.v, value: v, start: nameTok.start, end: v.end, grouped: false };
  };
  const unary = (): ODataFilterNode => {
    if (word('not')) {
      const start = next()!.start;
      enter();
      const item = unary();
      depth--;
      return { kind: 'not', item, start, end: item.end, grouped: false };
    }
    return primary();
  };
  const chain = (kind: 'and' | 'or', operand: () => ODataFilterNode) => (): ODataFilterNode => {
    const items = [operand()];
    while (word(kind)) {
      next();
      items.push(operand());
    }
    return items.length === 1 ? items[0]! : { kind, items, start: items[0]!.start, end: items.at(-1)!.end, grouped: false };
  };
  const and = chain('and', unary);
  const or = chain('or', and);

  if (tokens.length === 0) throw syntax('the filter is empty');
  const out = or();
  if (pos < tokens.length) throw syntax(`unexpected '${tokens[pos]!.v}'`);
  return out;
}
