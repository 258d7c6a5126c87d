import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APPS_PERMISSION_MATRIX, CLOUD_APP_SECURITY_ROLES, type CloudAppsPermission } from '@appwarden/protocol';
import { sampleRequests, type Sample } from './fixtures.js';
import { bearer, inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

let h: InProcessHarness;
let samples: Sample[];
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 200, alerts: 10 } });
  samples = await sampleRequests(h);
});
afterAll(() => h.close());

const PERMISSIONS = CLOUD_APP_SECURITY_ROLES.map((r) => r.value as CloudAppsPermission);

describe('permission matrix (reference §2.3)', () => {
  // Every (permission x endpoint) pair, plus a token without any Cloud App Security role.
  for (const permission of [...PERMISSIONS, undefined]) {
    it(`${permission ?? 'no permission'}: allowed exactly where Microsoft's table allows`, async () => {
      const token = await h.tokenFor(permission ? [permission] : []);
      const results: string[] = [];
      const expected: string[] = [];
      for (const s of samples) {
        const res = await h.app.inject({
          method: s.method,
          url: s.url,
          headers: bearer(token),
          ...(s.payload ? { payload: s.payload as object } : {}),
        });
        const allowed = !!permission && CLOUD_APPS_PERMISSION_MATRIX[s.endpoint].includes(permission);
        results.push(`${s.method} ${s.url} -> ${res.statusCode}`);
        expected.push(`${s.method} ${s.url} -> ${allowed ? 200 : 403}`);
        if (res.statusCode === 403) {
          const detail = (res.json() as { detail: string }).detail;
          for (const p of CLOUD_APPS_PERMISSION_MATRIX[s.endpoint]) expect(detail).toContain(p);
        }
      }
      expect(results).toEqual(expected);
    });
  }

  it('matches the published per-endpoint table', () => {
    expect(CLOUD_APPS_PERMISSION_MATRIX['alerts.close']).toEqual(['Investigation.manage', 'Discovery.manage']);
    expect(CLOUD_APPS_PERMISSION_MATRIX['alerts.list']).toEqual([
      'Investigation.read',
      'Investigation.manage',
      'Discovery.read',
      'Discovery.manage',
    ]);
    expect(CLOUD_APPS_PERMISSION_MATRIX['activities.list']).toEqual(['Investigation.read', 'Investigation.manage']);
    expect(CLOUD_APPS_PERMISSION_MATRIX['entities.tree']).toEqual(['Investigation.read', 'Investigation.manage']);
    expect(CLOUD_APPS_PERMISSION_MATRIX['subnet.list']).toEqual([
      'Investigation.read',
      'Investigation.manage',
      'Settings.read',
      'Settings.manage',
    ]);
    expect(CLOUD_APPS_PERMISSION_MATRIX['discovery.upload']).toEqual(['Discovery.manage']);
    // Files appear in no scope of Microsoft's table: Appwarden files them under Investigation (inferred).
    expect(CLOUD_APPS_PERMISSION_MATRIX['files.list']).toEqual(['Investigation.read', 'Investigation.manage']);
    // The policies API is undocumented: read like investigation data, disable with Investigation.manage (inferred).
    expect(CLOUD_APPS_PERMISSION_MATRIX['policies.list']).toEqual(['Investigation.read', 'Investigation.manage']);
    expect(CLOUD_APPS_PERMISSION_MATRIX['policies.disable']).toEqual(['Investigation.manage']);
  });
});
