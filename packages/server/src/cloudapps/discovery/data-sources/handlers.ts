import { findLogSource, parserForSource } from '../../../discovery/index.js';
import { CUSTOM_PARSER_LOG_TYPE, newStreamRow, STREAM_TYPE, type StreamSettings } from '../../../discovery/ingest/streams.js';
import { invalidParameter, notFound } from '../../errors.js';
import { boolParam, intParam, stringParam } from '../../request-params.js';
import type { CloudAppsCall, CloudAppsRoute } from '../../route-definition.js';
import { newObjectId } from '../../subnets/model.js';
import { pageOf, pageParams, sortBy, sortDirection } from '../memory-list.js';
import { customParserParam } from './custom-parser.js';
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
  const full = (stringParam(p, 'receiverTypeFull') ?? stringParam(p, 'protocol') ?? 'syslog-udp').toLowerCase();
  const receiverType = (stringParam(p, 'receiverType') ?? 'syslog').toLowerCase();
  const protocol = RECEIVERS[full];
  if (receiverType !== 'syslog' || !protocol) {
    throw invalidParameter('receiverTypeFull', `${full}: only syslog-udp, syslog-tcp and syslog-tls receivers are supported`, full);
  }
  const port = intParam(p, 'port', 0);
  if (port < 0 || port > 65535) throw invalidParameter('port', `${port} is not a port`, port);
  const utcOffsetMinutes = p.utcOffsetMinutes === undefined ? undefined : intParam(p, 'utcOffsetMinutes', 0);
  if ((await call.services.stores.discovery.streams.list(tenantId)).some((s) => s.is_data_source === 1 && s.display_name === name)) {
    throw invalidParameter('displayName', `A data source named '${name}' already exists`, name);
  }
  const row = newStreamRow(tenantId, newObjectId(call.now), call.now, {
    display_name: name,
    stream_type: STREAM_TYPE.INPUT,
    log_type: source.id,
    is_data_source: 1,
    receiver_type: 'syslog',
    protocol,
    port: port === 0 ? null : port,
    anonymize_users: boolParam(p, 'anonymizeUsers') ? 1 : 0,
    settings: JSON.stringify({
      ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}),
      ...(customParser ? { customParser } : {}),
    } satisfies StreamSettings),
  });
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

async function remove(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  const row = await call.services.stores.discovery.streams.get(tenantId, call.path.id!);
  if (!row || row.is_data_source !== 1) throw notFound();
  await call.services.discovery.syslog.close(row.id);
  await call.services.stores.transaction(async (tx) => {
    await tx.discovery.usage.deleteStream(tenantId, row.id);
    await tx.discovery.streams.delete(tenantId, row.id);
  });
  return {};
}

/**
 * Data sources: continuous streams with a syslog receiver, optionally read by a custom parser.
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
