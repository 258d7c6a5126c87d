import fs from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import { adminRequest, adminTenant, checkAdminResponse, type CloudAppsOptions, UsageError } from '../connection.js';
import { withCloudAppsOptions } from '../options.js';
import { outputMode, printObject } from '../output.js';

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
    return fs.promises.readFile(file, 'utf8');
  }
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `appwarden import <file> --resource R`: JSON Lines into a tenant (Appwarden admin endpoint). */
export function registerImport(program: Command): void {
  withCloudAppsOptions(
    program
      .command('import <file>')
      .description('Import alerts, activities, entities or files from JSON Lines (- for stdin) into a tenant'),
  )
    .addOption(
      new Option('--resource <resource>', 'what the lines are')
        .choices(['alerts', 'activities', 'entities', 'files'])
        .makeOptionMandatory(),
    )
    .option('--operator-key <key>', 'operator key (APPWARDEN_OPERATOR_KEY)')
    .action(async (file: string, o: CloudAppsOptions & { resource: string }) => {
      const text = await readInput(file);
      const { status, body } = await adminRequest(o, adminTenant(o), `/import/${o.resource}`, {
        method: 'POST',
        body: text,
        contentType: 'application/x-ndjson',
      });
      if (status === 400 && body && typeof body === 'object' && 'errors' in body) {
        printObject(body, outputMode(o, false));
        process.exitCode = 1;
        return;
      }
      checkAdminResponse(status, body, 'import');
      printObject(body, outputMode(o, false));
    });
}

/** `appwarden demo generate`: seeded demo data in a tenant (Appwarden admin endpoint). */
export function registerDemo(program: Command): void {
  const demo = program.command('demo').description('Demo data');
  withCloudAppsOptions(demo.command('generate').description('Generate demo users, activities and alerts in a tenant (through the server)'))
    .requiredOption('--activities <n>', 'activities to generate')
    .option('--alerts <n>', 'alerts (default 5% of activities)')
    .option('--users <n>', 'users (default activities / 60)')
    .option('--seed <seed>', 'seed: the same seed gives the same data')
    .option('--operator-key <key>', 'operator key (APPWARDEN_OPERATOR_KEY)')
    .action(async (o: CloudAppsOptions & { activities: string; alerts?: string; users?: string; seed?: string }) => {
      const int = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
        return n;
      };
      const payload = {
        activities: int('activities', o.activities),
        ...(o.alerts !== undefined ? { alerts: int('alerts', o.alerts) } : {}),
        ...(o.users !== undefined ? { users: int('users', o.users) } : {}),
        ...(o.seed !== undefined ? { seed: o.seed } : {}),
      };
      const { status, body } = await adminRequest(o, adminTenant(o), '/demo', {
        method: 'POST',
        body: JSON.stringify(payload),
        contentType: 'application/json',
      });
      checkAdminResponse(status, body, 'demo generate');
      printObject(body, outputMode(o, false));
    });
}
