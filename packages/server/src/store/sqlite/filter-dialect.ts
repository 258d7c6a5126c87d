import { sql, type SqlBool } from 'kysely';
import type { FilterDialect } from '../kysely/filter-sql.js';

/** SQLite: 0/1 booleans, LIKE folds ASCII case, JSON arrays are text read with json_each. */
export const sqliteFilters: FilterDialect = {
  TRUE: sql<SqlBool>`1`,
  FALSE: sql<SqlBool>`0`,
  like: sql`LIKE`,
  elements: (col) => sql`json_each(${col})`,
  nonEmpty: (col) => sql<SqlBool>`json_array_length(${col}) > 0`,
  param: (v) => v,
  docArrayHolds: (doc, member, value) => sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(${doc}, ${`$.${member}`}) WHERE value = ${value})`,
};
