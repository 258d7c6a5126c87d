import { sql, type SqlBool } from 'kysely';
import type { FilterDialect } from '../kysely/filter-sql.js';

/** Beyond bigint, PostgreSQL would reject the parameter; no stored value is that large anyway. */
const INT8_MAX = 9223372036854775807n;

/**
 * PostgreSQL: real booleans, ILIKE for SQLite's case-insensitive LIKE, array columns are jsonb
 * (the element test `?|` can use a GIN index).
 */
export const postgresFilters: FilterDialect = {
  TRUE: sql<SqlBool>`TRUE`,
  FALSE: sql<SqlBool>`FALSE`,
  like: sql`ILIKE`,
  elements: (col) => sql`jsonb_array_elements_text(${col}) AS e(value)`,
  nonEmpty: (col) => sql<SqlBool>`${col} <> '[]'::jsonb`,
  holdsAny: (col, values) => sql<SqlBool>`${col} ?| ${values}::text[]`,
  // Numbers meet integer columns: as bigint, so that a timestamp-sized value compared with an
  // integer column is a comparison, not an out-of-range error (int4 = int8 still uses the index).
  param: (v) => {
    if (typeof v === 'string') return v;
    const clamped = BigInt(Math.trunc(v)) > INT8_MAX ? INT8_MAX : BigInt(Math.trunc(v)) < -INT8_MAX ? -INT8_MAX : BigInt(Math.trunc(v));
    return sql`${String(clamped)}::bigint`;
  },
  // The member name is inlined: as a parameter, `jsonb -> unknown` would be ambiguous (text or index).
  docArrayHolds: (doc, member, value) => sql<SqlBool>`(${doc}::jsonb -> ${sql.lit(member)}) ? ${value}`,
};
