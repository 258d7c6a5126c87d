import { errors } from '../http/errors.js';

export interface SimpleFilter {
  appId?: string;
  displayName?: string;
  displayNameStartsWith?: string;
}

const unquote = (s: string) => s.slice(1, -1).replace(/''/g, "'");
const STRING = "'(?:[^']|'')*'";

/**
 * The `$filter` subset Graph scripts use on applications and service principals:
 * `appId eq '…'`, `displayName eq '…'`, `startswith(displayName,'…')`, joined with `and`.
 */
export function parseSimpleFilter(filter: string | undefined, allowed: readonly (keyof SimpleFilter)[]): SimpleFilter {
  const out: SimpleFilter = {};
  if (filter === undefined || filter.trim() === '') return out;
  const clauses = filter.split(/\s+and\s+/i);
  for (const raw of clauses) {
    const c = raw.trim();
    let m = new RegExp(`^(appId|displayName)\\s+eq\\s+(${STRING})$`, 'i').exec(c);
    if (m) {
      const field = m[1]!.toLowerCase() === 'appid' ? 'appId' : 'displayName';
      if (!allowed.includes(field)) throw errors.unsupportedQuery(`Unsupported query: filtering on '${m[1]}' is not supported here.`);
      out[field] = field === 'appId' ? unquote(m[2]!).toLowerCase() : unquote(m[2]!);
      continue;
    }
    m = new RegExp(`^startswith\\(\\s*displayName\\s*,\\s*(${STRING})\\s*\\)$`, 'i').exec(c);
    if (m && allowed.includes('displayNameStartsWith')) {
      out.displayNameStartsWith = unquote(m[1]!);
      continue;
    }
    throw errors.unsupportedQuery(`Unsupported or invalid query filter clause specified for property: '${c}'.`);
  }
  return out;
}
