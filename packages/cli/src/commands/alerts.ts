import type { Command } from 'commander';
import { Option } from 'commander';
import { ALERT_RESOLUTION_STATUS, ALERT_SEVERITY, CLOSE_BENIGN_REASONS, CLOSE_FALSE_POSITIVE_REASONS } from '@appwarden/protocol';
import type { Alert, CloseResult } from '@appwarden/sdk';
import { parseFilterExpressions } from '../cli-filters.js';
import { cloudAppsClient, type CloudAppsOptions, UsageError } from '../connection.js';
import { listOptions, positiveInt, withCloudAppsOptions, withListOptions, type ListCliOptions } from '../options.js';
import { outputMode, printList, printObject, type Column, codeLabels, isoTime } from '../output.js';

const severity = codeLabels(ALERT_SEVERITY, { INFORMATIONAL: 'info' });
const resolution = codeLabels(ALERT_RESOLUTION_STATUS);

export const ALERT_COLUMNS: Column<Alert>[] = [
  { header: 'id', value: (a) => a._id },
  { header: 'date', value: (a) => isoTime(a.timestamp) },
  { header: 'severity', value: (a) => severity(a.severityValue) ?? a.severityValue },
  { header: 'status', value: (a) => resolution(a.resolutionStatusValue ?? ALERT_RESOLUTION_STATUS.OPEN) },
  { header: 'read', value: (a) => (a.statusValue === 1 ? 'yes' : 'no') },
  { header: 'title', value: (a) => a.title, max: 60 },
];

/** `appwarden alerts list|get|close|read|unread` */
export function registerAlerts(program: Command): void {
  const alerts = program.command('alerts').description('Cloud Apps alerts');

  withListOptions(withCloudAppsOptions(alerts.command('list').description('List alerts (newest first)')), [
    'date',
    'severity',
    'status',
    'resolutionStatus',
  ]).action(async (o: ListCliOptions) => {
    const client = cloudAppsClient(o);
    await printList(client.alerts.list(listOptions('alerts', o)), outputMode(o, true), ALERT_COLUMNS, positiveInt('--limit', o.limit));
  });

  withCloudAppsOptions(alerts.command('get <id>').description('Show one alert')).action(async (id: string, o: CloudAppsOptions) => {
    printObject(await cloudAppsClient(o).alerts.get(id), outputMode(o, false));
  });

  for (const [verb, read] of [
    ['read', true],
    ['unread', false],
  ] as const) {
    withCloudAppsOptions(alerts.command(`${verb} <id...>`).description(`Mark alerts as ${verb}`)).action(
      async (ids: string[], o: CloudAppsOptions) => {
        const client = cloudAppsClient(o);
        for (const id of ids) await (read ? client.alerts.markRead(id) : client.alerts.markUnread(id));
        printObject({ [verb]: ids }, outputMode(o, false));
      },
    );
  }

  withCloudAppsOptions(
    alerts
      .command('close [id...]')
      .description('Close alerts as benign, false positive or true positive (by id, or every alert matching --filter)'),
  )
    .addOption(new Option('--as <resolution>', 'how to close').choices(['benign', 'false-positive', 'true-positive']).makeOptionMandatory())
    .option(
      '--reason <id>',
      `reasonId: benign ${Object.keys(CLOSE_BENIGN_REASONS).join('|')}, false positive ${Object.keys(CLOSE_FALSE_POSITIVE_REASONS).join('|')}`,
    )
    .option('--comment <text>', 'comment stored with the alerts')
    .option('--filter <expr>', 'close every alert matching (repeatable, as in list)', (v: string, p: string[] = []) => [...p, v])
    .option('--filters <json>', 'raw filters JSON')
    .action(
      async (
        ids: string[],
        o: CloudAppsOptions & { as: string; reason?: string; comment?: string; filter?: string[]; filters?: string },
      ) => {
        const byFilter = (o.filter?.length ?? 0) > 0 || o.filters !== undefined;
        if (ids.length === 0 && !byFilter) throw new UsageError('name alert ids, or select alerts with --filter');
        if (ids.length > 0 && byFilter) throw new UsageError('give alert ids or --filter, not both');
        const selection = byFilter ? { filters: parseFilterExpressions('alerts', o.filter ?? [], o.filters) as never } : ids;
        const reasonId = o.reason !== undefined ? Number(o.reason) : undefined;
        if (reasonId !== undefined && !Number.isInteger(reasonId)) throw new UsageError('--reason must be an integer');
        if (reasonId !== undefined && o.as === 'true-positive') throw new UsageError('true-positive takes no --reason');
        const common = {
          ...(o.comment !== undefined ? { comment: o.comment } : {}),
          ...(reasonId !== undefined ? { reasonId: reasonId as never } : {}),
        };
        const client = cloudAppsClient(o);
        const result: CloseResult =
          o.as === 'benign'
            ? await client.alerts.closeBenign(selection, common)
            : o.as === 'false-positive'
              ? await client.alerts.closeFalsePositive(selection, common)
              : await client.alerts.closeTruePositive(selection, common);
        const mode = outputMode(o, false);
        if (mode === 'table') {
          process.stdout.write(`closed ${result.closed} alert(s) as ${o.as}\n`);
          if (result.alertsNotFound.length) process.stdout.write(`not found: ${result.alertsNotFound.join(', ')}\n`);
        } else printObject(result.raw, mode);
        if (result.alertsNotFound.length && result.closed === 0) process.exitCode = 6;
      },
    );
}
