import type { Command } from 'commander';
import { managementClient, type ConnectionOptions } from '../connection.js';
import { emit, printRecord, printTable } from '../output.js';
import { withConnectionOptions } from '../options.js';

/** `appwarden tenant create|list`: operator commands (operator key). */
export function registerTenant(program: Command): void {
  const tenant = program.command('tenant').description('Manage tenants (needs the operator key)');
  withConnectionOptions(
    tenant.command('create <name>').description('Create a tenant <name>.onmicrosoft.com with its keys and built-in resources'),
  )
    .option('--display-name <name>', 'organization display name')
    .action(async (name: string, opts: ConnectionOptions & { displayName?: string }) => {
      const t = await managementClient(opts, false).createTenant(name, opts.displayName);
      emit(opts, t, () => printRecord(t));
    });
  withConnectionOptions(tenant.command('list').description('List tenants')).action(async (opts: ConnectionOptions) => {
    const { value } = await managementClient(opts, false).listTenants();
    emit(opts, value, () => printTable(value, ['tenantId', 'domain', 'displayName', 'createdDateTime']));
  });
  withConnectionOptions(
    tenant
      .command('rotate-keys <tenant>')
      .description('Start a signing-key rotation: the new key is published now and signs after the lead time'),
  )
    .option('--immediate', 'sign with the new key at once (emergency roll)')
    .action(async (name: string, opts: ConnectionOptions & { immediate?: boolean }) => {
      const result = await managementClient(opts, false).rotateKeys(name, opts.immediate === true);
      emit(opts, result, () => printRecord(result));
    });
}
