import crypto from 'node:crypto';
import { LIST_LIMITS } from '@appwarden/protocol';
import {
  blockScriptFileName,
  blockScriptGenerator,
  BLOCK_SCRIPT_GENERATORS,
  CATALOG_APPS,
  CustomParserConfigError,
  findLogSource,
  parserForSource,
  validateCustomParserConfig,
  type CustomParserConfig,
} from '../../discovery/index.js';
import type { JobInput, JobResult } from '../../discovery/ingest/job-runner.js';
import {
  CUSTOM_PARSER_LOG_TYPE,
  ensureGlobalStream,
  newStreamRow,
  reportStreams,
  STREAM_TYPE,
  streamJson,
  streamSettings,
  type StreamSettings,
} from '../../discovery/ingest/streams.js';
import { categoryCounts, discoveredApps, TIME_FRAMES, windowStart, type DiscoveredApp } from '../../discovery/reports/discovered-apps.js';
import type { DiscoveryJobRow, DiscoveryStreamRow, SanctionState } from '../../store/discovery-schema.js';
import { invalidParameter, notFound } from '../errors.js';
import { boolParam, intParam, stringParam } from '../request-params.js';
import { RawJson, RawText, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';
import { newObjectId } from '../subnets/model.js';

/** Where upload URLs point (an Azure-blob-compatible endpoint of Appwarden itself). */
export const UPLOAD_PATH = '/blob/discovery-uploads';
/** How long an upload URL accepts the file. */
const UPLOAD_URL_LIFETIME_MS = 24 * 3_600_000;
/** The x-ms-version the upload endpoint answers with and the URL's SAS-style `sv`. */
export const BLOB_API_VERSION = '2025-11-05';

function pageParams(p: Record<string, unknown>): { skip: number; limit: number } {
  const skip = intParam(p, 'skip', 0);
  if (skip < 0) throw invalidParameter('skip', 'skip must not be negative', skip);
  const limit = Math.min(Math.max(intParam(p, 'limit', LIST_LIMITS.defaultLimit), 1), LIST_LIMITS.maxLimit);
  return { skip, limit };
}

function direction(p: Record<string, unknown>, fallback: 'asc' | 'desc'): 1 | -1 {
  const dir = (stringParam(p, 'sortDirection') ?? fallback).toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', dir);
  return dir === 'asc' ? 1 : -1;
}

function objectParam(p: Record<string, unknown>, name: string): Record<string, unknown> {
  let v = p[name];
  if (typeof v === 'string') {
    if (v.trim() === '') return {};
    try {
      v = JSON.parse(v);
    } catch {
      throw invalidParameter(name, `${name} is not valid JSON`, v);
    }
  }
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidParameter(name, `${name} must be an object`, v);
  return v as Record<string, unknown>;
}

// ---- upload: upload_url -> PUT (blob endpoint) -> done_upload -> job ----

async function uploadUrl(call: CloudAppsCall) {
  const fileName = stringParam(call.params, 'filename')?.trim();
  if (!fileName) throw invalidParameter('filename', 'filename is required', call.params.filename ?? null);
  const source = stringParam(call.params, 'source')?.trim() ?? '';
  const known = findLogSource(source);
  if (known?.id === CUSTOM_PARSER_LOG_TYPE) {
    // The parser comes from a data source (named at done_upload): there has to be one.
    if ((await customDataSources(call)).length === 0) {
      throw invalidParameter(
        'source',
        'CUSTOM_PARSER needs a data source with a custom parser: create one (POST /api/v1/discovery/data_sources/ with logType 167 and customParser) and name it as inputStreamName in done_upload',
        source,
      );
    }
  } else if (!known || !parserForSource(source)) throw invalidParameter('source', `Unsupported log type: ${source || '(none)'}`, source);
  const id = crypto.randomUUID();
  const sig = crypto.randomBytes(32).toString('base64url');
  const expires = call.now + UPLOAD_URL_LIFETIME_MS;
  await call.services.stores.discovery.uploads.insert({
    id,
    tenant_id: call.caller.tenant.id,
    file_name: fileName.slice(0, 255),
    source: known.name,
    token_hash: call.services.master.hashSecret(sig),
    state: 'open',
    size: 0,
    created_at: call.now,
    expires_at: expires,
    committed_at: null,
  });
  // SAS-shaped query: Azure clients keep it and append their own (comp=block&blockid=...).
  const q = new URLSearchParams({ sv: BLOB_API_VERSION, sr: 'b', sp: 'cw', se: new Date(expires).toISOString(), sig });
  return { url: `${call.services.origin.value}${UPLOAD_PATH}/${id}?${q.toString()}`, provider: 'azure' };
}

function jobJson(row: DiscoveryJobRow) {
  const input = JSON.parse(row.input) as JobInput;
  const result = row.result === null ? null : (JSON.parse(row.result) as JobResult);
  return {
    _id: row.id,
    status: row.state,
    streamId: row.stream_id,
    fileName: input.fileName,
    source: input.source,
    uploadAsSnapshot: input.snapshot,
    created: row.created_at,
    started: row.started_at,
    finished: row.finished_at,
    attempts: row.attempts,
    error: row.error,
    result,
  };
}

async function doneUpload(call: CloudAppsCall) {
  const p = call.params;
  const tenantId = call.caller.tenant.id;
  const url = stringParam(p, 'uploadUrl')?.trim();
  if (!url) throw invalidParameter('uploadUrl', 'uploadUrl is required', p.uploadUrl ?? null);
  const id = /\/discovery-uploads\/([A-Za-z0-9-]+)/.exec(url)?.[1];
  const uploads = call.services.stores.discovery.uploads;
  const upload = id ? await uploads.get(id) : undefined;
  if (!upload || upload.tenant_id !== tenantId) throw invalidParameter('uploadUrl', `${url} is not an upload URL of this tenant`, url);
  const streamName = stringParam(p, 'inputStreamName')?.trim();
  if (!streamName) throw invalidParameter('inputStreamName', 'inputStreamName is required', p.inputStreamName ?? null);
  const snapshot = boolParam(p, 'uploadAsSnapshot') ?? false;
  if (upload.state === 'open') throw invalidParameter('uploadUrl', 'Nothing was uploaded to this URL yet', url);
  const logType = findLogSource(upload.source)?.id ?? null;
  // CUSTOM_PARSER: inputStreamName names the data source whose parser reads the file.
  let custom: { row: DiscoveryStreamRow; settings: StreamSettings & { customParser: CustomParserConfig } } | undefined;
  if (logType === CUSTOM_PARSER_LOG_TYPE) {
    const sources = await customDataSources(call);
    const row = sources.find((r) => r.display_name === streamName);
    if (!row) {
      const names = sources.map((r) => `'${r.display_name}'`).join(', ');
      throw invalidParameter(
        'inputStreamName',
        `A CUSTOM_PARSER upload uses the parser of the data source named by inputStreamName; '${streamName}' is not a data source with a custom parser${names ? ` (${names} are)` : ''}`,
        streamName,
      );
    }
    custom = { row, settings: streamSettings(row) as StreamSettings & { customParser: CustomParserConfig } };
  }
  if (!(await uploads.transition(upload.id, ['committed'], 'submitted'))) {
    throw invalidParameter('uploadUrl', 'This upload was already submitted', url);
  }
  const streams = call.services.stores.discovery.streams;
  let stream: DiscoveryStreamRow | undefined;
  if (custom && !snapshot) stream = custom.row;
  else if (snapshot) {
    stream = newStreamRow(tenantId, newObjectId(call.now), call.now, {
      display_name: streamName,
      stream_type: STREAM_TYPE.PREVIEW,
      log_type: logType,
      is_manual: 1,
      global_aggregated: 0,
    });
    await streams.insert(stream);
  } else {
    stream = await streams.findContinuous(tenantId, streamName);
    if (!stream) {
      stream = newStreamRow(tenantId, newObjectId(call.now), call.now, {
        display_name: streamName,
        stream_type: STREAM_TYPE.INPUT,
        log_type: logType,
        is_manual: 1,
      });
      await streams.insert(stream);
    }
  }
  const job: DiscoveryJobRow = {
    id: newObjectId(call.now),
    tenant_id: tenantId,
    upload_id: upload.id,
    stream_id: stream.id,
    state: 'queued',
    input: JSON.stringify({
      uploadId: upload.id,
      fileName: upload.file_name,
      source: upload.source,
      snapshot,
      ...(custom ? { custom: custom.settings.customParser } : {}),
      ...(custom?.settings.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: custom.settings.utcOffsetMinutes } : {}),
    } satisfies JobInput),
    result: null,
    error: null,
    attempts: 0,
    created_at: call.now,
    started_at: null,
    heartbeat_at: null,
    finished_at: null,
    claimed_by: null,
  };
  await call.services.stores.discovery.jobs.insert(job);
  call.services.discovery.jobs.kick();
  return { success: true, jobId: job.id, streamId: stream.id, status: 'queued', statusUrl: `/api/v1/discovery/upload_jobs/${job.id}/` };
}

async function uploadJob(call: CloudAppsCall) {
  const row = await call.services.stores.discovery.jobs.get(call.caller.tenant.id, call.path.id!);
  if (!row) throw notFound();
  return jobJson(row);
}

async function uploadJobs(call: CloudAppsCall) {
  const { skip, limit } = pageParams(call.params);
  const rows = await call.services.stores.discovery.jobs.list(call.caller.tenant.id, skip + limit + 1);
  const data = rows.slice(skip, skip + limit).map(jobJson);
  return {
    data,
    hasNext: rows.length > skip + limit,
    max: LIST_LIMITS.maxLimit,
    total: Math.min(rows.length, skip + limit),
    moreThanTotal: rows.length > skip + limit,
  };
}

// ---- reports ----

async function streams(call: CloudAppsCall) {
  const tenantId = call.caller.tenant.id;
  await ensureGlobalStream(call.services.stores, tenantId, call.now);
  const rows = await call.services.stores.discovery.streams.list(tenantId);
  const sources = rows.filter((r) => r.is_global === 0 && r.global_aggregated === 1).map((r) => r.id);
  return { streams: rows.map((r) => streamJson(r, r.is_global === 1 ? sources : [])) };
}

async function sanctionStates(call: CloudAppsCall): Promise<Map<number, SanctionState>> {
  const rows = await call.services.stores.discovery.appStates.list(call.caller.tenant.id);
  return new Map(rows.map((r) => [r.app_id, r.state]));
}

/** The apps of a report over a time frame (7, 30 or 90 days; `timeframe` or `timeFrame`). */
async function reportApps(call: CloudAppsCall): Promise<DiscoveredApp[]> {
  const p = call.params;
  const tf = intParam(p, p.timeFrame !== undefined ? 'timeFrame' : 'timeframe', 90);
  if (!(TIME_FRAMES as readonly number[]).includes(tf)) throw invalidParameter('timeframe', 'timeframe must be 7, 30 or 90', tf);
  const streamId = stringParam(p, 'streamId') ?? stringParam(p, 'stream_id');
  const report = await reportStreams(call.services.stores, call.caller.tenant.id, streamId || undefined, call.now);
  if (!report) throw invalidParameter('streamId', `${streamId} is not a report of this tenant`, streamId);
  const totals = await call.services.stores.discovery.usage.appTotals(call.caller.tenant.id, report.sourceIds, windowStart(call.now, tf));
  return discoveredApps(totals, await sanctionStates(call));
}

type Ops = Record<string, unknown>;
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

function numberTest(field: string, ops: Ops): (x: number) => boolean {
  const tests: ((x: number) => boolean)[] = [];
  for (const [op, v] of Object.entries(ops)) {
    const vals = asList(v).map(Number);
    if (vals.some((n) => Number.isNaN(n))) throw invalidParameter('filters', `${field}: '${String(v)}' is not a number`, v);
    const n = vals[0]!;
    if (op === 'eq') tests.push(vals.length === 2 ? (x) => x >= vals[0]! && x <= vals[1]! : (x) => vals.includes(x));
    else if (op === 'neq') tests.push((x) => !vals.includes(x));
    else if (op === 'gt') tests.push((x) => x > n);
    else if (op === 'gte') tests.push((x) => x >= n);
    else if (op === 'lt') tests.push((x) => x < n);
    else if (op === 'lte') tests.push((x) => x <= n);
    else throw invalidParameter('filters', `filter '${field}' does not support '${op}'`, { [field]: ops });
  }
  return (x) => tests.every((t) => t(x));
}

function stringTest(field: string, ops: Ops, normalise: (s: string) => string = (s) => s): (x: string[]) => boolean {
  const tests: ((x: string[]) => boolean)[] = [];
  for (const [op, v] of Object.entries(ops)) {
    const vals = asList(v).map((s) => normalise(String(s)));
    if (op === 'eq') tests.push((x) => x.some((s) => vals.includes(s)));
    else if (op === 'neq') tests.push((x) => !x.some((s) => vals.includes(s)));
    else throw invalidParameter('filters', `filter '${field}' does not support '${op}'`, { [field]: ops });
  }
  return (x) => tests.every((t) => t(x));
}

const categoryId = (s: string) => (s.startsWith('SAASDB_') ? s : `SAASDB_CATEGORY_${s}`).toUpperCase();

/** Discovered-apps filters: appId, category, score, users, transactions, upload, tags (Sanctioned/...). */
function appFilter(filters: Record<string, unknown>): (a: DiscoveredApp) => boolean {
  const tests: ((a: DiscoveredApp) => boolean)[] = [];
  for (const [field, raw] of Object.entries(filters)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw invalidParameter('filters', `filter '${field}' must be an object of operators`, raw);
    const ops = raw as Ops;
    const num = (pick: (a: DiscoveredApp) => number) => {
      const t = numberTest(field, ops);
      tests.push((a) => t(pick(a)));
    };
    if (field === 'appId') num((a) => a.appId);
    else if (field === 'score') num((a) => a.score);
    else if (field === 'users' || field === 'usersCount') num((a) => a.usersCount);
    else if (field === 'transactions' || field === 'trafficTotalEvents') num((a) => a.trafficTotalEvents);
    else if (field === 'upload' || field === 'trafficUploadedBytes') num((a) => a.trafficUploadedBytes);
    else if (field === 'category') {
      const t = stringTest(field, ops, categoryId);
      tests.push((a) => t([a.category]));
    } else if (field === 'tag' || field === 'tags') {
      const t = stringTest(field, ops, (s) => s.toLowerCase());
      tests.push((a) => t(a.tags.map((s) => s.toLowerCase())));
    } else throw invalidParameter('filters', `'${field}' is not a discovered-apps filter`, field);
  }
  return (a) => tests.every((t) => t(a));
}

const APP_SORT: Record<string, (a: DiscoveredApp) => number | string> = {
  name: (a) => a.name.toLowerCase(),
  usersCount: (a) => a.usersCount,
  ipAddressesCount: (a) => a.ipAddressesCount,
  lastUsed: (a) => a.lastUsed,
  trafficUploadedBytes: (a) => a.trafficUploadedBytes,
  trafficDownloadedBytes: (a) => a.trafficDownloadedBytes,
  trafficTotalBytes: (a) => a.trafficTotalBytes,
  trafficTotalEvents: (a) => a.trafficTotalEvents,
  score: (a) => a.score,
};

function sortBy<T>(items: T[], key: (x: T) => number | string, sign: 1 | -1, tie: (x: T) => number | string): T[] {
  return items.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x !== y) return (x < y ? -1 : 1) * sign;
    const s = tie(a);
    const t = tie(b);
    return s < t ? -1 : s > t ? 1 : 0;
  });
}

async function discoveredAppsList(call: CloudAppsCall) {
  const p = call.params;
  const { skip, limit } = pageParams(p);
  const sortField = stringParam(p, 'sortField') ?? 'trafficTotalEvents';
  const key = APP_SORT[sortField];
  if (!key) throw invalidParameter('sortField', `sortField must be one of ${Object.keys(APP_SORT).join(', ')}`, sortField);
  const sign = direction(p, sortField === 'name' ? 'asc' : 'desc');
  let apps = (await reportApps(call)).filter(appFilter(objectParam(p, 'filters')));
  const category = stringParam(p, 'category');
  if (category) apps = apps.filter((a) => a.category === categoryId(category));
  sortBy(apps, key, sign, (a) => a.appId);
  const data = apps.slice(skip, skip + limit);
  return { data, hasNext: skip + data.length < apps.length, max: LIST_LIMITS.maxLimit, total: apps.length, moreThanTotal: false };
}

async function categories(call: CloudAppsCall) {
  const p = call.params;
  const { skip, limit } = pageParams(p);
  const sortField = stringParam(p, 'sortField') ?? 'score';
  if (!['score', 'total', 'id', 'name'].includes(sortField))
    throw invalidParameter('sortField', 'sortField must be score, total or id', sortField);
  const byId = sortField === 'id' || sortField === 'name';
  const sign = direction(p, byId ? 'asc' : 'desc');
  const filters = objectParam(p, 'filters');
  let list = categoryCounts(await reportApps(call));
  for (const [field, ops] of Object.entries(filters)) {
    if (field !== 'category' && field !== 'id') throw invalidParameter('filters', `'${field}' is not a categories filter`, field);
    const t = stringTest(field, (ops ?? {}) as Ops, categoryId);
    list = list.filter((c) => t([c.id]));
  }
  sortBy(list, byId ? (c) => c.id : (c) => c.total, sign, (c) => c.id);
  // A bare array, as the real endpoint answers.
  return new RawJson(JSON.stringify(list.slice(skip, skip + limit)));
}

// ---- block scripts ----

async function blockScripts(call: CloudAppsCall) {
  const p = call.params;
  const type = (stringParam(p, 'type') ?? 'banned').toLowerCase();
  if (type !== 'banned' && type !== 'allowed') throw invalidParameter('type', 'type must be banned or allowed', type);
  const wanted: SanctionState = type === 'banned' ? 'unsanctioned' : 'sanctioned';
  const states = await sanctionStates(call);
  const apps = CATALOG_APPS.filter((a) => states.get(a.id) === wanted).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id,
  );
  const format = stringParam(p, 'format')?.trim();
  if (!format) {
    const { skip, limit } = pageParams(p);
    const data = apps.slice(skip, skip + limit).map((a) => ({ appId: a.id, name: a.name, domainList: [...a.domains] }));
    return { data, hasNext: skip + data.length < apps.length, max: LIST_LIMITS.maxLimit, total: apps.length, moreThanTotal: false };
  }
  const generator = blockScriptGenerator(format);
  if (!generator) {
    throw invalidParameter(
      'format',
      `${format} is not a block-script format (${BLOCK_SCRIPT_GENERATORS.map((g) => g.format).join(', ')})`,
      format,
    );
  }
  return new RawText(generator.generate(apps), 'text/plain; charset=utf-8', {
    'content-disposition': `attachment; filename="${blockScriptFileName(generator, new Date(call.now))}"`,
  });
}

// ---- data sources (continuous streams with a syslog receiver) ----

const RECEIVERS: Record<string, 'udp' | 'tcp' | 'tls'> = {
  'syslog-udp': 'udp',
  'syslog-tcp': 'tcp',
  'syslog-tls': 'tls',
  udp: 'udp',
  tcp: 'tcp',
  tls: 'tls',
};

/** The tenant's data sources that carry a custom parser (CUSTOM_PARSER, 167). */
async function customDataSources(call: CloudAppsCall): Promise<DiscoveryStreamRow[]> {
  const rows = await call.services.stores.discovery.streams.list(call.caller.tenant.id);
  return rows.filter((r) => r.is_data_source === 1 && r.log_type === CUSTOM_PARSER_LOG_TYPE && !!streamSettings(r).customParser);
}

/** `customParser` of a data-source body (an object, or its JSON as a string), checked. */
function customParserParam(p: Record<string, unknown>): CustomParserConfig {
  let raw = p.customParser;
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw invalidParameter('customParser', 'customParser is not valid JSON', raw);
    }
  }
  if (raw === undefined || raw === null) {
    throw invalidParameter('customParser', 'customParser is required when logType is CUSTOM_PARSER (167)', null);
  }
  try {
    return validateCustomParserConfig(raw);
  } catch (e) {
    if (!(e instanceof CustomParserConfigError)) throw e;
    const param = e.field ? `customParser.${e.field}` : 'customParser';
    let value: unknown = raw;
    for (const part of e.field ? e.field.split(/\.|\[|\]/).filter(Boolean) : []) {
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
    }
    throw invalidParameter(param, `${param} ${e.message}`, value ?? null);
  }
}

function dataSourceJson(call: CloudAppsCall, row: DiscoveryStreamRow) {
  const stats = call.services.discovery.syslog.stats(row.id);
  const settings = streamSettings(row);
  return {
    ...streamJson(row),
    ...(settings.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: settings.utcOffsetMinutes } : {}),
    ...(settings.customParser ? { customParser: settings.customParser } : {}),
    receiverTypeFull: row.protocol ? `syslog-${row.protocol}` : row.receiver_type,
    port: stats?.port ?? row.port,
    listening: !!stats,
    receiverStats: stats ?? null,
  };
}

async function dataSources(call: CloudAppsCall) {
  const { skip, limit } = pageParams(call.params);
  const sign = direction(call.params, 'desc');
  const rows = (await call.services.stores.discovery.streams.list(call.caller.tenant.id)).filter((r) => r.is_data_source === 1);
  sortBy(
    rows,
    (r) => r.created,
    sign,
    (r) => r.id,
  );
  const data = rows.slice(skip, skip + limit).map((r) => dataSourceJson(call, r));
  return { data, hasNext: skip + data.length < rows.length, max: LIST_LIMITS.maxLimit, total: rows.length, moreThanTotal: false };
}

async function dataSource(call: CloudAppsCall) {
  const row = await call.services.stores.discovery.streams.get(call.caller.tenant.id, call.path.id!);
  if (!row || row.is_data_source !== 1) throw notFound();
  return dataSourceJson(call, row);
}

async function createDataSource(call: CloudAppsCall) {
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

async function deleteDataSource(call: CloudAppsCall) {
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
 * Cloud Discovery operations. Permission rows (reference §2.3): streams, categories, discovered
 * apps, upload-job status and the data-source list need Discovery.read (`discovery.streams` /
 * `discovery.categories`); upload, block scripts and data-source changes need Discovery.manage.
 */
export const DISCOVERY_ROUTES: CloudAppsRoute[] = [
  {
    methods: ['GET'],
    paths: ['discovery/upload_url'],
    rootPaths: ['discovery/upload_url'],
    endpoint: 'discovery.upload',
    handle: uploadUrl,
  },
  {
    methods: ['POST'],
    paths: ['discovery/done_upload'],
    rootPaths: ['discovery/done_upload'],
    endpoint: 'discovery.upload',
    handle: doneUpload,
  },
  { methods: ['GET', 'POST'], paths: ['discovery/upload_jobs'], endpoint: 'discovery.streams', handle: uploadJobs },
  { methods: ['GET'], paths: ['discovery/upload_jobs/:id'], endpoint: 'discovery.streams', handle: uploadJob },
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/streams'],
    rootPaths: ['discovery/streams'],
    endpoint: 'discovery.streams',
    handle: streams,
  },
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/discovered_apps'],
    rootPaths: ['discovery/discovered_apps'],
    endpoint: 'discovery.categories',
    handle: discoveredAppsList,
  },
  {
    methods: ['GET', 'POST'],
    paths: ['discovery/discovered_apps/categories'],
    rootPaths: ['discovery/discovered_apps/categories'],
    endpoint: 'discovery.categories',
    handle: categories,
  },
  {
    methods: ['GET'],
    paths: ['discovery_block_scripts'],
    rootPaths: ['discovery_block_scripts'],
    endpoint: 'discovery.blockScript',
    handle: blockScripts,
  },
  {
    methods: ['GET'],
    paths: ['discovery/data_sources'],
    rootPaths: ['discovery/data_sources'],
    endpoint: 'discovery.streams',
    handle: dataSources,
  },
  {
    methods: ['POST'],
    paths: ['discovery/data_sources'],
    rootPaths: ['discovery/data_sources'],
    endpoint: 'discovery.upload',
    handle: createDataSource,
  },
  {
    methods: ['GET'],
    paths: ['discovery/data_sources/:id'],
    rootPaths: ['discovery/data_sources/:id'],
    endpoint: 'discovery.streams',
    handle: dataSource,
  },
  {
    methods: ['DELETE'],
    paths: ['discovery/data_sources/:id'],
    rootPaths: ['discovery/data_sources/:id'],
    endpoint: 'discovery.upload',
    handle: deleteDataSource,
  },
];
