import { findLogSource, parserForSource } from '../../../discovery/index.js';
import { CUSTOM_PARSER_LOG_TYPE, newStreamRow, STREAM_TYPE, type StreamSettings } from '../../../discovery/ingest/streams.js';
import { invalidParameter, notFound } from '../../errors.js';
import { boolParam, intParam, stringParam } from '../../request-params.js';
import type { CloudAppsCall, CloudAppsRoute } from '../../route-definition.js';
import { newObjectId } from '../../subnets/model.js';
import { pageOf, pageParams, sortBy, sortDirection } from '../memory-list.js';
import { customParserParam } from './custom-parser.js';
import { newFtpLogin } from '../../../discovery/ingest/ftp-receiver.js';
import { dataSourceJson, RECEIVERS } from './model.js';

async function list(call: CloudAppsCall) {
  const { skip, limit } = pageParams(call.params);
  const sign = sortDirection(call.params, 'desc');
  const rows = (await call.services.stores.discovery.streams.list(call.caller.tenant.id)).filter((r) => r.is_data_source === 1);
  sortBy(
    rows,
    (r) => r.created,
    sign,
    (r) => r.id,
  );
  return pageOf(rows, skip, limit, (r) => dataSourceJson(call, r));
}

async function fetch(call: CloudAppsCall) {
  const row = await call.services.stores.discovery.streams.get(call.caller.tenant.id, call.path.id!);
  if (!row || row.is_data_source !== 1) throw notFound();
  return dataSourceJson(call, row);
}

async function create(call: CloudAppsCall) {
  const p = call.params;
  const tenantId = call.caller.tenant.id;
  const name = stringParam(p, 'displayName')?.trim();
  if (!name) throw invalidParameter('displayName', 'displayName is required', p.displayName ?? null);
  const logTypeRaw = p.logType ?? p.source;
  const source = logTypeRaw === undefined || logTypeRaw === null ? undefined : findLogSource(String(logTypeRaw));
  const isCustom = source?.id === CUSTOM_PARSER_LOG_TYPE;
  if (!source || source.id === null || (!isCustom && !parserForSource(source.id))) {
    throw invalidParameter('logType', `Unsupported log type: ${String(logTypeRaw ?? '(none)')}`, logTypeRaw ?? null);
  }
  if (!isCustom && p.customParser !== undefined && p.customParser !== null) {
    throw invalidParameter('customParser', 'customParser is only for data sources of logType CUSTOM_PARSER (167)', source.name);
  }
  const customParser = isCustom ? customParserParam(p) : undefined;
  const receiver = receiverParams(p);
  const port = intParam(p, 'port', 0);
  if (port < 0 || port > 65535) throw invalidParameter('port', `${port} is not a port`, port);
  const utcOffsetMinutes = p.utcOffsetMinutes === undefined ? undefined : intParam(p, 'utcOffsetMinutes', 0);
  if ((await call.services.stores.discovery.streams.list(tenantId)).some((s) => s.is_data_source === 1 && s.display_name === name)) {
    throw invalidParameter('displayName', `A data source named '${name}' already exists`, name);
  }
  const login = receiver.kind === 'ftp' ? newFtpLogin() : undefined;
  const row = newStreamRow(tenantId, newObjectId(call.now), call.now, {
    display_name: name,
    stream_type: STREAM_TYPE.INPUT,
    log_type: source.id,
    is_data_source: 1,
    receiver_type: receiver.kind === 'ftp' ? receiver.type : 'syslog',
    protocol: receiver.kind === 'syslog' ? receiver.protocol : null,
    port: port === 0 || receiver.kind === 'ftp' ? null : port,
    receiver_user: login?.user ?? null,
    receiver_secret_hash: login ? call.services.master.hashSecret(login.password) : null,
    anonymize_users: boolParam(p, 'anonymizeUsers') ? 1 : 0,
    settings: JSON.stringify({
      ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}),
      ...(customParser ? { customParser } : {}),
    } satisfies StreamSettings),
  });
  if (receiver.kind === 'ftp') {
    if (port !== 0)
      throw invalidParameter('port', `${port}: FTP data sources share the FTP server's port (discoveryFtpPort); leave port out`, port);
    const ftp = call.services.discovery.ftp;
    try {
      await ftp.listen();
    } catch (e) {
      throw invalidParameter(
        'receiverTypeFull',
        `${receiver.type}: the FTP server cannot listen on ${ftp.options.host}:${ftp.options.port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        receiver.type,
      );
    }
    await call.services.stores.discovery.streams.insert(row);
    // The password is shown here once; only its keyed hash is stored.
    const json = dataSourceJson(call, row);
    return { ...json, ftp: { ...ftp.details(row), password: login!.password } };
  }
  let bound: number;
  try {
    bound = await call.services.discovery.syslog.open(row);
  } catch (e) {
    throw invalidParameter(
      'port',
      `The receiver cannot listen on port ${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      port,
    );
  }
  row.port = bound;
  try {
    await call.services.stores.discovery.streams.insert(row);
  } catch (e) {
    await call.services.discovery.syslog.close(row.id);
    throw e;
  }
  return dataSourceJson(call, row);
}

/**
 * The receiver of a create body: `receiverType` (syslog, ftp, ftps) and `receiverTypeFull` (or
 * `protocol`: syslog-udp, syslog-tcp, syslog-tls, ftp, ftps). Either may be left out; when both
 * are given they must agree. A refusal names the refused value.
 */
function receiverParams(
  p: Record<string, unknown>,
): { kind: 'syslog'; protocol: 'udp' | 'tcp' | 'tls' } | { kind: 'ftp'; type: 'ftp' | 'ftps' } {
  const typeRaw = stringParam(p, 'receiverType');
  const fullRaw = stringParam(p, 'receiverTypeFull') ?? stringParam(p, 'protocol');
  const type = typeRaw?.trim().toLowerCase();
  const full = fullRaw?.trim().toLowerCase();
  if (type !== undefined && !RECEIVER_TYPES.includes(type)) {
    throw invalidParameter('receiverType', `${typeRaw}: receiverType must be one of ${RECEIVER_TYPES.join(', ')}`, typeRaw);
  }
  if (full !== undefined && !(full in RECEIVERS) && full !== 'ftp' && full !== 'ftps') {
    throw invalidParameter(
      'receiverTypeFull',
      `${fullRaw}: receiverTypeFull must be one of syslog-udp, syslog-tcp, syslog-tls, ftp, ftps`,
      fullRaw,
    );
  }
  const ftpType =
    full === 'ftp' || full === 'ftps' ? full : type === 'ftp' || type === 'ftps' ? (full === undefined ? type : undefined) : undefined;
  if (ftpType) {
    // receiverType ftp with receiverTypeFull ftps (the portal's pair) means FTPS.
    if (type !== undefined && type !== 'ftp' && type !== ftpType) {
      throw invalidParameter('receiverType', `${typeRaw}: receiverType does not match receiverTypeFull ${fullRaw}`, typeRaw);
    }
    return { kind: 'ftp', type: ftpType };
  }
  if (type === 'ftp' || type === 'ftps') {
    throw invalidParameter('receiverTypeFull', `${fullRaw}: receiverType ${typeRaw} needs receiverTypeFull ftp or ftps`, fullRaw);
  }
  return { kind: 'syslog', protocol: RECEIVERS[full ?? 'syslog-udp']! };
}

const RECEIVER_TYPES = ['syslog', 'ftp', 'ftps'];

async function remove(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  const row = await call.services.stores.discovery.streams.get(tenantId, call.path.id!);
  if (!row || row.is_data_source !== 1) throw notFound();
  await call.services.discovery.syslog.close(row.id);
  await call.services.stores.transaction(async (tx) => {
    await tx.discovery.usage.deleteStream(tenantId, row.id);
    await tx.discovery.streams.delete(tenantId, row.id);
  });
  // The row (and with it the login) is gone: end the data source's FTP sessions too.
  await call.services.discovery.ftp.close(row.id);
  return {};
}

/**
 * Data sources: continuous streams with a syslog or FTP/FTPS receiver, optionally read by a custom parser.
 * Listing and reading need Discovery.read; creating and deleting need Discovery.manage.
 */
export const DATA_SOURCE_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET'],
    paths: ['discovery/data_sources'],
    rootPaths: ['discovery/data_sources'],
    endpoint: 'discovery.streams',
    handle: list,
  },
  {
    methods: ['POST'],
    paths: ['discovery/data_sources'],
    rootPaths: ['discovery/data_sources'],
    endpoint: 'discovery.upload',
    handle: create,
  },
  {
    methods: ['GET'],
    paths: ['discovery/data_sources/:id'],
    rootPaths: ['discovery/data_sources/:id'],
    endpoint: 'discovery.streams',
    handle: fetch,
  },
  {
    methods: ['DELETE'],
    paths: ['discovery/data_sources/:id'],
    rootPaths: ['discovery/data_sources/:id'],
    endpoint: 'discovery.upload',
    handle: remove,
  },
];
