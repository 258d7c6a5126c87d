import type { Command } from 'commander';
import { UsageError } from '../connection.js';
import { outputMode, printObject, renderTable } from '../output.js';
import { configPath, readConfig, writeConfig, type Profile } from '../profiles.js';

/** `appwarden profile set|list|remove|use`: named connections in the config file. */
export function registerProfile(program: Command): void {
  const profile = program.command('profile').description(`Named connections in the config file (${configPath()})`);
  profile
    .command('set <name>')
    .description('Create or change a profile (secrets are optional: the AZURE_* environment still applies)')
    .option('--url <url>', 'server URL')
    .option('--tenant <tenant>', 'tenant id or domain')
    .option('--client-id <id>', 'client id')
    .option('--client-secret <secret>', 'client secret (stored with mode 0600)')
    .option('--api-token <token>', 'legacy API token')
    .option('--authority-host <url>', 'authority host (default: the server URL)')
    .option('--ca <file>', 'CA certificate to trust')
    .option('--default', 'make it the default profile')
    .action((name: string, o: Profile & { default?: boolean }) => {
      const config = readConfig();
      const { default: makeDefault, ...fields } = o;
      config.profiles[name] = { ...(config.profiles[name] ?? {}), ...fields };
      if (makeDefault || Object.keys(config.profiles).length === 1) config.defaultProfile = name;
      writeConfig(config);
      process.stdout.write(`profile '${name}' saved in ${configPath()}\n`);
    });
  profile
    .command('list')
    .description('List profiles (secrets hidden)')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const config = readConfig();
      const rows = Object.entries(config.profiles).map(([name, p]) => ({
        name: name === config.defaultProfile ? `${name} *` : name,
        url: p.url ?? '',
        tenant: p.tenant ?? '',
        clientId: p.clientId ?? '',
        auth: p.clientSecret ? 'secret' : p.apiToken ? 'api token' : 'environment',
      }));
      const mode = outputMode(o, false);
      if (mode === 'table')
        process.stdout.write(
          renderTable(
            rows,
            ['name', 'url', 'tenant', 'clientId', 'auth'].map((k) => ({ header: k, value: (r: Record<string, string>) => r[k] })),
          ),
        );
      else printObject(rows, mode);
    });
  profile
    .command('remove <name>')
    .description('Remove a profile')
    .action((name: string) => {
      const config = readConfig();
      if (!config.profiles[name]) throw new UsageError(`no profile '${name}'`);
      delete config.profiles[name];
      if (config.defaultProfile === name) delete config.defaultProfile;
      writeConfig(config);
    });
}
