// Reports ("streams"): the tenant's Global View, continuous streams (data sources and named
// uploads, streamType 1) and snapshots (streamType 5), and their wire shape (reference §7.6).
import crypto from 'node:crypto';
import type { DiscoveryStreamRow } from '../../store/discovery-schema.js';
import type { CustomParserConfig } from '../parsers/custom.js';
import type { Stores } from '../../store/interfaces.js';

export const STREAM_TYPE = { INPUT: 1, VIEW: 3, PREVIEW: 5 } as const;
export const GLOBAL_VIEW_NAME = 'Global View';

/** Stable per tenant, so every process (and restart) agrees on the Global View's id. */
export function globalStreamId(tenantId: string): string {
  return crypto.createHash('sha256').update(`global-view:${tenantId}`).digest('hex').slice(0, 24);
}

export function newStreamRow(
  tenantId: string,
  id: string,
  now: number,
  fields: Partial<DiscoveryStreamRow> & Pick<DiscoveryStreamRow, 'display_name' | 'stream_type'>,
): DiscoveryStreamRow {
  return {
    tenant_id: tenantId,
    id,
    log_type: null,
    is_manual: 0,
    global_aggregated: fields.stream_type === STREAM_TYPE.INPUT ? 1 : 0,
    is_global: 0,
    is_data_source: 0,
    receiver_type: null,
    protocol: null,
    port: null,
    receiver_user: null,
    receiver_secret_hash: null,
    anonymize_users: 0,
    settings: '{}',
    created: now,
    last_modified: now,
    last_data_received: null,
    log_files_history_count: 0,
    log_files_fails_count: 0,
    ...fields,
  };
}

/** Creates the Global View on first use (idempotent across processes: fixed id, insert-or-ignore). */
export async function ensureGlobalStream(stores: Stores, tenantId: string, now: number): Promise<DiscoveryStreamRow> {
  const id = globalStreamId(tenantId);
  const hit = await stores.discovery.streams.get(tenantId, id);
  if (hit) return hit;
  await stores.discovery.streams.insert(
    newStreamRow(tenantId, id, now, { display_name: GLOBAL_VIEW_NAME, stream_type: STREAM_TYPE.INPUT, is_global: 1, global_aggregated: 0 }),
  );
  return (await stores.discovery.streams.get(tenantId, id))!;
}

/**
 * The streams whose buckets make up a report: the stream itself, or for the Global View every
 * continuous stream that is globally aggregated (snapshots are not). Undefined for an unknown id.
 */
export async function reportStreams(
  stores: Stores,
  tenantId: string,
  streamId: string | undefined,
  now: number,
): Promise<{ stream: DiscoveryStreamRow; sourceIds: string[] } | undefined> {
  const global = await ensureGlobalStream(stores, tenantId, now);
  const id = streamId ?? global.id;
  if (id === global.id) {
    const all = await stores.discovery.streams.list(tenantId);
    return { stream: global, sourceIds: all.filter((s) => s.is_global === 0 && s.global_aggregated === 1).map((s) => s.id) };
  }
  const stream = await stores.discovery.streams.get(tenantId, id);
  return stream ? { stream, sourceIds: [stream.id] } : undefined;
}

/** What a stream's `settings` JSON holds (data sources: time zone, CUSTOM_PARSER definition). */
export interface StreamSettings {
  utcOffsetMinutes?: number;
  customParser?: CustomParserConfig;
}

export function streamSettings(row: Pick<DiscoveryStreamRow, 'settings'>): StreamSettings {
  try {
    const v = JSON.parse(row.settings) as unknown;
    return v && typeof v === 'object' ? (v as StreamSettings) : {};
  } catch {
    return {};
  }
}

/** The log-source code of CUSTOM_PARSER (reference §8.14). */
export const CUSTOM_PARSER_LOG_TYPE = 167;

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The stream object (reference §7.6), keys in the published order, plus the receiver port of a data source. */
export function streamJson(row: DiscoveryStreamRow, sourceStreams: string[] = []) {
  return {
    _id: row.id,
    anonymizeUsers: row.anonymize_users === 1,
    displayName: row.display_name,
    logType: row.log_type,
    receiverType: row.receiver_type,
    protocol: row.protocol,
    streamType: row.stream_type,
    isManual: row.is_manual === 1,
    created: iso(row.created),
    lastModified: iso(row.last_modified),
    logFilesHistoryCount: row.log_files_history_count,
    supportedEntityTypes: [1, 2],
    supportedTrafficTypes: [1, 2, 3],
    lastDataReceived: iso(row.last_data_received),
    logFilesFailsCount: row.log_files_fails_count,
    globalAggregated: row.global_aggregated === 1,
    snapshotData: row.stream_type === STREAM_TYPE.PREVIEW,
    timeFrames: {},
    validTimeFrames: [7, 30, 90],
    timeWithoutLogs: 0,
    sourceStreams,
    ...(row.is_global === 1 ? { builtInStreamType: 0 } : {}),
    ...(row.port !== null ? { port: row.port } : {}),
  };
}
