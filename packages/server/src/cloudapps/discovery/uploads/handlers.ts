import crypto from 'node:crypto';
import { LIST_LIMITS } from '@appwarden/protocol';
import { findLogSource, parserForSource, type CustomParserConfig } from '../../../discovery/index.js';
import type { JobInput } from '../../../discovery/ingest/job-runner.js';
import {
  CUSTOM_PARSER_LOG_TYPE,
  newStreamRow,
  STREAM_TYPE,
  streamSettings,
  type StreamSettings,
} from '../../../discovery/ingest/streams.js';
import type { DiscoveryJobRow, DiscoveryStreamRow } from '../../../store/discovery-schema.js';
import { invalidParameter, notFound } from '../../errors.js';
import { boolParam, stringParam } from '../../request-params.js';
import type { CloudAppsCall, CloudAppsRoute } from '../../route-definition.js';
import { newObjectId } from '../../subnets/model.js';
import { customDataSources } from '../data-sources/model.js';
import { pageParams } from '../memory-list.js';
import { BLOB_API_VERSION, jobJson, UPLOAD_PATH, UPLOAD_URL_LIFETIME_MS } from './model.js';

// The upload flow: upload_url -> PUT (blob endpoint, upload-blob-routes.ts) -> done_upload -> job.

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
  // One row past the page says whether there is a next one; the total is a lower bound.
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

/** Log upload: asking for a URL and submitting need Discovery.manage; job status needs Discovery.read. */
export const UPLOAD_ROUTES: CloudAppsRoute[] = [
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
];
