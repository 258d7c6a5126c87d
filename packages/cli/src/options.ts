import { Option, type Command } from 'commander';
import type { FilterResource } from '@appwarden/protocol';
import { parseFilterExpressions } from './cli-filters.js';
import { UsageError, type CloudAppsOptions } from './connection.js';

// The flags of every server-facing command: management commands (withConnectionOptions), Cloud
// Apps commands (withCloudAppsOptions) and their list commands (withListOptions).

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

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Connection, authentication and output options of the Cloud Apps commands. */
export function withCloudAppsOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'server URL (APPWARDEN_URL; for Appwarden also the authority host)')
    .option('--profile <name>', 'profile of the config file (APPWARDEN_PROFILE)')
    .option('--ca <file>', 'CA certificate to trust (APPWARDEN_CA)')
    .option('--data-dir <dir>', 'local data directory: finds ca.pem (APPWARDEN_DATA_DIR)')
    .option('--tenant <tenant>', 'tenant id or domain (AZURE_TENANT_ID)')
    .option('--client-id <id>', 'client id (AZURE_CLIENT_ID)')
    .option('--client-secret <secret>', 'client secret (AZURE_CLIENT_SECRET)')
    .option('--api-token <token>', 'legacy Cloud Apps API token (APPWARDEN_API_TOKEN)')
    .option('--timeout <seconds>', 'time limit per request attempt')
    .option('--retries <n>', 'retries after throttling and server errors (default 3)')
    .option('--json', 'print JSON')
    .option('--jsonl', 'print JSON Lines (one record per line)');
}

export interface ListCliOptions extends CloudAppsOptions {
  filter?: string[];
  filters?: string;
  sort?: string;
  asc?: boolean;
  desc?: boolean;
  limit?: string;
  pageSize?: string;
}

/** Filter, sort and size options of list commands. */
export function withListOptions(cmd: Command, sortFields: readonly string[]): Command {
  return cmd
    .option('--filter <expr>', "filter, repeatable: 'severity=2', 'date>=2026-01-01', 'ip.address^=10.', 'date:gte_ndays=7'", collect)
    .option('--filters <json>', 'raw filters JSON, as the API takes them')
    .addOption(new Option('--sort <field>', 'sort field').choices([...sortFields]))
    .option('--asc', 'ascending')
    .option('--desc', 'descending')
    .option('--limit <n>', 'stop after n records')
    .option('--page-size <n>', 'records per request');
}

export function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
}

/** The SDK list options from the CLI flags. Filters are checked against the field registry. */
export function listOptions(resource: FilterResource, o: ListCliOptions) {
  const filters = parseFilterExpressions(resource, o.filter ?? [], o.filters);
  if (o.asc && o.desc) throw new UsageError('--asc and --desc exclude each other');
  const pageSize = positiveInt('--page-size', o.pageSize);
  return {
    // Checked at run time by parseFilterExpressions: the CLI cannot know them at compile time.
    filters: filters as never,
    ...(o.sort ? { sortField: o.sort as never } : {}),
    ...(o.asc ? { sortDirection: 'asc' as const } : o.desc ? { sortDirection: 'desc' as const } : {}),
    ...(pageSize !== undefined ? { maxPageSize: pageSize } : {}),
  };
}
