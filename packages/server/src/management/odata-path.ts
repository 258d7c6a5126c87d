import { errors } from '../http/errors.js';
import type { ResolvedRoute, Route } from '../http/route-table.js';

// Graph resource paths, resolved against the management route table. Graph addresses an entity
// either by id (`applications/{id}`) or by an alternate key inside the segment
// (`applications(appId='…')`, quotes single or double, spaces allowed, percent-encoded or not),
// matches names case-insensitively and lets actions carry their namespace
// (`microsoft.graph.addPassword`). Fastify's router cannot express the key form, so this area
// resolves its own paths; the routes themselves are the same table as everywhere else.

/** One step of a path: a name or id, or an alternate key (`(appId='…')`) of the step before. */
interface Token {
  /** The segment as the client wrote it (error messages name it). */
  text: string;
  key?: { name: string; value: string };
}

type Pattern = { kind: 'static'; name: string } | { kind: 'param'; param: string } | { kind: 'key'; name: string; param: string };

const KEY_SEGMENT = /^(\w+)\(\s*(appId)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*\)$/i;
const KEY_TEMPLATE = /^([\w.]+)\((\w+)=:(\w+)\)$/;
const NAMESPACE = 'microsoft.graph.';

function requestTokens(segment: string): Token[] {
  const m = KEY_SEGMENT.exec(segment);
  if (!m) return [{ text: segment }];
  return [{ text: m[1]! }, { text: segment, key: { name: 'appid', value: (m[3] ?? m[4] ?? '').toLowerCase() } }];
}

function templatePatterns(path: string): Pattern[] {
  return path.split('/').flatMap((segment): Pattern[] => {
    const key = KEY_TEMPLATE.exec(segment);
    if (key)
      return [
        { kind: 'static', name: key[1]!.toLowerCase() },
        { kind: 'key', name: key[2]!.toLowerCase(), param: key[3]! },
      ];
    if (segment.startsWith(':')) return [{ kind: 'param', param: segment.slice(1) }];
    return [{ kind: 'static', name: segment.toLowerCase() }];
  });
}

function tokenMatches(p: Pattern, t: Token, index: number): boolean {
  if (p.kind === 'key') return t.key?.name === p.name;
  if (t.key) return false;
  if (p.kind === 'param') return true;
  const text = t.text.toLowerCase();
  return text === p.name || (index > 0 && text === NAMESPACE + p.name);
}

/** How many leading tokens the pattern matches. */
function matchedPrefix(patterns: Pattern[], tokens: Token[]): number {
  let i = 0;
  while (i < patterns.length && i < tokens.length && tokenMatches(patterns[i]!, tokens[i]!, i)) i++;
  return i;
}

interface CompiledPath<R> {
  route: R;
  patterns: Pattern[];
}

/**
 * A resolver over a route table: path (after `/v1.0/`, decoded) and method -> the route and its
 * parameters, or Graph's 400 (unknown segment, path too long) or 405 (method not allowed).
 */
export function odataResolver<R extends Route<unknown>>(routes: readonly R[]): (method: string, path: string) => ResolvedRoute<R> {
  const compiled: CompiledPath<R>[] = routes.flatMap((route) => route.paths.map((p) => ({ route, patterns: templatePatterns(p) })));
  return (method, path) => {
    const segments = path.split('/').filter(Boolean);
    if (segments.length === 0) throw errors.invalidInput('Invalid request: no resource segment.');
    const tokens = segments.flatMap(requestTokens);
    const matching = compiled.filter((c) => c.patterns.length === tokens.length && matchedPrefix(c.patterns, tokens) === tokens.length);
    if (matching.length > 0) {
      const hit = matching.find((c) => (c.route.methods as readonly string[]).includes(method));
      if (!hit) throw errors.methodNotAllowed();
      const params: Record<string, string> = {};
      hit.patterns.forEach((p, i) => {
        if (p.kind === 'param') params[p.param] = tokens[i]!.text;
        else if (p.kind === 'key') params[p.param] = tokens[i]!.key!.value;
      });
      return { route: hit.route, path: params };
    }
    const sameSet = compiled.filter((c) => matchedPrefix(c.patterns, tokens) > 0);
    if (sameSet.length === 0) throw errors.invalidInput(`Resource not found for the segment '${segments[0]}'.`);
    if (tokens.length > Math.max(...sameSet.map((c) => c.patterns.length))) throw errors.invalidInput('Invalid request path.');
    const depth = Math.max(...sameSet.map((c) => matchedPrefix(c.patterns, tokens)));
    // Every segment matched, but no route ends here (`roleManagement/directory`).
    if (depth >= tokens.length) throw errors.invalidInput('Invalid request path.');
    throw errors.invalidInput(`Resource not found for the segment '${tokens[depth]!.text}'.`);
  };
}
