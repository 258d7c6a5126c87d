import {
  DeleteQueryNode,
  InsertQueryNode,
  UpdateQueryNode,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
} from 'kysely';
import pg from 'pg';

export const CHANGE_CHANNEL = 'appwarden_changes';

/**
 * Stores.changeStamp for PostgreSQL. The stamp moves when this process writes (a Kysely plugin sees
 * every INSERT/UPDATE/DELETE result) and when any process commits a write to the directory tables
 * (row triggers NOTIFY `appwarden_changes` with the schema name; this feed LISTENs). Other
 * processes' writes are therefore seen within the notification latency (milliseconds). While the
 * listening connection is down, every call returns a new stamp, which disables read caches.
 */
export class PostgresChangeFeed implements KyselyPlugin {
  private counter = 0;
  private connected = false;
  private closed = false;
  private client: pg.Client | undefined;
  private readonly writes = new WeakSet<object>();

  constructor(
    private readonly connectionString: string,
    private readonly schema: string,
  ) {}

  stamp = (): string => (this.connected ? String(this.counter) : `down.${++this.counter}`);

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (n) => {
      if (n.channel === CHANGE_CHANNEL && n.payload === this.schema) this.counter++;
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
    if (InsertQueryNode.is(args.node) || UpdateQueryNode.is(args.node) || DeleteQueryNode.is(args.node)) this.writes.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.writes.has(args.queryId)) this.counter++;
    return args.result;
  }
}
