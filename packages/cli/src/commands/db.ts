import type { Command } from 'commander';
import { emit, printTable } from '../output.js';

/** `appwarden db copy`: moves an installation from SQLite to PostgreSQL (run with the server stopped). */
export function registerDb(program: Command): void {
  const db = program.command('db').description('Database maintenance');
  db.command('copy')
    .description('Copy every table from a SQLite database into an empty PostgreSQL database and verify row counts')
    .requiredOption('--from <sqlite>', 'path of appwarden.sqlite (stop the server first)')
    .requiredOption('--to <postgres-url>', 'PostgreSQL URL, e.g. postgres://user@host:5432/appwarden')
    .option('--json', 'print JSON')
    .action(async (opts: { from: string; to: string; json?: boolean }) => {
      const { copySqliteToPostgres } = await import('@appwarden/server');
      const reports = await copySqliteToPostgres(opts.from, opts.to, (line) => process.stderr.write(line + '\n'));
      const mismatched = reports.filter((r) => r.source !== r.target);
      emit(opts, { tables: reports, verified: mismatched.length === 0 }, () => {
        printTable(reports as unknown as Record<string, unknown>[], ['table', 'source', 'target']);
        process.stdout.write(
          mismatched.length === 0 ? 'Row counts match.\n' : `Row counts differ in: ${mismatched.map((m) => m.table).join(', ')}\n`,
        );
      });
      if (mismatched.length > 0) process.exitCode = 1;
    });
}
