import type { Command } from 'commander';
import type { Activity } from '@appwarden/sdk';
import { cloudAppsClient, type CloudAppsOptions, UsageError } from '../connection.js';
import { listOptions, positiveInt, withCloudAppsOptions, withListOptions, type ListCliOptions } from '../options.js';
import { isoTime, outputMode, printList, printObject, type Column } from '../output.js';

export const ACTIVITY_COLUMNS: Column<Activity>[] = [
  { header: 'date', value: (a) => isoTime(a.timestamp) },
  { header: 'app', value: (a) => a.appName ?? a.appId, max: 24 },
  { header: 'event', value: (a) => a.description ?? a.eventTypeValue, max: 32 },
  { header: 'user', value: (a) => a.user?.userName, max: 36 },
  { header: 'ip', value: (a) => a.device?.clientIP },
  { header: 'country', value: (a) => a.location?.countryCode },
  { header: 'id', value: (a) => a._id },
];

/** `appwarden activities list|get` */
export function registerActivities(program: Command): void {
  const activities = program.command('activities').description('Cloud Apps activities');
  withListOptions(withCloudAppsOptions(activities.command('list').description('List activities (newest first)')), ['date', 'created'])
    .option('--scan', 'scan mode: follows nextQueryFilters, for large exports (500-5000 per request)')
    .action(async (o: ListCliOptions & { scan?: boolean }) => {
      const client = cloudAppsClient(o);
      const opts = listOptions('activities', o);
      if (o.scan && o.sort && o.sort !== 'date') throw new UsageError('--scan walks the date axis: --sort date only');
      const items = o.scan
        ? client.activities.scan({
            filters: opts.filters,
            ...('sortDirection' in opts ? { sortDirection: opts.sortDirection } : {}),
            maxPageSize: opts.maxPageSize ?? 500,
          })
        : client.activities.list(opts);
      await printList(items, outputMode(o, true), ACTIVITY_COLUMNS, positiveInt('--limit', o.limit));
    });
  withCloudAppsOptions(activities.command('get <id>').description('Show one activity')).action(async (id: string, o: CloudAppsOptions) => {
    printObject(await cloudAppsClient(o).activities.get(id), outputMode(o, false));
  });
}
