import {
  DeleteQueryNode,
  InsertQueryNode,
  RawNode,
  UpdateQueryNode,
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

/**
 * Stores.changeStamp for PostgreSQL. The stamp moves when this process writes (a Kysely plugin sees
 * every INSERT/UPDATE/DELETE result) and when any process commits a write to the directory tables
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
  private readonly writes = new WeakSet<object>();

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
    )
      this.writes.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.writes.has(args.queryId)) this.counter++;
    return args.result;
  }
}
