import type {
  ACTIVITY_FILTER_FIELDS,
  ALERT_FILTER_FIELDS,
  DISCOVERED_APP_FILTER_FIELDS,
  DISCOVERY_CATEGORY_FILTER_FIELDS,
  ENTITY_FILTER_FIELDS,
  FILE_FILTER_FIELDS,
  FILTER_OPERATOR_SPECS,
  FilterFieldSpec,
  FilterOperator,
  FilterOperatorSpec,
  FilterValueType,
  POLICY_FILTER_FIELDS,
  SUBNET_FILTER_FIELDS,
} from '@appwarden/protocol';

/**
 * Typed filters, derived from the protocol's field registry (the same table the server validates
 * against): a field the resource does not have, an operator the field does not support, or a value
 * of the wrong type is a compile error.
 */

/** An entity key as the API writes it: `{"id": "<guid>", "saas": 11161, "inst": 0}`. */
export interface EntityKey {
  id: string;
  saas?: number;
  inst?: number;
}

/** A time: epoch milliseconds, an ISO-8601 string or a Date (sent as epoch milliseconds). */
export type TimeValue = number | string | Date;

/** The TypeScript type of one value of a field. */
export type FilterValueOf<T extends FilterValueType> = T extends 'int'
  ? number
  : T extends 'string'
    ? string
    : T extends 'bool'
      ? boolean
      : T extends 'nullableBool'
        ? boolean | null
        : T extends 'timestamp'
          ? TimeValue
          : T extends 'entityPk'
            ? EntityKey
            : T extends 'entityType'
              ? 1 | 2 | 'account' | 'user'
              : T extends 'tag'
                ? string
                : never;

type OneOrMany<V> = V | readonly V[];

/** What an operator takes for a field whose values are `V` (reference §5.1), from protocol's operator table. */
export type OperandOf<Op extends FilterOperator, V> = OperandOfSpec<(typeof FILTER_OPERATOR_SPECS)[Op], V>;

type OperandOfSpec<S extends FilterOperatorSpec, V> = S['operand'] extends 'list'
  ? OneOrMany<S['text'] extends true ? string : V>
  : S['operand'] extends 'single'
    ? S['text'] extends true
      ? string
      : V
    : S['operand'] extends 'range'
      ? readonly { start: V; end: V }[]
      : S['operand'] extends 'days'
        ? number
        : S['operand'] extends 'flag'
          ? boolean
          : never;

/** The operators of one field and their operands. */
export type FieldFilter<S extends FilterFieldSpec> = {
  [Op in S['operators'][number]]?: OperandOf<Op, FilterValueOf<S['type']>>;
};

/** Filters for a resource whose registry is `R`. */
export type FiltersOf<R extends Readonly<Record<string, FilterFieldSpec>>> = {
  [K in keyof R]?: FieldFilter<R[K]>;
};

export type AlertFilters = FiltersOf<typeof ALERT_FILTER_FIELDS>;
export type ActivityFilters = FiltersOf<typeof ACTIVITY_FILTER_FIELDS>;
export type EntityFilters = FiltersOf<typeof ENTITY_FILTER_FIELDS>;
/** Files filters (reference §5.5). */
export type FileFilters = FiltersOf<typeof FILE_FILTER_FIELDS>;

export type AlertFilterField = keyof typeof ALERT_FILTER_FIELDS;
export type ActivityFilterField = keyof typeof ACTIVITY_FILTER_FIELDS;
export type EntityFilterField = keyof typeof ENTITY_FILTER_FIELDS;
export type FileFilterField = keyof typeof FILE_FILTER_FIELDS;

/** IP address range filters (reference §5.6). */
export type SubnetFilters = FiltersOf<typeof SUBNET_FILTER_FIELDS>;
/** Policies list filters (undocumented API): `type` (`AUDIT`, `ANOMALY_DETECTION`), `id`, `enabled`, `severity`, `category`. */
export type PolicyFilters = FiltersOf<typeof POLICY_FILTER_FIELDS>;
/** Discovered-apps filters (reference §5.7); `score: {eq: [min, max]}` is a band. */
export type DiscoveredAppFilters = FiltersOf<typeof DISCOVERED_APP_FILTER_FIELDS>;
/** Filters of a report's categories, by category id. */
export type DiscoveryCategoryFilters = FiltersOf<typeof DISCOVERY_CATEGORY_FILTER_FIELDS>;

/** Filters as sent on the wire: Dates become epoch milliseconds (the real service wants numbers). */
export function filtersToWire(filters: object | undefined): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (v instanceof Date) return v.getTime();
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return (walk(filters ?? {}) as Record<string, unknown>) ?? {};
}
