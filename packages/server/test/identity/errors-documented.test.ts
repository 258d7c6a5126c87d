import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AADSTS } from '@appwarden/protocol';
import { describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');
const SERVER_SRC = path.join(ROOT, 'packages/server/src');

/** Markdown table rows of docs/errors.md, as arrays of trimmed cells. */
const rows = DOC.split('\n')
  .filter((l) => l.startsWith('| ') && !l.startsWith('| ---'))
  .map((l) =>
    l
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim()),
  );

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every string code the server constructs an error with (`new GraphError('Request_BadRequest', …)`, `fe.code ?? 'bad_request'`). */
function codesUsedInServer(): Map<string, string> {
  const found = new Map<string, string>();
  const re = /new (AppError|GraphError|CloudAppsError|OperatorError)\(\s*(?:[\w.]+\s*\?\?\s*)?'([^']+)'/g;
  for (const file of sourceFiles(SERVER_SRC)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(re)) found.set(m[2]!, path.relative(ROOT, file));
  }
  return found;
}

describe('docs/errors.md documents every error code', () => {
  it('has a row for every AADSTS key with its code, OAuth error and HTTP status', () => {
    for (const [key, def] of Object.entries(AADSTS)) {
      const row = rows.find((r) => r[0] === `\`${key}\``);
      expect(row, `docs/errors.md lacks a row for AADSTS key '${key}'`).toBeDefined();
      expect(row!.slice(1, 4), `row of '${key}'`).toEqual([`AADSTS${def.code}`, `\`${def.error}\``, String(def.status)]);
      expect(row![4]!.length, `'${key}' needs a "when it occurs" text`).toBeGreaterThan(10);
    }
  });

  it('lists no AADSTS key that no longer exists', () => {
    const documented = rows.filter((r) => /^AADSTS\d+$/.test(r[1] ?? '')).map((r) => r[0]!.replace(/`/g, ''));
    expect(documented.filter((k) => !(k in AADSTS))).toEqual([]);
  });

  it('has a row for every Graph, Cloud Apps, operator and generic code the server uses', () => {
    const used = codesUsedInServer();
    // The scan must see the well-known codes, or it has silently stopped working.
    expect([...used.keys()]).toEqual(
      expect.arrayContaining(['Authorization_RequestDenied', 'InvalidAuthenticationToken', 'Request_ResourceNotFound', 'internal_error']),
    );
    const documented = new Set(rows.map((r) => r[0]!.replace(/`/g, '')));
    const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'codes used in packages/server/src but not documented in docs/errors.md').toEqual([]);
  });
});
