import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as sdk from '@appwarden/sdk';

const pkgDir = path.resolve('packages/sdk');
const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
  type: string;
  exports: Record<string, { types: string; default: string }>;
  dependencies: Record<string, string>;
};

function distFiles(dir = path.join(pkgDir, 'dist')): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? distFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('@appwarden/sdk package surface', () => {
  it('is ESM with types, and its export map points at built files', () => {
    expect(pkg.type).toBe('module');
    for (const target of Object.values(pkg.exports['.']!)) expect(fs.existsSync(path.join(pkgDir, target))).toBe(true);
    // jose signs client assertions and decodes tokens; it runs in browsers and Node alike.
    expect(Object.keys(pkg.dependencies)).toEqual(['@appwarden/protocol', 'jose']);
  });

  it('exports exactly the public runtime API', () => {
    expect(Object.keys(sdk).sort()).toEqual(
      [
        'ActivitiesOperations',
        'AlertsOperations',
        'ApiError',
        'AppwardenError',
        'AuthenticationError',
        'BLOCK_SCRIPT_FORMATS',
        'CLOUD_APPS_RESOURCE_APP_ID',
        'CLOUD_APPS_SCOPE',
        'ClientCertificateCredential',
        'ClientSecretCredential',
        'CloudAppsClient',
        'DEFAULT_AUTHORITY_HOST',
        'DEFAULT_BLOCK_SIZE',
        'DiscoveryOperations',
        'EntitiesOperations',
        'FilesOperations',
        'GRAPH_SCOPE',
        'ManagementClient',
        'PermissionError',
        'PoliciesOperations',
        'RequestPipeline',
        'RequestTimeoutError',
        'SecurityAlertsOperations',
        'SubnetsOperations',
        'ThrottledError',
        'callJson',
        'decodeJwt',
        'entityPathKey',
        'errorMessage',
        'filtersToWire',
        'retryAfterMs',
        'uploadToBlobUrl',
      ].sort(),
    );
    expect(sdk.CLOUD_APPS_SCOPE).toBe('05a65629-4c1b-48c1-a78b-804c4abdd4af/.default');
    const client = new sdk.CloudAppsClient('https://contoso.us2.portal.cloudappsecurity.com/', { apiToken: 'x' });
    expect(Object.keys(client).filter((k) => k !== 'pipeline')).toEqual([
      'alerts',
      'activities',
      'entities',
      'files',
      'subnets',
      'discovery',
      'policies',
    ]);
    expect(client.endpoint).toBe('https://contoso.us2.portal.cloudappsecurity.com');
  });

  it('ships declarations for every module and keeps Node-only code behind dynamic imports (browsers)', () => {
    const files = distFiles();
    const js = files.filter((f) => f.endsWith('.js'));
    for (const f of js) expect(fs.existsSync(f.replace(/\.js$/, '.d.ts'))).toBe(true);
    for (const f of js) {
      const text = fs.readFileSync(f, 'utf8');
      expect(text, path.relative(pkgDir, f)).not.toMatch(/^\s*import\s[^;]*from\s+['"](node:|fs|path|crypto|undici)/m);
      expect(text, path.relative(pkgDir, f)).not.toMatch(/\brequire\(/);
    }
    const dts = fs.readFileSync(path.join(pkgDir, 'dist/index.d.ts'), 'utf8');
    expect(dts).toContain('CloudAppsClient');
  });

  it('encodes entity keys as the API does (base64 of the compact JSON)', () => {
    expect(sdk.entityPathKey({ id: '3fa9f28b-eb0e-463a-ba7b-8089fe9991e2', saas: 11161, inst: 0 })).toBe(
      'eyJpZCI6IjNmYTlmMjhiLWViMGUtNDYzYS1iYTdiLTgwODlmZTk5OTFlMiIsInNhYXMiOjExMTYxLCJpbnN0IjowfQ==',
    );
  });
});
