import type { Command } from 'commander';
import { SORT_FIELDS } from '@appwarden/protocol';
import type { CloudAppsFile } from '@appwarden/sdk';
import { cloudAppsClient, type CloudAppsOptions } from '../connection.js';
import { listOptions, positiveInt, withCloudAppsOptions, withListOptions, type ListCliOptions } from '../options.js';
import { outputMode, printList, printObject, type Column } from '../output.js';

/** The name of a `[code, "NAME"]` pair, lower-cased for the table. */
const pairName = (p: unknown) => (Array.isArray(p) && typeof p[1] === 'string' ? p[1].toLowerCase().replace(/_/g, ' ') : '');

export const FILE_COLUMNS: Column<CloudAppsFile>[] = [
  { header: 'name', value: (f) => f.name, max: 32 },
  { header: 'type', value: (f) => pairName(f.fileType) },
  { header: 'sharing', value: (f) => pairName(f.fileAccessLevel) },
  { header: 'owner', value: (f) => f.ownerAddress, max: 32 },
  { header: 'app', value: (f) => f.appName, max: 24 },
  { header: 'modified', value: (f) => (typeof f.modifiedDate === 'number' ? new Date(f.modifiedDate).toISOString() : '') },
  { header: '_id', value: (f) => f._id },
];

/** `appwarden files list|get` */
export function registerFiles(program: Command): void {
  const files = program.command('files').description('Cloud Apps files of connected apps');
  withListOptions(
    withCloudAppsOptions(files.command('list').description('List files (trashed ones only with --filter allowDeleted=true)')),
    SORT_FIELDS.files.fields,
  ).action(async (o: ListCliOptions) => {
    const client = cloudAppsClient(o);
    await printList(client.files.list(listOptions('files', o)), outputMode(o, true), FILE_COLUMNS, positiveInt('--limit', o.limit));
  });
  withCloudAppsOptions(files.command('get <id>').description('Show one file by its 24-hex _id')).action(
    async (id: string, o: CloudAppsOptions) => {
      printObject(await cloudAppsClient(o).files.get(id), outputMode(o, false));
    },
  );
}
