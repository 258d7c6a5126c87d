import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  BLOCK_SCRIPT_FORMATS,
  type CustomParserDefinition,
  type DiscoveredApp,
  type DiscoveryCategory,
  type DiscoveryDataSource,
  type DiscoveryStream,
  type UploadJob,
} from '@appwarden/sdk';
import { adminRequest, adminTenant, checkAdminResponse, cloudAppsClient, type CloudAppsOptions, UsageError } from '../connection.js';
import { positiveInt, withCloudAppsOptions } from '../options.js';
import { formatBytes, isoTime, isTty, outputMode, printList, printObject, renderTable, type Column } from '../output.js';
import { ProgressBar } from '../progress-bar.js';

const STREAM_COLUMNS: Column<DiscoveryStream>[] = [
  { header: 'id', value: (s) => s._id },
  { header: 'displayName', value: (s) => s.displayName, max: 40 },
  { header: 'logType', value: (s) => s.logType },
  { header: 'lastDataReceived', value: (s) => (s.lastDataReceived ? isoTime(s.lastDataReceived) : '') },
];
const APP_COLUMNS: Column<DiscoveredApp>[] = [
  { header: 'appId', value: (a) => a.appId },
  { header: 'name', value: (a) => a.name, max: 32 },
  { header: 'category', value: (a) => String(a.category ?? '').replace(/^SAASDB_CATEGORY_/, ''), max: 24 },
  { header: 'score', value: (a) => a.score },
  { header: 'users', value: (a) => a.usersCount },
  { header: 'ips', value: (a) => a.ipAddressesCount },
  { header: 'traffic', value: (a) => (a.trafficTotalBytes !== undefined ? formatBytes(a.trafficTotalBytes) : '') },
  { header: 'uploaded', value: (a) => (a.trafficUploadedBytes !== undefined ? formatBytes(a.trafficUploadedBytes) : '') },
];
const DATA_SOURCE_COLUMNS: Column<DiscoveryDataSource>[] = [
  { header: 'id', value: (s) => s._id },
  { header: 'displayName', value: (s) => s.displayName, max: 40 },
  { header: 'logType', value: (s) => s.logType },
  { header: 'receiver', value: (s) => s.receiverTypeFull ?? '' },
  { header: 'port', value: (s) => s.port ?? '' },
  { header: 'user', value: (s) => s.ftp?.user ?? '' },
  { header: 'parser', value: (s) => (s.customParser ? s.customParser.layout : '') },
  { header: 'lastDataReceived', value: (s) => (s.lastDataReceived ? isoTime(s.lastDataReceived) : '') },
];
const CATEGORY_COLUMNS: Column<DiscoveryCategory>[] = [
  { header: 'category', value: (c) => c.id.replace(/^SAASDB_CATEGORY_/, '') },
  { header: 'apps', value: (c) => c.total },
];

/** A stream id (24 hex) or a display name ("Global View"). */
async function streamId(o: CloudAppsOptions & { stream?: string }): Promise<string> {
  const wanted = o.stream ?? 'Global View';
  if (/^[0-9a-f]{24}$/.test(wanted)) return wanted;
  const streams = await cloudAppsClient(o).discovery.streams();
  const found = streams.find((s) => s.displayName === wanted);
  if (!found) throw new UsageError(`no report named '${wanted}' (appwarden discovery streams lists them)`);
  return found._id;
}

function timeframe(v: string | undefined): 7 | 30 | 90 {
  const n = Number(v ?? 30);
  if (n !== 7 && n !== 30 && n !== 90) throw new UsageError('--timeframe must be 7, 30 or 90');
  return n;
}

function printJobSummary(job: UploadJob): void {
  const r = (job.result ?? {}) as Record<string, unknown>;
  const rows = Object.entries(r)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
    .map(([k, v]) => ({ k, v }));
  process.stdout.write(`job ${job._id}: ${job.status}${job.error ? ` (${job.error})` : ''}\n`);
  if (rows.length)
    process.stdout.write(
      renderTable(rows, [
        { header: 'result', value: (x) => x.k },
        { header: '', value: (x) => x.v },
      ]),
    );
}

/** A custom parser definition from a JSON file (`-` = stdin); the server validates it. */
function readParserFile(file: string): CustomParserDefinition {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (e) {
    throw new UsageError(`--parser: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
    return v as CustomParserDefinition;
  } catch (e) {
    throw new UsageError(`--parser: ${file} is not a JSON object (${(e as Error).message})`);
  }
}

/** `appwarden discovery upload|streams|apps|categories|data-sources|block-script` */
export function registerDiscovery(program: Command): void {
  const discovery = program.command('discovery').description('Cloud Discovery: log upload, reports, block scripts');

  withCloudAppsOptions(
    discovery
      .command('upload <file>')
      .description('Upload a firewall/proxy log: upload_url, blob upload in blocks, done_upload; then wait for the report'),
  )
    .requiredOption(
      '--source <SOURCE>',
      'log type, e.g. SQUID, PALO_ALTO, BLUECOAT, GENERIC_CEF; CUSTOM_PARSER uses the parser of the --stream data source',
    )
    .requiredOption(
      '--stream <name>',
      'data source (continuous report) name; with --snapshot the snapshot report name; with CUSTOM_PARSER the data source whose parser reads the file',
    )
    .option('--snapshot', 'create a snapshot report instead of feeding a continuous one')
    .option('--block-size <MiB>', 'MiB per Put Block (default 4)')
    .option('--no-wait', 'do not wait for the processing job')
    .action(
      async (
        file: string,
        o: CloudAppsOptions & { source: string; stream: string; snapshot?: boolean; blockSize?: string; wait: boolean },
      ) => {
        if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
        const client = cloudAppsClient(o);
        const size = fs.statSync(file).size;
        const tty = isTty(process.stderr);
        const bar = new ProgressBar(`uploading ${path.basename(file)}`, size, process.stderr, tty);
        const blockMiB = o.blockSize !== undefined ? Number(o.blockSize) : undefined;
        if (blockMiB !== undefined && !(blockMiB > 0)) throw new UsageError('--block-size must be a positive number of MiB');
        const say = (s: string) => tty && process.stderr.write(s);
        const result = await client.discovery.uploadFile(file, {
          source: o.source.toUpperCase(),
          streamName: o.stream,
          ...(o.snapshot ? { snapshot: true } : {}),
          ...(blockMiB !== undefined ? { blockSize: Math.round(blockMiB * 1024 * 1024) } : {}),
          onProgress: (p) => {
            if (p.step === 'upload') bar.update(p.loadedBytes, p.loadedBytes === size);
            else if (p.step === 'finalize') {
              bar.finish(p.loadedBytes);
              say('submitting (done_upload)...\n');
            }
          },
        });
        const mode = outputMode(o, false);
        if (!o.wait || !result.jobId) {
          printObject(result.response, mode);
          return;
        }
        let last = '';
        const job = await client.discovery.waitForUploadJob(result.jobId, {
          onStatus: (j) => {
            if (j.status !== last) say(`job ${j._id}: ${j.status}\n`);
            last = j.status;
          },
        });
        if (mode === 'table') printJobSummary(job);
        else printObject(job, mode);
        if (job.status === 'failed') process.exitCode = 1;
      },
    );

  withCloudAppsOptions(discovery.command('streams').description('List continuous reports (data sources)')).action(
    async (o: CloudAppsOptions) => {
      const streams = await cloudAppsClient(o).discovery.streams();
      await printList(
        (async function* () {
          yield* streams;
        })(),
        outputMode(o, true),
        STREAM_COLUMNS,
      );
    },
  );

  const ds = discovery
    .command('data-sources')
    .alias('data-source')
    .description('Data sources (syslog and FTP/FTPS receivers, custom parsers)');
  withCloudAppsOptions(ds.command('list', { isDefault: true }).description('List data sources, newest first'))
    .option('--limit <n>', 'stop after n data sources')
    .action(async (o: CloudAppsOptions & { limit?: string }) => {
      await printList(
        cloudAppsClient(o).discovery.dataSources(),
        outputMode(o, true),
        DATA_SOURCE_COLUMNS,
        positiveInt('--limit', o.limit),
      );
    });
  withCloudAppsOptions(ds.command('get <id>').description('One data source, with its receiver counters and custom parser')).action(
    async (id: string, o: CloudAppsOptions) => {
      printObject(await cloudAppsClient(o).discovery.getDataSource(id), outputMode(o, false));
    },
  );
  withCloudAppsOptions(
    ds.command('create <displayName>').description('Create a data source and its receiver (FTP/FTPS: prints the password once)'),
  )
    .requiredOption('--log-type <type>', 'log type name or code, e.g. SQUID_NATIVE_SYSLOG, 156, CUSTOM_PARSER (needs --parser)')
    .option(
      '--parser <file.json>',
      'custom parser definition (JSON file, - for stdin): layout, delimiter, header, fields, timestampFormat, blockedValues',
    )
    .option('--receiver <type>', 'syslog-udp (default), syslog-tcp, syslog-tls, ftp or ftps', 'syslog-udp')
    .option('--port <port>', 'syslog: port to listen on (default: a free one); FTP data sources share the FTP server port')
    .option('--utc-offset <minutes>', 'time zone of zone-less timestamps, minutes east of UTC')
    .option('--anonymize-users', 'anonymize user names')
    .action(
      async (
        displayName: string,
        o: CloudAppsOptions & {
          logType: string;
          parser?: string;
          receiver: string;
          port?: string;
          utcOffset?: string;
          anonymizeUsers?: boolean;
        },
      ) => {
        const receiver = o.receiver.toLowerCase();
        if (!['syslog-udp', 'syslog-tcp', 'syslog-tls', 'ftp', 'ftps'].includes(receiver))
          throw new UsageError(`--receiver ${o.receiver}: syslog-udp, syslog-tcp, syslog-tls, ftp or ftps`);
        if (o.port !== undefined && (receiver === 'ftp' || receiver === 'ftps'))
          throw new UsageError(`--port is for syslog receivers; ${receiver} data sources share the FTP server's port`);
        const logType = /^\d+$/.test(o.logType) ? Number(o.logType) : o.logType.toUpperCase();
        const custom = logType === 167 || logType === 'CUSTOM_PARSER';
        if (custom && !o.parser) throw new UsageError('--log-type CUSTOM_PARSER needs --parser <file.json>');
        if (!custom && o.parser) throw new UsageError('--parser is only for --log-type CUSTOM_PARSER');
        const port = o.port !== undefined ? Number(o.port) : undefined;
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UsageError('--port must be 1-65535');
        const offset = o.utcOffset !== undefined ? Number(o.utcOffset) : undefined;
        if (offset !== undefined && !Number.isInteger(offset)) throw new UsageError('--utc-offset must be a whole number of minutes');
        const created = await cloudAppsClient(o).discovery.createDataSource({
          displayName,
          logType,
          receiverTypeFull: receiver as 'syslog-udp' | 'ftp' | 'ftps',
          ...(port !== undefined ? { port } : {}),
          ...(offset !== undefined ? { utcOffsetMinutes: offset } : {}),
          ...(o.anonymizeUsers ? { anonymizeUsers: true } : {}),
          ...(o.parser ? { customParser: readParserFile(o.parser) } : {}),
        });
        printObject(created, outputMode(o, false));
      },
    );
  withCloudAppsOptions(ds.command('delete <id>').description('Delete a data source: closes its receiver, drops its report data')).action(
    async (id: string, o: CloudAppsOptions) => {
      await cloudAppsClient(o).discovery.deleteDataSource(id);
      printObject({ deleted: id }, outputMode(o, false));
    },
  );

  withCloudAppsOptions(discovery.command('apps').description('Discovered apps of a report'))
    .option('--stream <id or name>', 'report (default "Global View")')
    .option('--timeframe <days>', '7, 30 or 90 (default 30)')
    .option('--category <id>', 'SAASDB_CATEGORY_<X> (or just <X>)')
    .option('--sort <field>', 'name, usersCount, ipAddressesCount, lastUsed, trafficUploadedBytes, trafficTotalEvents')
    .option('--asc', 'ascending')
    .option('--limit <n>', 'stop after n apps')
    .action(
      async (
        o: CloudAppsOptions & { stream?: string; timeframe?: string; category?: string; sort?: string; asc?: boolean; limit?: string },
      ) => {
        const id = await streamId(o);
        const category = o.category
          ? o.category.startsWith('SAASDB_')
            ? o.category
            : `SAASDB_CATEGORY_${o.category.toUpperCase()}`
          : undefined;
        const items = cloudAppsClient(o).discovery.apps({
          streamId: id,
          timeframe: timeframe(o.timeframe),
          ...(category ? { category } : {}),
          ...(o.sort ? { sortField: o.sort as 'name' } : {}),
          ...(o.asc ? { sortDirection: 'asc' as const } : {}),
        });
        await printList(items, outputMode(o, true), APP_COLUMNS, positiveInt('--limit', o.limit));
      },
    );

  withCloudAppsOptions(discovery.command('categories').description('Categories of a report with their number of apps'))
    .option('--stream <id or name>', 'report (default "Global View")')
    .option('--timeframe <days>', '7, 30 or 90 (default 30)')
    .action(async (o: CloudAppsOptions & { stream?: string; timeframe?: string }) => {
      const cats = await cloudAppsClient(o).discovery.categories({ streamId: await streamId(o), timeFrame: timeframe(o.timeframe) });
      await printList(
        (async function* () {
          yield* cats;
        })(),
        outputMode(o, true),
        CATEGORY_COLUMNS,
      );
    });

  withCloudAppsOptions(
    discovery
      .command('sanction <appId>')
      .description(
        'Mark a catalog app sanctioned, unsanctioned or monitored in --tenant (block scripts use unsanctioned apps); "none" clears it',
      ),
  )
    .requiredOption('--state <state>', 'sanctioned | unsanctioned | monitored | none')
    .option('--operator-key <key>', 'operator key (APPWARDEN_OPERATOR_KEY)')
    .action(async (appId: string, o: CloudAppsOptions & { state: string }) => {
      const state = o.state.toLowerCase();
      if (!['sanctioned', 'unsanctioned', 'monitored', 'none'].includes(state)) {
        throw new UsageError('--state must be sanctioned, unsanctioned, monitored or none');
      }
      if (!/^\d+$/.test(appId)) throw new UsageError('<appId> is the numeric catalog id shown by `appwarden discovery apps`');
      const { status, body } = await adminRequest(o, adminTenant(o), `/discovery/apps/${appId}`, {
        method: state === 'none' ? 'DELETE' : 'PUT',
        ...(state === 'none' ? {} : { body: JSON.stringify({ state }), contentType: 'application/json' }),
      });
      checkAdminResponse(status, body, 'discovery sanction');
      printObject(body ?? { appId: Number(appId), state: null }, outputMode(o, false));
    });

  withCloudAppsOptions(discovery.command('block-script').description('Generate a block script for an appliance (plain text)'))
    .requiredOption('--format <appliance>', `${Object.keys(BLOCK_SCRIPT_FORMATS).join(', ')} or the numeric code`)
    .option('--type <type>', 'banned (default) or allowed', 'banned')
    .action(async (o: CloudAppsOptions & { format: string; type: string }) => {
      const key = o.format.toUpperCase().replace(/-/g, '_') as keyof typeof BLOCK_SCRIPT_FORMATS;
      const format = /^\d+$/.test(o.format) ? Number(o.format) : BLOCK_SCRIPT_FORMATS[key];
      if (format === undefined) throw new UsageError(`--format: one of ${Object.keys(BLOCK_SCRIPT_FORMATS).join(', ')} or a code`);
      if (o.type !== 'banned' && o.type !== 'allowed') throw new UsageError('--type: banned or allowed');
      const text = await cloudAppsClient(o).discovery.blockScript({ format, type: o.type });
      process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    });
}
