import type { Command } from 'commander';

/** Options every server-facing command accepts. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'Appwarden URL (APPWARDEN_URL), default https://localhost:8443')
    .option('--data-dir <dir>', 'local data directory: finds ca.pem and operator.key (APPWARDEN_DATA_DIR)')
    .option('--ca <file>', 'CA certificate to trust (APPWARDEN_CA)')
    .option('--tenant <tenant>', 'tenant id or domain (AZURE_TENANT_ID)')
    .option('--client-id <id>', 'management app client id (AZURE_CLIENT_ID)')
    .option('--client-secret <secret>', 'management app client secret (AZURE_CLIENT_SECRET)')
    .option('--operator-key <key>', 'operator key (APPWARDEN_OPERATOR_KEY)')
    .option('--json', 'print JSON');
}
