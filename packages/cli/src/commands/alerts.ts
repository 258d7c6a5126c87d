import type { Command } from 'commander';
import { Option } from 'commander';
import { ALERT_RESOLUTION_STATUS, ALERT_SEVERITY, CLOSE_BENIGN_REASONS, CLOSE_FALSE_POSITIVE_REASONS } from '@appwarden/protocol';
import type { Alert, CloseResult, SecurityAlert } from '@appwarden/sdk';
import { parseFilterExpressions } from '../cli-filters.js';
import { cloudAppsClient, managementClient, type CloudAppsOptions, type ConnectionOptions, UsageError } from '../connection.js';
import { listOptions, positiveInt, withCloudAppsOptions, withConnectionOptions, withListOptions, type ListCliOptions } from '../options.js';
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

const GRAPH_ALERT_COLUMNS: Column<SecurityAlert>[] = [
  { header: 'id', value: (a) => a.id },
  { header: 'created', value: (a) => isoTime(a.createdDateTime) },
  { header: 'severity', value: (a) => a.severity },
  { header: 'status', value: (a) => a.status },
  { header: 'classification', value: (a) => a.classification },
  { header: 'title', value: (a) => a.title, max: 60 },
];

/** `appwarden alerts list|get|close|read|unread|graph-list` */
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

  withConnectionOptions(
    alerts
      .command('graph-list')
      .description('List the alerts as Microsoft Graph serves them (/v1.0/security/alerts_v2; needs SecurityAlert.Read.All)'),
  )
    .option('--filter <odata>', "OData $filter, e.g. \"status eq 'new' and severity eq 'high'\"")
    .option('--orderby <order>', 'createdDateTime or lastUpdateDateTime, asc or desc')
    .option('--limit <n>', 'stop after n alerts')
    .option('--jsonl', 'print JSON Lines (one record per line)')
    .action(async (o: ConnectionOptions & { filter?: string; orderby?: string; limit?: string; json?: boolean; jsonl?: boolean }) => {
      const limit = o.limit === undefined ? undefined : positiveInt('--limit', o.limit);
      const client = managementClient(o).securityAlerts;
      async function* all(): AsyncIterable<SecurityAlert> {
        let skip = 0;
        const top = limit !== undefined && limit < 500 ? limit : 500;
        for (;;) {
          const page = await client.page({
            top,
            skip,
            ...(o.filter ? { filter: o.filter } : {}),
            ...(o.orderby ? { orderBy: o.orderby } : {}),
          });
          yield* page.value;
          if (!page['@odata.nextLink']) return;
          skip += top;
        }
      }
      await printList(all(), outputMode(o, true), GRAPH_ALERT_COLUMNS, limit);
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
