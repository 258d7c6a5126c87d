import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcess, type InProcessHarness } from '../../../../test/support/harness.js';
import { generateDemoData } from '../../src/demo/cloudapps-data.js';
import { importJsonLines } from '../../src/cloudapps/import.js';
import type { Services } from '../../src/wiring.js';

// Parsing on worker threads (large imports) must give exactly what one thread gives: the same
// rows, the same line numbers for bad lines, the last line winning for a repeated id.
describe('import parsed on several threads', () => {
  let h: InProcessHarness;
  let services: Services;
  let tenantId: string;
  let lines: string[];

  beforeAll(async () => {
    h = await inProcess({ seed: 'none' });
    services = h.services;
    tenantId = (await services.tenants.create({ name: 'imp', displayName: 'Import' })).id;
    lines = [];
    for await (const b of generateDemoData(tenantId, { activities: 400, alerts: 1, seed: 'import-par', endTime: Date.UTC(2025, 0, 1) })) {
      if (b.resource === 'activities') for (const d of b.documents) lines.push(JSON.stringify(d));
    }
  });
  afterAll(() => h?.close());

  it('reports bad lines of every part with their line numbers', async () => {
    const bad = [...lines];
    bad.splice(10, 0, '{"_id": 1}');
    bad.splice(300, 0, '', 'not json');
    bad.push('[1]');
    const text = bad.join('\n');
    const serial = await importJsonLines(services.stores, tenantId, 'activities', text, undefined, { threads: 1 });
    const parallel = await importJsonLines(services.stores, tenantId, 'activities', text, undefined, { threads: 3, parallelMinChars: 0 });
    expect(parallel).toEqual(serial);
    expect(parallel.imported).toBe(0);
    expect(parallel.errors.map((e) => e.line)).toEqual([11, 302, bad.length]);
    expect(await services.stores.activities.count(tenantId)).toBe(0);
  });

  it('writes the same rows, the last line of a repeated id winning', async () => {
    const changed = { ...JSON.parse(lines[0]!), description: 'the last line wins' };
    const text = [...lines, JSON.stringify(changed)].join('\n') + '\n';
    const r = await importJsonLines(services.stores, tenantId, 'activities', text, undefined, { threads: 3, parallelMinChars: 0 });
    expect(r).toMatchObject({ lines: 401, imported: 400, errors: [] });
    expect(await services.stores.activities.count(tenantId)).toBe(400);
    const row = await services.stores.activities.get(tenantId, changed._id);
    expect(JSON.parse(row!.doc).description).toBe('the last line wins');
    for (const l of [lines[1]!, lines[200]!, lines[399]!]) {
      const doc = JSON.parse(l);
      expect((await services.stores.activities.get(tenantId, doc._id))!.doc).toBe(l);
    }
  });
});
