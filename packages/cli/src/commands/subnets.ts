import type { Command } from 'commander';
import { IP_CATEGORY } from '@appwarden/protocol';
import type { Subnet, SubnetInput } from '@appwarden/sdk';
import { parseFilterExpressions } from '../cli-filters.js';
import { cloudAppsClient, type CloudAppsOptions, UsageError } from '../connection.js';
import { positiveInt, withCloudAppsOptions, type ListCliOptions } from '../options.js';
import { outputMode, printList, printObject, type Column } from '../output.js';
import { Option } from 'commander';

const CATEGORY_NAMES = Object.fromEntries(Object.entries(IP_CATEGORY).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')])) as Record<
  number,
  string
>;

export const SUBNET_COLUMNS: Column<Subnet>[] = [
  { header: 'id', value: (s) => s._id },
  { header: 'name', value: (s) => s.name, max: 32 },
  { header: 'category', value: (s) => CATEGORY_NAMES[s.category] ?? s.category },
  { header: 'subnets', value: (s) => s.subnets.map((x) => x.originalString), max: 48 },
  { header: 'organization', value: (s) => s.organization, max: 24 },
  { header: 'tags', value: (s) => (s.tags ?? []).map((t) => t.name), max: 32 },
];

/** `corporate`, `cloud-provider` or 1..6. */
function category(v: string): number {
  if (/^\d+$/.test(v)) return Number(v);
  const found = Object.entries(CATEGORY_NAMES).find(([, name]) => name === v.toLowerCase());
  if (!found) throw new UsageError(`--category: one of ${Object.values(CATEGORY_NAMES).slice(1).join(', ')} or 1-6`);
  return Number(found[0]);
}

type InputOptions = CloudAppsOptions & {
  name?: string;
  category: string;
  subnet: string[];
  organization?: string;
  overrideOrganization?: boolean;
  tag?: string[];
};

function input(name: string, o: InputOptions): SubnetInput {
  return {
    name,
    category: category(o.category),
    subnets: o.subnet,
    ...(o.organization !== undefined ? { organization: o.organization } : {}),
    ...(o.overrideOrganization ? { overrideOrganization: true } : {}),
    ...(o.tag ? { tags: o.tag } : {}),
  };
}

function withInputOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--category <category>', 'corporate, administrative, risky, vpn, cloud-provider, other (or 1-6)').makeOptionMandatory(),
    )
    .requiredOption('--subnet <cidr...>', 'addresses or CIDR ranges, IPv4 or IPv6')
    .option('--organization <isp>', 'registered ISP')
    .option('--override-organization', 'override the ISP of matching addresses')
    .option('--tag <tag...>', 'tag names or ids');
}

/** `appwarden subnets list|create|update|delete` (IP address ranges). */
export function registerSubnets(program: Command): void {
  const subnets = program.command('subnets').description('IP address ranges (data enrichment)');
  withCloudAppsOptions(subnets.command('list').description('List IP address ranges'))
    .option('--filter <expr>', "filter, repeatable: 'category=1', 'builtIn=false', 'tags=<id>'", (v: string, p: string[] = []) => [...p, v])
    .option('--filters <json>', 'raw filters JSON')
    .addOption(new Option('--sort <field>', 'sort field').choices(['category', 'tags', 'name']))
    .option('--asc', 'ascending')
    .option('--desc', 'descending')
    .option('--limit <n>', 'stop after n records')
    .action(async (o: ListCliOptions) => {
      const client = cloudAppsClient(o);
      const items = client.subnets.list({
        filters: parseFilterExpressions('subnets', o.filter ?? [], o.filters),
        ...(o.sort ? { sortField: o.sort as 'name' } : {}),
        ...(o.asc ? { sortDirection: 'asc' as const } : o.desc ? { sortDirection: 'desc' as const } : {}),
      });
      await printList(items, outputMode(o, true), SUBNET_COLUMNS, positiveInt('--limit', o.limit));
    });
  withCloudAppsOptions(withInputOptions(subnets.command('create <name>').description('Create an IP address range'))).action(
    async (name: string, o: InputOptions) => {
      const id = await cloudAppsClient(o).subnets.create(input(name, o));
      const mode = outputMode(o, false);
      if (mode === 'table') process.stdout.write(`${id}\n`);
      else printObject({ id }, mode);
    },
  );
  withCloudAppsOptions(
    withInputOptions(subnets.command('update <id>').description('Replace an IP address range (omitted options become empty)')),
  )
    .requiredOption('--name <name>', 'name of the range')
    .action(async (id: string, o: InputOptions) => {
      await cloudAppsClient(o).subnets.update(id, input(o.name!, o));
      printObject({ updated: id }, outputMode(o, false));
    });
  withCloudAppsOptions(subnets.command('delete <id...>').description('Delete IP address ranges')).action(
    async (ids: string[], o: CloudAppsOptions) => {
      const client = cloudAppsClient(o);
      for (const id of ids) await client.subnets.delete(id);
      printObject({ deleted: ids }, outputMode(o, false));
    },
  );
}
