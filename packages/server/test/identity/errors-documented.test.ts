import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AADSTS } from '@appwarden/protocol';
import { describe, expect, it } from 'vitest';
import { DISCOVERY_INPUT_CODES } from '../../src/discovery/discovery-input-error.js';
import { armWire } from '../../src/http/arm-error-renderer.js';
import { blobWire } from '../../src/http/blob-error-renderer.js';
import { renderCloudAppsError } from '../../src/http/cloudapps-error-renderer.js';
import { entraKeyFor } from '../../src/http/entra-error-renderer.js';
import { ARM_CODES, BLOB_CODES, NoRoute, SEMANTIC_CODES, SemanticError, type SemanticCode } from '../../src/http/errors.js';
import { graphWire } from '../../src/http/graph-error-renderer.js';
import { operatorCode } from '../../src/http/operator-error-renderer.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../..');
const DOC = fs.readFileSync(path.join(ROOT, 'docs/errors.md'), 'utf8');
const SERVER_SRC = path.join(ROOT, 'packages/server/src');

/** Markdown table rows (not headers) of a piece of docs/errors.md, as arrays of trimmed cells. */
const rowsOf = (text: string) =>
  text
    .split('\n')
    .filter((l, i, all) => l.startsWith('| ') && !l.startsWith('| ---') && !all[i + 1]?.startsWith('| ---'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );

const rows = rowsOf(DOC);

/** The rows of the `## <title>…` section. */
function section(title: string): string[][] {
  const start = DOC.indexOf(`\n## ${title}`);
  expect(start, `docs/errors.md lacks a section '## ${title}'`).toBeGreaterThan(-1);
  const end = DOC.indexOf('\n## ', start + 1);
  return rowsOf(DOC.slice(start, end === -1 ? undefined : end));
}

const codesIn = (r: string[][]) => new Set(r.map((c) => c[0]!.replace(/`/g, '')));

const SEMANTIC = Object.keys(SEMANTIC_CODES) as SemanticCode[];
/** One error of each semantic code, as a service would throw it (without a message of its own). */
const sample = (code: SemanticCode) => (code === 'no_route' ? new NoRoute('GET', '/v1.0/nothing') : new SemanticError(code));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every string code the server constructs an error with (`new BlobError('InvalidBlockList', …)`, `super('payload_too_large', …)`). */
function codesUsedInServer(): Map<string, string> {
  const found = new Map<string, string>();
  const re = /(?:new (?:AppError|SemanticError|BlobError|ArmError|DiscoveryInputError|EntraError)|super)\(\s*'([^']+)'/g;
  for (const file of sourceFiles(SERVER_SRC)) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(re)) found.set(m[1]!, path.relative(ROOT, file));
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

  it('maps every semantic code exactly as the five renderers do', () => {
    const table = section('Semantic codes');
    expect(table.length, 'one row per semantic code, no more').toBe(SEMANTIC.length);
    for (const code of SEMANTIC) {
      const e = sample(code);
      const row = table.find((r) => r[0] === `\`${code}\``);
      expect(row, `no row for semantic code '${code}'`).toBeDefined();
      const g = graphWire(e);
      const b = blobWire(e);
      const expected = [
        String(SEMANTIC_CODES[code].status),
        `\`${g.code}\` ${g.status}`,
        String(renderCloudAppsError(e).status),
        `\`${operatorCode(e)}\` ${e.status}`,
        `\`${b.code}\` ${b.status}`,
        // Identity paths answer an unknown route in the operator shape (error-handler.ts).
        code === 'no_route' ? `operator \`${operatorCode(e)}\` ${e.status}` : `\`${entraKeyFor(e)}\``,
      ];
      expect(row!.slice(1, 7), `row of '${code}'`).toEqual(expected);
      expect(row![7]!.length, `'${code}' needs a "when it occurs" text`).toBeGreaterThan(10);
    }
  });

  it('lists every code each format puts on the wire in that format’s section (or the generic one)', () => {
    const generic = codesIn(section('Operator endpoints and generic errors'));
    const formats: [string, (code: SemanticCode) => string][] = [
      ['Management API', (c) => graphWire(sample(c)).code],
      ['Operator endpoints', (c) => operatorCode(sample(c))],
      ['Upload URLs', (c) => blobWire(sample(c)).code],
    ];
    for (const [title, wireCode] of formats) {
      const own = codesIn(section(title));
      const missing = SEMANTIC.map(wireCode).filter((c) => !own.has(c) && !generic.has(c));
      expect(missing, `wire codes of '${title}' not documented`).toEqual([]);
    }
    // The Cloud Apps body has no code; its section lists the semantic codes the API logs.
    expect([...codesIn(section('Cloud Apps API'))].filter((c) => !(c in SEMANTIC_CODES))).toEqual([]);
  });

  it('has a row for every Azure Blob code of the upload URL with its status', () => {
    const blob = section('Upload URLs');
    for (const [code, status] of Object.entries(BLOB_CODES)) {
      expect(blob.find((r) => r[0] === `\`${code}\``)?.[1], `Blob code '${code}'`).toBe(String(status));
    }
  });

  it('maps every semantic code in the Resource Manager section as its renderer does, and lists ARM’s own codes', () => {
    const arm = section('Azure Resource Manager');
    for (const code of SEMANTIC) {
      const w = armWire(sample(code));
      const row = arm.find((r) => r[0] === `\`${w.code}\``);
      expect(row, `ARM code '${w.code}' (semantic '${code}') not documented`).toBeDefined();
      expect(row![1], `status of ARM code '${w.code}'`).toBe(String(w.status));
    }
    for (const [code, status] of Object.entries(ARM_CODES)) {
      expect(arm.find((r) => r[0] === `\`${code}\``)?.[1], `ARM code '${code}'`).toBe(String(status));
    }
  });

  it('has a row for every discovery job failure code', () => {
    const jobs = codesIn(section('Discovery upload jobs'));
    expect(DISCOVERY_INPUT_CODES.filter((c) => !jobs.has(c))).toEqual([]);
  });

  it('has a row for every code the server constructs an error with', () => {
    const used = codesUsedInServer();
    // The scan must see the well-known codes, or it has silently stopped working.
    expect([...used.keys()]).toEqual(
      expect.arrayContaining([
        'InvalidBlockList',
        'UNSUPPORTED_FILE_TYPE',
        'invalid_config',
        'payload_too_large',
        'tenantNotFound',
        'SubscriptionNotFound',
      ]),
    );
    const documented = codesIn(rows);
    const missing = [...used].filter(([code]) => !documented.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'codes used in packages/server/src but not documented in docs/errors.md').toEqual([]);
  });

  it('every error class of the server derives from AppError', () => {
    const outside = sourceFiles(SERVER_SRC).filter((f) => /\bextends Error\b/.test(fs.readFileSync(f, 'utf8')));
    expect(outside.map((f) => path.relative(ROOT, f))).toEqual(['packages/server/src/http/errors.ts']);
  });
});
