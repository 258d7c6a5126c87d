import { configDefaults, defineConfig } from 'vitest/config';

// Tests that need no Appwarden at all (no harness, no database, no build): parsers, catalogs, pure
// modules. A new test that only calls code goes here; everything else runs with `server` (the
// server package's suites, in-process or listening) or `integration` (cross-package: real clients,
// CLI, SDK against a live server or the built package, child processes, store tiers).
const UNIT = [
  'packages/server/test/discovery/**/*.test.ts',
  'packages/server/test/cloudapps/list-envelope.test.ts',
  'packages/server/test/management/odata-filter-parser.test.ts',
  'packages/server/test/siem/cef.test.ts',
  'packages/server/test/worker/worker-loop.test.ts',
  'packages/server/test/identity/errors-documented.test.ts',
  'test/cli/progress-bar.test.ts',
  'test/sdk/blob-upload.test.ts',
  'test/sdk/typed-filters.test.ts',
  'test/lint/**/*.test.ts',
  'packages/console/test/**/*.test.ts',
];

const HOSTILE = ['test/hostile/**/*.test.ts'];

// One runner for every package. Tests import the packages' TypeScript sources directly.
// `vitest run --project unit` (npm run test:unit) runs the unit tests alone; `vitest run` runs all.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // A test that stubs the environment (vi.stubEnv) gets it back afterwards, even when it fails.
    unstubEnvs: true,
    setupFiles: ['test/support/environment-guard.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'server', include: ['packages/*/test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...UNIT] } },
      {
        extends: true,
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...UNIT, ...HOSTILE] },
      },
      // Hostile suites (fuzzing, JWT attacks, isolation, exhaustion, crash consistency): short mode by
      // default, long mode with HOSTILE_MODE=long (npm run test:hostile). See docs/testing.md.
      { extends: true, test: { name: 'hostile', include: HOSTILE } },
    ],
  },
});
