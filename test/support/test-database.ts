import crypto from 'node:crypto';

/**
 * The database a test server should use: undefined (SQLite in the test's data directory) unless
 * STORE=postgres, in which case a fresh schema in APPWARDEN_TEST_DATABASE_URL (default: the local
 * `test` database) so that every server in the run is isolated.
 */
export function testDatabaseUrl(): string | undefined {
  if (process.env.STORE !== 'postgres') return undefined;
  const base = new URL(process.env.APPWARDEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  base.searchParams.set('schema', `t_${crypto.randomBytes(6).toString('hex')}`);
  return base.toString();
}
