import { Command, CommanderError } from 'commander';
import { AuthenticationError, PermissionError, ThrottledError, ApiError } from '@appwarden/sdk';
import { registerActivities } from './commands/activities.js';
import { registerAlerts } from './commands/alerts.js';
import { registerApp } from './commands/app.js';
import { registerCompletion } from './commands/completion.js';
import { registerDiscovery } from './commands/discovery.js';
import { registerEntities } from './commands/entities.js';
import { registerFiles } from './commands/files.js';
import { registerDemo, registerImport } from './commands/import.js';
import { registerPolicy } from './commands/policy.js';
import { registerProfile } from './commands/profile.js';
import { registerSubnets } from './commands/subnets.js';
import { registerDb } from './commands/db.js';
import { registerJwt } from './commands/jwt.js';
import { registerLogin } from './commands/login.js';
import { registerServe } from './commands/serve.js';
import { registerSiem } from './commands/siem.js';
import { registerTenant } from './commands/tenant.js';
import { registerToken } from './commands/token.js';
import { registerUser } from './commands/user.js';
import { UsageError } from './connection.js';
import { EXIT } from './exit-codes.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('appwarden')
    .description('Appwarden: a self-hosted Entra-compatible identity platform and Defender for Cloud Apps API')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerTenant(program);
  registerApp(program);
  registerUser(program);
  registerLogin(program);
  registerToken(program);
  registerJwt(program);
  registerDb(program);
  registerAlerts(program);
  registerActivities(program);
  registerEntities(program);
  registerFiles(program);
  registerSubnets(program);
  registerSiem(program);
  registerDiscovery(program);
  registerImport(program);
  registerDemo(program);
  registerPolicy(program);
  registerProfile(program);
  registerCompletion(program);
  return program;
}

/** Runs the CLI; resolves to the process exit code (docs/cli.md lists them). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(`appwarden: ${message}\n`);
    if (e instanceof UsageError) return EXIT.usage;
    if (e instanceof AuthenticationError) return EXIT.authentication;
    if (e instanceof PermissionError) return EXIT.permission;
    if (e instanceof ThrottledError) return EXIT.throttled;
    if (e instanceof ApiError && e.status === 404) return EXIT.notFound;
    if (e instanceof TypeError && /fetch failed/.test(message)) {
      process.stderr.write('Is the server running, and is its CA trusted (--ca, APPWARDEN_CA or --data-dir)?\n');
    }
    return EXIT.error;
  }
}
