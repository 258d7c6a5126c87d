import { CUSTOM_PARSER_LOG_TYPE, streamJson, streamSettings } from '../../../discovery/ingest/streams.js';
import type { DiscoveryStreamRow } from '../../../store/discovery-schema.js';
import type { CloudAppsCall } from '../../route-definition.js';

/** `receiverTypeFull` (or `protocol`) of a create body: the syslog transports a receiver speaks. */
export const RECEIVERS: Record<string, 'udp' | 'tcp' | 'tls'> = {
  'syslog-udp': 'udp',
  'syslog-tcp': 'tcp',
  'syslog-tls': 'tls',
  udp: 'udp',
  tcp: 'tcp',
  tls: 'tls',
};

/** The tenant's data sources that carry a custom parser (CUSTOM_PARSER, 167). */
export async function customDataSources(call: CloudAppsCall): Promise<DiscoveryStreamRow[]> {
  const rows = await call.services.stores.discovery.streams.list(call.caller.tenant.id);
  return rows.filter((r) => r.is_data_source === 1 && r.log_type === CUSTOM_PARSER_LOG_TYPE && !!streamSettings(r).customParser);
}

/** A data source: its stream, its settings and the live state of its receiver. */
export function dataSourceJson(call: CloudAppsCall, row: DiscoveryStreamRow) {
  const settings = streamSettings(row);
  if (row.receiver_type === 'ftp' || row.receiver_type === 'ftps') {
    const ftp = call.services.discovery.ftp;
    const details = ftp.details(row);
    return {
      ...streamJson(row),
      ...(settings.utcOffsetMinutes !== undefined ? { utcOffsetMinutes: settings.utcOffsetMinutes } : {}),
      ...(settings.customParser ? { customParser: settings.customParser } : {}),
      receiverTypeFull: row.receiver_type,
      port: details.port,
      listening: ftp.port !== undefined,
      ftp: details,
      receiverStats: ftp.statsOf(row.id),
    };
  }
  const stats = call.services.discovery.syslog.stats(row.id);
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
