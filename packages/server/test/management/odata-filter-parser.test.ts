import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SemanticError } from '../../src/http/errors.js';
import { GRAPH_FILTER_LIMITS, readGraphQuery, type CollectionQuery } from '../../src/management/graph-query.js';
import {
  ODataFilterError,
  parseODataFilter,
  type ODataFilterLimits,
  type ODataFilterMeter,
  type ODataFilterNode,
} from '../../src/management/odata-filter-parser.js';
import { ALERTS_V2_MAX_FILTER_LENGTH, parseAlertsV2Filter } from '../../src/management/security-alert-query.js';

const LIMITS: ODataFilterLimits = { maxLength: 4096, maxClauses: 100, maxDepth: 32, maxInValues: 100 };
const parse = (text: string, limits: ODataFilterLimits = LIMITS) => parseODataFilter(text, limits);

/** The AST without offsets, for readable expectations. */
function shape(node: ODataFilterNode): unknown {
  const g = node.grouped ? { grouped: true } : {};
  switch (node.kind) {
    case 'and':
    case 'or':
      return { [node.kind]: node.items.map(shape), ...g };
    case 'not':
      return { not: shape(node.item), ...g };
    case 'compare':
      return { [node.op]: [node.property.value, `${node.value.kind}:${node.value.value}`], ...g };
    case 'in':
      return { in: [node.property.value, ...node.values.map((v) => `${v.kind}:${v.value}`)], ...g };
    case 'call':
      return { call: [node.name, ...node.args.map((v) => `${v.kind}:${v.value}`)], ...g };
  }
}

const failure = (text: string, limits: ODataFilterLimits = LIMITS): ODataFilterError => {
  try {
    parse(text, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(ODataFilterError);
    return err as ODataFilterError;
  }
  throw new Error(`parsed: ${text}`);
};

describe('OData $filter parser', () => {
  it('reads comparisons, in lists, calls, and/or/not with OData precedence and parentheses', () => {
    expect(shape(parse("status eq 'new'"))).toEqual({ eq: ['status', 'string:new'] });
    expect(shape(parse("a eq 'x' or b NE 2 and not (c in ('p', 'q''r'))"))).toEqual({
      or: [{ eq: ['a', 'string:x'] }, { and: [{ ne: ['b', 'word:2'] }, { not: { in: ['c', 'string:p', "string:q'r"], grouped: true } }] }],
    });
    expect(shape(parse("(a eq 1 or b eq 2) and startswith(displayName, 'Con')"))).toEqual({
      and: [
        { or: [{ eq: ['a', 'word:1'] }, { eq: ['b', 'word:2'] }], grouped: true },
        { call: ['startswith', 'word:displayName', 'string:Con'] },
      ],
    });
    expect(shape(parse('createdDateTime ge 2026-01-01T00:00:00.5+01:00'))).toEqual({
      ge: ['createdDateTime', 'word:2026-01-01T00:00:00.5+01:00'],
    });
  });

  it('keeps source offsets: a node spans its text, parentheses included', () => {
    const text = "  x eq 'a''b'  and (y in (1,2)) ";
    const ast = parse(text);
    if (ast.kind !== 'and') throw new Error(`read as ${ast.kind}`);
    const items = ast.items;
    expect(items.map((n) => text.slice(n.start, n.end))).toEqual(["x eq 'a''b'", '(y in (1,2))']);
    expect(text.slice(ast.start, ast.end)).toBe("x eq 'a''b'  and (y in (1,2))");
  });

  it('names what it cannot read, with the alerts_v2 wording', () => {
    expect(failure('').message).toBe('the filter is empty');
    expect(failure("x eq 'open").message).toBe('unterminated string literal');
    expect(failure('x eq #').message).toBe("unexpected character '#' at position 5");
    expect(failure('x eq').message).toBe('a value is missing at the end');
    expect(failure('x in (1,)').message).toBe("expected a value but found ')'");
    expect(failure("x eq 'a' and").message).toBe("expected 'word' at the end");
    expect(failure('(x eq 1').message).toBe("expected ')' at the end");
    expect(failure('x eq 1 y').message).toBe("unexpected 'y'");
    const op = failure("x has 'a'");
    expect(op.kind).toBe('operator');
    expect(op.clause).toEqual({ property: 'x', operator: 'has' });
  });

  it('is bounded: length, clauses, depth and in values', () => {
    expect(failure('x eq 1 '.repeat(600), LIMITS).kind).toBe('length');
    expect(failure(Array(101).fill('x eq 1').join(' and ')).kind).toBe('clauses');
    expect(parse(Array(100).fill('x eq 1').join(' and ')).kind).toBe('and');
    expect(failure(`${'('.repeat(33)}x eq 1${')'.repeat(33)}`).kind).toBe('depth');
    expect(parse(`${'('.repeat(32)}x eq 1${')'.repeat(32)}`).kind).toBe('compare');
    expect(failure(`${'not '.repeat(33)}x eq 1`).kind).toBe('depth');
    const values = (n: number) => `x in (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    expect(failure(values(101)).kind).toBe('in-values');
    expect(parse(values(100)).kind).toBe('in');
    expect(failure(`f(${Array(101).fill('1').join(',')})`).kind).toBe('in-values');
  });

  // Anything an attacker can type: OData words and punctuation, quotes and junk.
  const piece = fc.constantFrom(
    'x',
    'status',
    'eq',
    'ne',
    'gt',
    'in',
    'has',
    'and',
    'or',
    'not',
    'AND',
    'startswith',
    'endswith',
    'null',
    'true',
    '1',
    '2026-01-01T00:00:00Z',
    "'a'",
    "'",
    "''",
    '(',
    ')',
    ',',
    ' ',
    '#',
    '"',
    '\u00e9',
    '\t',
  );
  const filters = fc.oneof(
    fc.array(piece, { maxLength: 40 }).map((p) => p.join(' ')),
    fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

  it('throws nothing but ODataFilterError (property)', () => {
    fc.assert(
      fc.property(filters, (text) => {
        try {
          parse(text);
        } catch (err) {
          if (!(err instanceof ODataFilterError)) throw err;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("the areas answer only their 400: Graph's Request_UnsupportedQuery and alerts_v2's (property)", () => {
    const spec: CollectionQuery = { resource: 'Application', filter: { displayName: ['eq', 'startswith'], appId: ['eq'] }, orderby: {} };
    const only400 = (run: () => unknown, codes: readonly string[]) => {
      try {
        run();
      } catch (err) {
        if (!(err instanceof SemanticError) || err.status !== 400 || !codes.includes(err.code)) throw err;
      }
    };
    fc.assert(
      fc.property(filters, fc.boolean(), (text, eventual) => {
        const headers = eventual ? { consistencylevel: 'eventual' } : {};
        only400(() => readGraphQuery({ $filter: text, $count: 'true' }, headers, spec), ['unsupported_query']);
        only400(() => parseAlertsV2Filter(text), ['invalid_input', 'unsupported_query']);
      }),
      { numRuns: 3000 },
    );
  });

  // Work is counted, not timed: every character scanned and every token consumed is one step.
  const steps = (text: string, limits: ODataFilterLimits) => {
    const meter: ODataFilterMeter = { steps: 0 };
    try {
      parseODataFilter(text, limits, meter);
    } catch (err) {
      if (!(err instanceof ODataFilterError)) throw err;
    }
    return meter.steps;
  };
  // Every bound but the depth (which keeps the recursion short) lifted.
  const wide: ODataFilterLimits = { maxLength: 1 << 20, maxClauses: 1 << 20, maxDepth: 32, maxInValues: 1 << 20 };

  it('does work linear in the length of the text, on adversarial shapes (property)', () => {
    const shapes = [
      (n: number) => `appId in (${Array(n).fill('1'.repeat(36)).join(',')}, x`,
      (n: number) => `x eq '${"''".repeat(n)}`,
      (n: number) => `${'('.repeat(n)}x eq 1`,
      (n: number) => `${'not '.repeat(n)}x`,
      (n: number) => Array(n).fill("a eq 'x'").join(' and ') + ' and',
      (n: number) => `${'a'.repeat(n)} eq ${'b'.repeat(n)}`,
    ];
    for (const make of shapes) {
      const small = make(200);
      const large = make(3200);
      // 16 times the text is at most ~16 times the work (a constant per character).
      expect(steps(small, wide)).toBeLessThanOrEqual(4 * small.length);
      expect(steps(large, wide)).toBeLessThanOrEqual(4 * large.length);
    }
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 200 }), (parts, times) => {
        const text = Array(times).fill(parts.join(' ')).join(' ');
        expect(steps(text, wide)).toBeLessThanOrEqual(4 * text.length + 4);
      }),
      { numRuns: 300 },
    );
  });
});

describe('areas over the shared parser', () => {
  const spec: CollectionQuery = { resource: 'Application', filter: { displayName: ['eq', 'startswith'], appId: ['eq'] }, orderby: {} };
  const graphError = (filter: string, eventual = false) => {
    try {
      readGraphQuery({ $filter: filter, $count: 'true' }, eventual ? { consistencylevel: 'eventual' } : {}, spec);
    } catch (err) {
      return (err as SemanticError).publicMessage;
    }
    return undefined;
  };

  it("Graph: Graph's messages for advanced operators, unknown properties, malformed clauses and long lists", () => {
    const hint = 'is not supported because the required parameters might be missing.';
    expect(graphError("displayName NE 'x'")).toMatch(new RegExp(`^Operator 'NE' ${hint}`));
    expect(graphError("not (displayName eq 'x')")).toMatch(/^Operator 'not' /);
    expect(graphError("endswith(displayName,'x')")).toMatch(/^Operator 'endsWith' /);
    expect(graphError("displayName eq 'x' or appId eq 'y'")).toMatch(/^Operator 'or' /);
    expect(graphError("appId eq 'a' and displayName ge 'x'", true)).toBe(
      "Unsupported or invalid query filter clause specified: 'displayName ge 'x''.",
    );
    expect(graphError("displayName eq 'x' and owner eq 'y'")).toBe(
      "Unsupported or invalid query filter clause specified for property 'owner' of resource 'Application'.",
    );
    expect(graphError("startswith(appId,'x')")).toBe(
      "Unsupported or invalid query filter clause specified for property 'appId' of resource 'Application'.",
    );
    expect(graphError('displayName eq unquoted')).toBe("Invalid filter clause: 'displayName eq unquoted'.");
    expect(graphError("(displayName eq 'x')")).toBe("Invalid filter clause: '(displayName eq 'x')'.");
    expect(graphError(`appId in (${Array(101).fill("'a'").join(',')})`)).toBe("Too many values in an 'in' list: at most 100 are allowed.");
    expect(graphError(`appId in (${Array(100).fill("'a'").join(',')})`)).toBeUndefined();
    // A quoted ' or ' is a value, not an operator.
    expect(graphError("displayName eq 'Tom or Jerry'")).toBeUndefined();
    expect(graphError("x eq '" + 'a'.repeat(300))).toBe(`Invalid filter clause: '${`x eq '${'a'.repeat(300)}`.slice(0, 200)}…'.`);
    expect(GRAPH_FILTER_LIMITS.maxInValues).toBe(100);
  });

  it('alerts_v2: its messages for unknown properties and operators, and its bounds', () => {
    const alertsError = (filter: string) => {
      try {
        parseAlertsV2Filter(filter);
      } catch (err) {
        return `${(err as SemanticError).code}: ${(err as SemanticError).publicMessage}`;
      }
      return undefined;
    };
    expect(alertsError("title eq 'x'")).toBe(
      "invalid_input: Could not find a property named 'title' on type 'microsoft.graph.security.alert' that supports $filter.",
    );
    // A function reads as a property followed by '(' (no function is supported).
    expect(alertsError("startswith(status,'n')")).toBe(
      "invalid_input: Could not find a property named 'startswith' on type 'microsoft.graph.security.alert' that supports $filter.",
    );
    expect(alertsError("status('n')")).toBe("invalid_input: Invalid filter clause: expected 'word' but found '('.");
    expect(alertsError("status has 'new'")).toBe("unsupported_query: Operator 'has' is not supported on alerts_v2.");
    expect(alertsError("severity gt 'low'")).toBe(
      "unsupported_query: Operator 'gt' is not supported for property 'severity' of alerts_v2; use eq, ne or in.",
    );
    expect(alertsError("status eq 'new' and")).toBe("invalid_input: Invalid filter clause: expected 'word' at the end.");
    expect(alertsError(' '.repeat(ALERTS_V2_MAX_FILTER_LENGTH + 1))).toBe('invalid_input: $filter is longer than 4096 characters.');
    expect(alertsError(Array(101).fill("status eq 'new'").join(' or '))).toBe('invalid_input: $filter has more than 100 clauses.');
    expect(alertsError(`${'('.repeat(33)}status eq 'new'${')'.repeat(33)}`)).toBe(
      'invalid_input: $filter is nested more than 32 levels deep.',
    );
    expect(parseAlertsV2Filter("not (status in ('new', 'resolved')) and assignedTo eq null")).toEqual({
      and: [{ not: { or: [expect.anything(), expect.anything()] } }, { column: 'assigned_to', op: '=', value: null }],
    });
  });
});
