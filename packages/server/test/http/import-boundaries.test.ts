import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The import rules of docs/architecture.md that keep the areas apart.

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

function sources(dir: string): string[] {
  return fs
    .readdirSync(path.join(SRC, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

/** Source-relative paths a file imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/from '(\.[^']+)'/g)) out.push(path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), m[1]!)));
  return out;
}

describe('import boundaries', () => {
  it('the log engine (discovery/) imports neither the Cloud Apps API nor the management API', () => {
    const bad = sources('discovery').flatMap((f) =>
      importsOf(f)
        .filter((i) => /^(cloudapps|management)\//.test(i))
        .map((i) => `${f} -> ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('the detection engine (detection/) imports neither the management API nor the HTTP layer but its error model', () => {
    const bad = sources('detection').flatMap((f) =>
      importsOf(f)
        .filter((i) => /^management\//.test(i) || (/^http\//.test(i) && i !== 'http/errors.js'))
        .map((i) => `${f} -> ${i}`),
    );
    expect(bad).toEqual([]);
  });

  it('route files take narrow dependencies, not Services from wiring.ts', () => {
    const bad = [...sources('cloudapps'), ...sources('management'), ...sources('http')].filter((f) => importsOf(f).includes('wiring.js'));
    expect(bad).toEqual([]);
  });
});
