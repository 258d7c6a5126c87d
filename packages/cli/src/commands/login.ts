import type { Command } from 'commander';
import { AZURE_CLI_APP_ID } from '@appwarden/protocol';
import { CLOUD_APPS_SCOPE } from '@appwarden/sdk';
import { fetchFor, resolve, UsageError, type CloudAppsOptions } from '../connection.js';
import { deviceCodeLogin } from '../device-code-login.js';
import { emit, printRecord, printTable } from '../output.js';
import { accountKey, readConfig, writeConfig, type SignedInAccount } from '../profiles.js';

interface LoginOptions extends CloudAppsOptions {
  useDeviceCode?: boolean;
}

/** What may be shown of an account: never its tokens. */
const summary = (a: SignedInAccount, active: boolean) => ({
  username: a.username,
  tenantId: a.tenantId,
  tenant: a.tenant,
  clientId: a.clientId,
  url: a.url,
  active,
});

/**
 * `appwarden login` / `logout`: a user signs in with the device code flow, as `az login
 * --use-device-code` does, through the Azure CLI's public client id (pre-registered and
 * pre-consented in every tenant, on Entra and on Appwarden) unless --client-id names another
 * public client. The tokens are cached in the config file (mode 0600) for the other commands.
 */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('Sign in as a user (device code flow); the Cloud Apps and management commands then act as that user')
    .requiredOption('--tenant <tenant>', 'tenant id or domain to sign in to')
    .option('--client-id <id>', `public client id (default: the Azure CLI's, ${AZURE_CLI_APP_ID})`)
    .option('--use-device-code', 'accepted for az compatibility: the device code flow is the only one')
    .option('--url <url>', 'server URL (APPWARDEN_URL; for Appwarden also the authority host)')
    .option('--profile <name>', 'profile of the config file for url, ca and authority host (APPWARDEN_PROFILE)')
    .option('--ca <file>', 'CA certificate to trust (APPWARDEN_CA)')
    .option('--data-dir <dir>', 'local data directory: finds ca.pem (APPWARDEN_DATA_DIR)')
    .option('--json', 'print JSON')
    .action(async (o: LoginOptions) => {
      const { url, profile, fetchOptions } = resolve(o);
      const authorityHost = process.env.AZURE_AUTHORITY_HOST ?? profile?.authorityHost ?? url;
      const clientId = o.clientId ?? AZURE_CLI_APP_ID;
      const result = await deviceCodeLogin({
        authorityHost,
        tenant: o.tenant!,
        clientId,
        scope: CLOUD_APPS_SCOPE,
        fetch: fetchFor(fetchOptions),
        show: (message) => process.stderr.write(`${message}\n`),
      });
      const account: SignedInAccount = {
        username: result.username,
        tenantId: result.tenantId,
        tenant: o.tenant!,
        authorityHost,
        clientId,
        url,
        ...(fetchOptions.ca ? { ca: fetchOptions.ca } : {}),
        refreshToken: result.refreshToken,
        accessTokens: { [CLOUD_APPS_SCOPE]: { accessToken: result.accessToken, expiresOn: result.expiresOn } },
      };
      const config = readConfig();
      const key = accountKey(account);
      config.accounts = { ...(config.accounts ?? {}), [key]: account };
      config.activeAccount = key;
      writeConfig(config);
      const shown = summary(account, true);
      emit(o, shown, () => printRecord(shown));
    });

  program
    .command('logout')
    .description('Forget a signed-in user and its tokens (the active one unless --username names another)')
    .option('--username <upn>', 'the user to sign out')
    .option('--all', 'sign every user out')
    .action((o: { username?: string; all?: boolean }) => {
      const config = readConfig();
      const accounts = config.accounts ?? {};
      const keys = o.all
        ? Object.keys(accounts)
        : o.username
          ? Object.keys(accounts).filter((k) => accounts[k]!.username.toLowerCase() === o.username!.toLowerCase())
          : config.activeAccount && accounts[config.activeAccount]
            ? [config.activeAccount]
            : [];
      if (keys.length === 0 && !o.all) throw new UsageError(o.username ? `${o.username} is not signed in` : 'No user is signed in.');
      for (const k of keys) delete accounts[k];
      config.accounts = accounts;
      if (!config.activeAccount || !accounts[config.activeAccount]) {
        const next = Object.keys(accounts)[0];
        if (next) config.activeAccount = next;
        else delete config.activeAccount;
      }
      writeConfig(config);
    });

  program
    .command('account')
    .description('Show the signed-in users (the active one marked); tokens are never shown')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const config = readConfig();
      const rows = Object.entries(config.accounts ?? {}).map(([k, a]) => summary(a, k === config.activeAccount));
      emit(o, rows, () => printTable(rows, ['username', 'tenantId', 'tenant', 'clientId', 'url', 'active']));
    });
}
