import type { Command } from 'commander';
import { ENTITY_STATUS, ENTITY_TYPE } from '@appwarden/protocol';
import type { Entity, EntityKey } from '@appwarden/sdk';
import { cloudAppsClient, type CloudAppsOptions } from '../connection.js';
import { listOptions, positiveInt, withCloudAppsOptions, withListOptions, type ListCliOptions } from '../options.js';
import { codeLabels, outputMode, printList, printObject, renderTable, type Column } from '../output.js';

const entityType = codeLabels(ENTITY_TYPE);
const entityStatus = codeLabels(ENTITY_STATUS, { NA: 'n/a' });

export const ENTITY_COLUMNS: Column<Entity>[] = [
  { header: 'displayName', value: (e) => e.displayName, max: 32 },
  { header: 'type', value: (e) => entityType(e.type) ?? e.type },
  { header: 'app', value: (e) => e.appData?.name, max: 24 },
  { header: 'status', value: (e) => entityStatus(e.status ?? ENTITY_STATUS.NA) },
  { header: 'external', value: (e) => (e.isExternal === null || e.isExternal === undefined ? '' : e.isExternal ? 'yes' : 'no') },
  { header: 'id', value: (e) => e.id },
];

type KeyOptions = CloudAppsOptions & { saas?: string; inst?: string };

/** A base64 key or 24-hex _id as given; an id with --saas/--inst becomes `{id, saas, inst}`. */
function entityKey(key: string, o: KeyOptions): string | EntityKey {
  if (o.saas === undefined && o.inst === undefined) return key;
  return { id: key, ...(o.saas !== undefined ? { saas: Number(o.saas) } : {}), inst: Number(o.inst ?? 0) };
}

/** `appwarden entities list|get|tree` */
export function registerEntities(program: Command): void {
  const entities = program.command('entities').description('Cloud Apps entities (users and accounts)');
  withListOptions(withCloudAppsOptions(entities.command('list').description('List entities')), [
    'displayName',
    'username',
    'lastSeen',
    'score',
  ]).action(async (o: ListCliOptions) => {
    const client = cloudAppsClient(o);
    await printList(client.entities.list(listOptions('entities', o)), outputMode(o, true), ENTITY_COLUMNS, positiveInt('--limit', o.limit));
  });
  const keyHelp = 'base64 entity key, 24-hex _id, or the entity id with --saas (and --inst)';
  withCloudAppsOptions(entities.command('get <key>').description(`Show one entity (${keyHelp})`))
    .option('--saas <appId>', 'app id of the entity key (11161 for Office 365)')
    .option('--inst <n>', 'app instance of the entity key (default 0)')
    .action(async (key: string, o: KeyOptions) => {
      printObject(await cloudAppsClient(o).entities.get(entityKey(key, o)), outputMode(o, false));
    });
  withCloudAppsOptions(entities.command('tree <key>').description(`Show a user with its accounts (${keyHelp})`))
    .option('--saas <appId>', 'app id of the entity key')
    .option('--inst <n>', 'app instance of the entity key (default 0)')
    .action(async (key: string, o: KeyOptions) => {
      const tree = await cloudAppsClient(o).entities.tree(entityKey(key, o));
      const mode = outputMode(o, false);
      if (mode !== 'table') return printObject(tree, mode);
      const { children = [], ...root } = tree;
      process.stdout.write(
        renderTable(
          [root as Entity, ...children],
          ENTITY_COLUMNS.map((c, i) => (i === 0 ? { ...c, value: (e: Entity) => (e === root ? '' : '└ ') + (e.displayName ?? '') } : c)),
        ),
      );
    });
}
