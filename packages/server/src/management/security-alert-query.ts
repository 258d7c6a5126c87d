import { parseSelect } from './graph-query.js';
import {
  SECURITY_ALERT_CLASSIFICATIONS,
  SECURITY_ALERT_DETERMINATIONS,
  SECURITY_ALERT_SERVICE_SOURCE,
  SECURITY_ALERT_SEVERITIES,
  SECURITY_ALERT_STATUSES,
} from '@appwarden/protocol';
import { classificationIs, determinationIs, severityIs, statusIs } from '../cloudapps/alerts/graph-alert.js';
import { errors } from '../http/errors.js';
import {
  ODataFilterError,
  parseODataFilter,
  type ODataFilterLimits,
  type ODataFilterNode,
  type ODataValue,
} from './odata-filter-parser.js';
import type { AlertStatePredicate, AlertStateQuery } from '../store/alert-state-query.js';

// The OData query options of GET /security/alerts_v2, as Graph documents them: `$filter` on
// assignedTo, classification, determination, createdDateTime, lastUpdateDateTime, severity,
// serviceSource and status (eq, ne, in; gt, ge, lt, le on the two times; and, or, not,
// parentheses), `$top`, `$skip`, `$count`, `$orderby` on the two times, `$select`. The filter
// becomes a predicate over the alert's state columns, evaluated by the store in SQL.

/** `$top` default and maximum of alerts_v2 (inferred: Graph documents neither; its security list pages hold up to 2,000). */
export const ALERTS_V2_DEFAULT_TOP = 2000;
export const ALERTS_V2_MAX_TOP = 2000;
/** Longest `$filter` accepted, and most clauses in it (bounded parsing and SQL). */
export const ALERTS_V2_MAX_FILTER_LENGTH = 4096;
export const ALERTS_V2_MAX_FILTER_CLAUSES = 100;
/** Deepest nesting of parentheses and `not` in a `$filter`. */
export const ALERTS_V2_MAX_FILTER_DEPTH = 32;

const ALLOWED = new Set(['$filter', '$top', '$skip', '$count', '$orderby', '$select']);
const REFUSED: Record<string, string> = {
  $expand: "Query option '$expand' is not supported on alerts_v2.",
  $search: "Query option '$search' is not supported on alerts_v2.",
  $skiptoken: "Query option '$skiptoken' is not supported on alerts_v2; page with $skip or the @odata.nextLink.",
  $format: "Query option '$format' is not supported; the answer is JSON.",
  $apply: "Query option '$apply' is not supported on alerts_v2.",
};

export interface AlertsV2Options {
  query: AlertStateQuery;
  select: string[] | undefined;
}

type Literal = { kind: 'string'; value: string } | { kind: 'bare'; value: string } | { kind: 'null' };

/** Bounds of the alerts_v2 `$filter` for the shared parser. */
const FILTER_LIMITS: ODataFilterLimits = {
  maxLength: ALERTS_V2_MAX_FILTER_LENGTH,
  maxClauses: ALERTS_V2_MAX_FILTER_CLAUSES,
  maxDepth: ALERTS_V2_MAX_FILTER_DEPTH,
  // No bound of its own: the length bounds a list (a value and its comma take two characters).
  maxInValues: ALERTS_V2_MAX_FILTER_LENGTH / 2,
};

const unsupportedOperator = (op: string) => errors.unsupportedQuery(`Operator '${op}' is not supported on alerts_v2.`);
const syntax = (why: string) => errors.invalidInput(`Invalid filter clause: ${why}.`);

const PROPERTIES = [
  'status',
  'severity',
  'serviceSource',
  'classification',
  'determination',
  'assignedTo',
  'createdDateTime',
  'lastUpdateDateTime',
] as const;
type Property = (typeof PROPERTIES)[number];
const TIMES: readonly Property[] = ['createdDateTime', 'lastUpdateDateTime'];
const COMPARISONS = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;
type Comparison = keyof typeof COMPARISONS;

const ENUMS: Partial<Record<Property, readonly string[]>> = {
  status: SECURITY_ALERT_STATUSES,
  severity: SECURITY_ALERT_SEVERITIES,
  serviceSource: [
    'unknown',
    'microsoftDefenderForEndpoint',
    'microsoftDefenderForIdentity',
    'microsoftDefenderForCloudApps',
    'microsoftDefenderForOffice365',
    'microsoft365Defender',
    'azureAdIdentityProtection',
    'microsoftAppGovernance',
    'dataLossPrevention',
    'microsoftDefenderForCloud',
  ],
  classification: SECURITY_ALERT_CLASSIFICATIONS,
  determination: SECURITY_ALERT_DETERMINATIONS,
};

/** A DateTimeOffset literal (bare, as OData writes it, or quoted) as epoch ms. */
function timeOf(property: string, lit: Literal): number {
  const text = lit.kind === 'null' ? '' : lit.value;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw errors.invalidInput(`The value '${text}' of '${property}' is not a valid DateTimeOffset.`);
  return ms;
}

function enumValue(property: Property, lit: Literal): string {
  const allowed = ENUMS[property]!;
  const text = lit.kind === 'null' ? 'null' : lit.value;
  const hit = allowed.find((a) => a.toLowerCase() === text.toLowerCase());
  if (lit.kind !== 'string' || !hit) {
    throw errors.invalidInput(`The string '${text}' is not a valid enumeration type constant for '${property}'.`);
  }
  return hit;
}

/** `property op value` as a predicate; `ne` is the negation of `eq` (missing values included). */
function leaf(property: Property, op: Comparison, lit: Literal): AlertStatePredicate {
  if (TIMES.includes(property)) {
    const column = property === 'createdDateTime' ? 'timestamp' : 'updated';
    return { column, op: COMPARISONS[op], value: timeOf(property, lit) };
  }
  if (op !== 'eq' && op !== 'ne') {
    throw errors.unsupportedQuery(`Operator '${op}' is not supported for property '${property}' of alerts_v2; use eq, ne or in.`);
  }
  let eq: AlertStatePredicate;
  if (property === 'assignedTo') {
    if (lit.kind === 'bare') throw errors.invalidInput(`The value of 'assignedTo' must be a quoted string or null.`);
    eq = { column: 'assigned_to', op: '=', value: lit.kind === 'null' ? null : lit.value };
  } else {
    const value = enumValue(property, lit);
    if (property === 'status') eq = statusIs(value);
    else if (property === 'severity') eq = severityIs(value);
    else if (property === 'classification') eq = classificationIs(value);
    else if (property === 'determination') eq = determinationIs(value);
    else eq = value === SECURITY_ALERT_SERVICE_SOURCE ? { and: [] } : { or: [] };
  }
  return op === 'ne' ? { not: eq } : eq;
}

/** Parses a `$filter` into a predicate (Graph's 400 for what it cannot read). */
export function parseAlertsV2Filter(text: string): AlertStatePredicate {
  let ast: ODataFilterNode;
  try {
    ast = parseODataFilter(text, FILTER_LIMITS);
  } catch (err) {
    if (!(err instanceof ODataFilterError)) throw err;
    if (err.kind === 'operator') {
      // As a property first, then as an operator: `title foo 1` names the unknown property.
      property(err.clause!.property);
      throw unsupportedOperator(err.clause!.operator);
    }
    throw err.kind === 'syntax' ? syntax(err.message) : errors.invalidInput(`${err.message}.`);
  }
  return predicate(ast);
}

function literal(v: ODataValue): Literal {
  if (v.kind === 'string') return { kind: 'string', value: v.value };
  return v.value.toLowerCase() === 'null' ? { kind: 'null' } : { kind: 'bare', value: v.value };
}

function property(name: string): Property {
  const p = PROPERTIES.find((x) => x.toLowerCase() === name.toLowerCase());
  if (!p)
    throw errors.invalidInput(`Could not find a property named '${name}' on type 'microsoft.graph.security.alert' that supports $filter.`);
  return p;
}

/** The AST as a predicate over the alert's state columns, judged left to right. */
function predicate(node: ODataFilterNode): AlertStatePredicate {
  switch (node.kind) {
    case 'and':
      return { and: node.items.map(predicate) };
    case 'or':
      return { or: node.items.map(predicate) };
    case 'not':
      return { not: predicate(node.item) };
    case 'call':
      // A function is read as a property followed by `(`, which is not an operator.
      property(node.name);
      throw syntax(`expected 'word' but found '('`);
    case 'in': {
      const p = property(node.property.value);
      return { or: node.values.map((v) => leaf(p, 'eq', literal(v))) };
    }
    case 'compare': {
      const p = property(node.property.value);
      // The parser reads only OData's six comparisons, which are the keys of COMPARISONS.
      return leaf(p, node.op as Comparison, literal(node.value));
    }
  }
}

/** Reads the query options of a list request (Graph's 400 for what is not supported). */
export function readAlertsV2Options(query: Readonly<Record<string, string>>): AlertsV2Options {
  const q = (name: string) => Object.entries(query).find(([k]) => k.toLowerCase() === name)?.[1];
  for (const key of Object.keys(query)) {
    if (!key.startsWith('$')) continue;
    const k = key.toLowerCase();
    if (REFUSED[k]) throw errors.unsupportedQuery(REFUSED[k]!);
    if (!ALLOWED.has(k)) throw errors.invalidInput(`Query option '${key}' is not allowed.`);
  }
  const topRaw = q('$top');
  const limit = topRaw === undefined ? ALERTS_V2_DEFAULT_TOP : Number(topRaw);
  if (!/^\d+$/.test(topRaw ?? '1') || !Number.isInteger(limit) || limit < 1 || limit > ALERTS_V2_MAX_TOP) {
    throw errors.invalidInput(`Invalid page size specified: '${topRaw}'. Must be between 1 and ${ALERTS_V2_MAX_TOP} inclusive.`);
  }
  const skipRaw = q('$skip');
  const skip = skipRaw === undefined ? 0 : Number(skipRaw);
  if (!/^\d+$/.test(skipRaw ?? '0') || !Number.isSafeInteger(skip)) throw errors.invalidInput(`Invalid value '${skipRaw}' for $skip.`);
  const countRaw = q('$count');
  if (countRaw !== undefined && !/^(true|false)$/i.test(countRaw)) throw errors.invalidInput(`Invalid value '${countRaw}' for $count.`);
  const filterRaw = q('$filter');
  const where = filterRaw === undefined || filterRaw.trim() === '' ? undefined : parseAlertsV2Filter(filterRaw);
  let orderBy: AlertStateQuery['orderBy'] = 'timestamp';
  let descending = true;
  const orderRaw = q('$orderby');
  if (orderRaw !== undefined && orderRaw.trim() !== '') {
    const m = /^\s*(createdDateTime|lastUpdateDateTime)(?:\s+(asc|desc))?\s*$/i.exec(orderRaw);
    if (!m)
      throw errors.unsupportedQuery(`Sorting not supported for '${orderRaw}'; alerts_v2 sorts by createdDateTime or lastUpdateDateTime.`);
    orderBy = m[1]!.toLowerCase() === 'createddatetime' ? 'timestamp' : 'updated';
    // OData sorts ascending unless told `desc`; without $orderby alerts_v2 lists the newest first.
    descending = m[2]?.toLowerCase() === 'desc';
  }
  const select = parseSelect(q('$select'));
  return { query: { where, orderBy, descending, skip, limit, count: countRaw?.toLowerCase() === 'true' }, select };
}
