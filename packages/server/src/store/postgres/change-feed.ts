import {
  AliasNode,
  DeleteQueryNode,
  InsertQueryNode,
  RawNode,
  TableNode,
  UpdateQueryNode,
  type OperationNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';
import type { ChangeFeed } from '../backend.js';

export const CHANGE_CHANNEL = 'appwarden_changes';

/** Payload suffix of the notifications sent by writes to the Cloud Apps tables (migration 0006-scale-). */
export const CLOUDAPPS_PAYLOAD_SUFFIX = '/cloudapps';

/** Raw SQL that writes rows or drops them (partition retention): it moves the stamp like a built query. */
const RAW_WRITE = /^\s*(insert|update|delete|merge|drop|truncate)\b/i;
/** The table a raw write names first (`insert into t`, `update t`, `delete from t`). */
const RAW_TABLE = /^\s*(?:insert\s+into|update|delete\s+from|merge\s+into)\s+(?:"?[a-z_][a-z0-9_]*"?\.)?"?([a-z_][a-z0-9_]*)"?/i;
const RAW_VERB_ONLY = /^\s*(?:insert\s+into|update|delete\s+from|merge\s+into)\s*$/i;

/**
 * Tables with the Cloud Apps statement trigger (migrations 0006-scale-postgres-lists and
 * 0009-cloudapps-files): this process's writes to them move `dataStamp` only.
 */
const DATA_TABLES = new Set(['ca_alerts', 'ca_activities', 'ca_entities', 'ca_files']);
/**
 * High-volume tables that no stamp-keyed cache reads (token path, bearer, tenants, signing keys, IP
 * ranges): Cloud Discovery jobs and aggregates, syslog streams, the detection and SIEM queues, the
 * assertion replay store. A write to them leaves the stamp alone, so that one tenant's uploads,
 * syslog feed or token flood do not empty every tenant's token-path caches (issue 12: the other
 * tenant's token request then paid several queries against a database busy with those writes).
 */
const UNWATCHED_TABLES = new Set([
  'disc_uploads',
  'disc_jobs',
  'disc_aggregates',
  'disc_streams',
  'detection_queue',
  'detection_state',
  'siem_outbox',
  'used_assertions',
]);

/** What a write to `table` moves: both stamps (default, also when the table is unknown), the data stamp, or nothing. */
export function writeScope(table: string | undefined): 'stamp' | 'data' | 'none' {
  if (table === undefined) return 'stamp';
  if (DATA_TABLES.has(table)) return 'data';
  if (UNWATCHED_TABLES.has(table)) return 'none';
  return 'stamp';
}

function tableOf(node: OperationNode | undefined): string | undefined {
  if (node && AliasNode.is(node)) return tableOf(node.node);
  // sql.table(t) interpolated into raw SQL: a raw node around the table.
  if (node && RawNode.is(node) && node.parameters.length === 1 && node.sqlFragments.every((f) => f.trim() === '')) {
    return tableOf(node.parameters[0]);
  }
  return node && TableNode.is(node) ? node.table.identifier.name : undefined;
}

/** The table a write statement targets, when it names exactly one. */
function writtenTable(node: RootOperationNode): string | undefined {
  if (InsertQueryNode.is(node)) return tableOf(node.into);
  if (UpdateQueryNode.is(node)) return tableOf(node.table);
  if (DeleteQueryNode.is(node)) return node.from.froms.length === 1 ? tableOf(node.from.froms[0]) : undefined;
  if (RawNode.is(node)) {
    const head = node.sqlFragments[0] ?? '';
    // `INSERT INTO ${sql.table(t)} ...`: the table is the first parameter.
    if (RAW_VERB_ONLY.test(head)) return tableOf(node.parameters[0]);
    return RAW_TABLE.exec(head)?.[1]?.toLowerCase();
  }
  return undefined;
}

/**
 * Stores.changeStamp for PostgreSQL. The stamp moves when this process writes (a Kysely plugin sees
 * every INSERT/UPDATE/DELETE result; writes to the bulk tables of UNWATCHED_TABLES and DATA_TABLES
 * leave it alone, see writeScope) and when any process commits a write to the directory tables
 * (row triggers NOTIFY `appwarden_changes` with the schema name; this feed LISTENs). Other
 * processes' writes are therefore seen within the notification latency (milliseconds). While the
 * listening connection is down, every call returns a new stamp, which disables read caches.
 *
 * `dataStamp` is the same for the Cloud Apps tables (alerts, activities, entities), whose statement
 * triggers notify with the schema name and CLOUDAPPS_PAYLOAD_SUFFIX: it moves with `stamp` and also
 * on every other process's Cloud Apps commit (and on this process's own, when the notification
 * comes back after the commit), while those bulk writes leave the token path's caches alone.
 */
export class PostgresChangeFeed implements ChangeFeed, KyselyPlugin {
  private counter = 0;
  private dataCounter = 0;
  private connected = false;
  private closed = false;
  private client: pg.Client | undefined;
  private readonly writes = new WeakMap<object, 'stamp' | 'data'>();

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
  ) {}

  stamp = (): string => (this.connected ? String(this.counter) : `down.${++this.counter}`);

  dataStamp = (): string => `${this.stamp()}.${this.dataCounter}`;

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (n) => {
      if (n.channel !== CHANGE_CHANNEL) return;
      if (n.payload === this.schema) this.counter++;
      else if (n.payload === this.schema + CLOUDAPPS_PAYLOAD_SUFFIX) this.dataCounter++;
    });
    client.on('error', () => this.reconnectLater(client));
    client.on('end', () => this.reconnectLater(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
    this.connected = true;
    this.counter++;
  }

  private reconnectLater(client: pg.Client): void {
    if (this.client !== client) return;
    this.connected = false;
    this.client = undefined;
    if (this.closed) return;
    setTimeout(() => void this.start().catch(() => this.reconnectLater(client)), 1000).unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    this.connected = false;
    await c?.end().catch(() => undefined);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const node = args.node;
    if (
      InsertQueryNode.is(node) ||
      UpdateQueryNode.is(node) ||
      DeleteQueryNode.is(node) ||
      (RawNode.is(node) && RAW_WRITE.test(node.sqlFragments[0] ?? ''))
    ) {
      const scope = writeScope(writtenTable(node));
      if (scope !== 'none') this.writes.set(args.queryId, scope);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const scope = this.writes.get(args.queryId);
    if (scope === 'stamp') this.counter++;
    else if (scope === 'data') this.dataCounter++;
    return args.result;
  }
}
