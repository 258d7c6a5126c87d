// Set up before every test file (vitest.config.ts): a file that leaves process.env changed fails,
// so that no test sees what another one set. Tests that need variables use vi.stubEnv, which the
// config restores after each test.
import { afterAll, beforeAll } from 'vitest';

let before: Record<string, string | undefined> = {};

beforeAll(() => {
  before = { ...process.env };
});

afterAll(() => {
  const keys = new Set([...Object.keys(before), ...Object.keys(process.env)]);
  const changed = [...keys].filter((k) => before[k] !== process.env[k]).sort();
  if (changed.length) {
    throw new Error(`process.env changed by this test file and not restored: ${changed.join(', ')} (use vi.stubEnv)`);
  }
});
