import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The import rules of eslint.config.js (what may import what) fire on samples, so that a
// forbidden import cannot come back through a config that silently stopped matching.
const eslint = new ESLint({ cwd: process.cwd() });

async function restricted(filePath: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import type { X } from '${specifier}';\nexport type Y = X;\n`, { filePath });
  const rules = result!.messages.map((m) => m.ruleId ?? m.message);
  expect(rules.filter((r) => r !== 'no-restricted-imports')).toEqual([]);
  return rules.includes('no-restricted-imports');
}

describe('import boundaries (npm run lint)', () => {
  it('the store does not import the API layer', async () => {
    expect(await restricted('packages/server/src/store/sample.ts', '../cloudapps/alerts/handlers.js')).toBe(true);
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '../../http/error-handler.js')).toBe(true);
    expect(await restricted('packages/server/src/store/postgres/sample.ts', '../../management/routes.js')).toBe(true);
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '../../cloudapps/filters/model.js')).toBe(true);
    // Once allow-listed, now forbidden like any other: filter SQL lives in store/kysely/.
    expect(await restricted('packages/server/src/store/sqlite/cloudapps-list.ts', '../../cloudapps/filters/compile.js')).toBe(true);
    expect(await restricted('packages/server/src/store/interfaces.ts', '../cloudapps/filters/model.js')).toBe(true);
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '../../clock.js')).toBe(false);
    // The error model is shared by every layer; the rest of http/ is not.
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '../../http/errors.js')).toBe(false);
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '../../http/errors.json')).toBe(true);
    expect(await restricted('packages/server/src/store/sqlite/sample.ts', '@appwarden/protocol')).toBe(false);
  });

  it('the log engine does not import the API layer', async () => {
    expect(await restricted('packages/server/src/discovery/sample.ts', '../cloudapps/routes.js')).toBe(true);
    expect(await restricted('packages/server/src/discovery/parsers/sample.ts', '../../cloudapps/discovery/handlers.js')).toBe(true);
    expect(await restricted('packages/server/src/discovery/ingest/sample.ts', '../../http/error-handler.js')).toBe(true);
    // Once allow-listed, now forbidden like any other: the IP-range service lives in discovery/.
    expect(await restricted('packages/server/src/discovery/ingest/job-runner.ts', '../../cloudapps/subnets/ip-range-service.js')).toBe(
      true,
    );
    expect(await restricted('packages/server/src/discovery/sample.ts', '../store/interfaces.js')).toBe(false);
    expect(await restricted('packages/server/src/discovery/parsers/sample.ts', '../../http/errors.js')).toBe(false);
    expect(await restricted('packages/server/src/discovery/parsers/sample.ts', '../../http/graph-error-renderer.js')).toBe(true);
  });

  it('protocol imports nothing of ours; the SDK never imports the server', async () => {
    expect(await restricted('packages/protocol/src/sample.ts', '@appwarden/server')).toBe(true);
    expect(await restricted('packages/protocol/src/sample.ts', '../../server/src/app.js')).toBe(true);
    expect(await restricted('packages/protocol/src/sample.ts', '@appwarden/sdk')).toBe(true);
    expect(await restricted('packages/protocol/src/sample.ts', './aadsts.js')).toBe(false);
    expect(await restricted('packages/sdk/src/sample.ts', '@appwarden/server')).toBe(true);
    expect(await restricted('packages/sdk/src/cloudapps/sample.ts', '../../../server/src/wiring.js')).toBe(true);
    expect(await restricted('packages/sdk/src/sample.ts', '@appwarden/protocol')).toBe(false);
  });

  it('the API layer itself may import the store and the log engine', async () => {
    expect(await restricted('packages/server/src/cloudapps/sample.ts', '../store/interfaces.js')).toBe(false);
    expect(await restricted('packages/server/src/cloudapps/sample.ts', '../discovery/index.js')).toBe(false);
  });
});
