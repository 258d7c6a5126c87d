import fs from 'node:fs';
import type { Command } from 'commander';
import { managementClient, UsageError, type ConnectionOptions } from '../connection.js';
import { emit, printRecord, printTable } from '../output.js';
import { withConnectionOptions } from '../options.js';

type AddOptions = ConnectionOptions & {
  target?: string;
  alerts?: boolean;
  activities?: boolean;
  format?: string;
  framing?: string;
  targetCa?: string;
  disabled?: boolean;
};

function tenantOf(o: ConnectionOptions): string {
  const t = o.tenant ?? process.env.AZURE_TENANT_ID;
  if (!t) throw new UsageError('--tenant (or AZURE_TENANT_ID) is required: the tenant whose alerts and activities are exported.');
  return t;
}

/** `appwarden siem add|list|remove`: SIEM export targets of a tenant (operator key; docs/siem.md). */
export function registerSiem(program: Command): void {
  const siem = program
    .command('siem')
    .description('Export new alerts and activities to a SIEM: CEF over syslog (udp, tcp, tls) or signed webhooks (needs the operator key)');
  withConnectionOptions(
    siem
      .command('add')
      .description(
        'Add an export target: udp://host:port, tcp://host:port, tls://host:port (CEF lines in syslog frames) or https://... (signed JSON posts). Without --alerts and --activities, both are exported.',
      ),
  )
    .requiredOption('--target <url>', 'udp://host:port, tcp://host:port, tls://host:port or an https:// webhook URL')
    .option('--alerts', 'export new alerts')
    .option('--activities', 'export new activities')
    .option('--format <format>', 'syslog frame: rfc5424 (default), rfc3164, or agent (the retired SIEM agent: ISO time and host, no PRI)')
    .option('--framing <framing>', 'tcp and tls: lf (one line per record, default) or octet (RFC 6587 octet counting)')
    .option('--target-ca <file>', 'PEM CA certificate(s) the tls:// or https:// target is checked against (default: the system CAs)')
    .option('--disabled', 'add the target switched off')
    .action(async (opts: AddOptions) => {
      const tenant = tenantOf(opts);
      let ca: string | undefined;
      if (opts.targetCa) {
        try {
          ca = fs.readFileSync(opts.targetCa, 'utf8');
        } catch {
          throw new UsageError(`--target-ca: cannot read ${opts.targetCa}`);
        }
      }
      const created = await managementClient(opts, false).addSiemTarget(tenant, {
        url: opts.target!,
        ...(opts.alerts ? { alerts: true } : {}),
        ...(opts.activities ? { activities: true } : {}),
        ...(opts.format ? { format: opts.format } : {}),
        ...(opts.framing ? { framing: opts.framing } : {}),
        ...(ca ? { ca } : {}),
        ...(opts.disabled ? { enabled: false } : {}),
      });
      emit(opts, created, () => {
        printRecord(created);
        if (created.secret) {
          process.stderr.write('\nThe webhook signing secret above is shown only now: keep it to verify X-Appwarden-Signature.\n');
        }
      });
    });
  withConnectionOptions(
    siem.command('list').description('List the export targets of a tenant with pending, delivered and dropped counts'),
  ).action(async (opts: ConnectionOptions) => {
    const { value } = await managementClient(opts, false).listSiemTargets(tenantOf(opts));
    emit(opts, value, () =>
      printTable(value, ['id', 'url', 'format', 'alerts', 'activities', 'enabled', 'pending', 'delivered', 'dropped', 'lastError']),
    );
  });
  withConnectionOptions(siem.command('remove <id>').description('Remove an export target (its pending items are dropped)')).action(
    async (id: string, opts: ConnectionOptions) => {
      await managementClient(opts, false).removeSiemTarget(tenantOf(opts), id);
      emit(opts, { removed: id }, () => process.stdout.write(`Removed ${id}\n`));
    },
  );
}
