import { sql, type Kysely } from 'kysely';
import type {
  DiscoveryAppStateStore,
  DiscoveryJobStore,
  DiscoveryStores,
  DiscoveryStreamStore,
  DiscoveryUploadStore,
  DiscoveryUsageStore,
  IpRangeStore,
  UsageTotals,
} from '../discovery-interfaces.js';
import type {
  DiscoveryAggregateRow,
  DiscoveryAppStateRow,
  DiscoveryJobRow,
  DiscoveryStreamRow,
  DiscoveryUploadRow,
  IpRangeRow,
  IpTagRow,
  JobState,
  UploadState,
} from '../discovery-schema.js';
import type { Database } from '../schema.js';

export type SqlDialect = 'sqlite' | 'postgres';

/** Rows per multi-row INSERT: far below PostgreSQL's 65535 and SQLite's 32766 bind parameters. */
const INSERT_BATCH = 500;

// PostgreSQL's SUM(bigint) is numeric, which node-postgres returns as a string.
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

export class KyselyIpRangeStore implements IpRangeStore {
  constructor(private readonly db: Kysely<Database>) {}
  list(tenantId: string): Promise<IpRangeRow[]> {
    return this.db.selectFrom('disc_ip_ranges').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  }
  get(tenantId: string, id: string): Promise<IpRangeRow | undefined> {
    return this.db.selectFrom('disc_ip_ranges').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  getByName(tenantId: string, name: string): Promise<IpRangeRow | undefined> {
    return this.db.selectFrom('disc_ip_ranges').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name).executeTakeFirst();
  }
  async insert(row: IpRangeRow): Promise<void> {
    await this.db.insertInto('disc_ip_ranges').values(row).execute();
  }
  async replace(row: IpRangeRow): Promise<boolean> {
    const { tenant_id, id, created_at: _created, ...rest } = row;
    const r = await this.db
      .updateTable('disc_ip_ranges')
      .set(rest)
      .where('tenant_id', '=', tenant_id)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('disc_ip_ranges').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async version(tenantId: string): Promise<string> {
    const r = await this.db
      .selectFrom('disc_ip_ranges')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('last_modified').as('m'), eb.fn.max('id').as('i')])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return `${num(r?.n)}:${num(r?.m)}:${String(r?.i ?? '')}`;
  }
  listTags(tenantId: string): Promise<IpTagRow[]> {
    return this.db.selectFrom('disc_ip_tags').selectAll().where('tenant_id', '=', tenantId).orderBy('name').execute();
  }
  async insertTag(row: IpTagRow): Promise<void> {
    await this.db
      .insertInto('disc_ip_tags')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
      .execute();
  }
}

export class KyselyDiscoveryStreamStore implements DiscoveryStreamStore {
  constructor(private readonly db: Kysely<Database>) {}
  list(tenantId: string): Promise<DiscoveryStreamRow[]> {
    return this.db
      .selectFrom('disc_streams')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('is_global', 'desc')
      .orderBy('created')
      .orderBy('id')
      .execute();
  }
  get(tenantId: string, id: string): Promise<DiscoveryStreamRow | undefined> {
    return this.db.selectFrom('disc_streams').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  findContinuous(tenantId: string, displayName: string): Promise<DiscoveryStreamRow | undefined> {
    return this.db
      .selectFrom('disc_streams')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('display_name', '=', displayName)
      .where('stream_type', '=', 1)
      .where('is_global', '=', 0)
      .orderBy('created')
      .executeTakeFirst();
  }
  async insert(row: DiscoveryStreamRow): Promise<void> {
    await this.db
      .insertInto('disc_streams')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'id']).doNothing())
      .execute();
  }
  async update(tenantId: string, id: string, patch: Partial<Omit<DiscoveryStreamRow, 'tenant_id' | 'id'>>): Promise<void> {
    await this.db.updateTable('disc_streams').set(patch).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
  async recordData(tenantId: string, id: string, at: number, failed: boolean, newLogFile: boolean): Promise<void> {
    await this.db
      .updateTable('disc_streams')
      .set((eb) => ({
        last_data_received: at,
        last_modified: at,
        log_files_history_count: newLogFile ? eb('log_files_history_count', '+', 1) : eb.ref('log_files_history_count'),
        log_files_fails_count: failed ? eb('log_files_fails_count', '+', 1) : eb.ref('log_files_fails_count'),
      }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }
  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('disc_streams').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  listDataSources(receiverTypes: string[] = ['syslog']): Promise<DiscoveryStreamRow[]> {
    return this.db
      .selectFrom('disc_streams')
      .selectAll()
      .where('is_data_source', '=', 1)
      .where('receiver_type', 'in', receiverTypes)
      .orderBy('created')
      .execute();
  }
  findByReceiverUser(user: string): Promise<DiscoveryStreamRow | undefined> {
    return this.db
      .selectFrom('disc_streams')
      .selectAll()
      .where('receiver_user', '=', user)
      .where('is_data_source', '=', 1)
      .executeTakeFirst();
  }
}

export class KyselyDiscoveryUploadStore implements DiscoveryUploadStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: DiscoveryUploadRow): Promise<void> {
    await this.db.insertInto('disc_uploads').values(row).execute();
  }
  get(id: string): Promise<DiscoveryUploadRow | undefined> {
    return this.db.selectFrom('disc_uploads').selectAll().where('id', '=', id).executeTakeFirst();
  }
  async transition(
    id: string,
    from: UploadState[],
    to: UploadState,
    patch: { size?: number; committed_at?: number } = {},
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('disc_uploads')
      .set({ state: to, ...patch })
      .where('id', '=', id)
      .where('state', 'in', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('disc_uploads').where('id', '=', id).execute();
  }
  listExpired(now: number, limit: number): Promise<DiscoveryUploadRow[]> {
    return this.db
      .selectFrom('disc_uploads')
      .selectAll()
      .where('expires_at', '<', now)
      .where('state', '!=', 'submitted')
      .orderBy('expires_at')
      .limit(limit)
      .execute();
  }
  listPending(tenantId: string, now: number): Promise<DiscoveryUploadRow[]> {
    return this.db
      .selectFrom('disc_uploads')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where((eb) => eb.or([eb('state', '=', 'submitted'), eb('expires_at', '>=', now)]))
      .orderBy('created_at')
      .execute();
  }
}

export class KyselyDiscoveryJobStore implements DiscoveryJobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: SqlDialect,
  ) {}
  async insert(row: DiscoveryJobRow): Promise<void> {
    await this.db.insertInto('disc_jobs').values(row).execute();
  }
  get(tenantId: string, id: string): Promise<DiscoveryJobRow | undefined> {
    return this.db.selectFrom('disc_jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  list(tenantId: string, limit: number): Promise<DiscoveryJobRow[]> {
    return this.db
      .selectFrom('disc_jobs')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }
  async claim(worker: string, now: number, staleBefore: number, maxAttempts: number): Promise<DiscoveryJobRow | undefined> {
    const claimable = (t: string) =>
      sql`(${sql.ref(`${t}.state`)} = 'queued' or (${sql.ref(`${t}.state`)} = 'running' and ${sql.ref(`${t}.heartbeat_at`)} < ${staleBefore} and ${sql.ref(`${t}.attempts`)} < ${maxAttempts}))`;
    // Several processes on one PostgreSQL database: each locks a different row, none waits.
    const lock = this.dialect === 'postgres' ? sql` for update of j skip locked` : sql``;
    // Round-robin over tenants, not global FIFO: the tenant with the fewest jobs running, then the
    // one whose last claim is oldest, goes first; within a tenant, oldest job first. One tenant's
    // queue of large files cannot hold back another tenant's small upload for longer than the
    // jobs already running.
    const next = sql<string>`(select j.id from disc_jobs j join (
        select t.tenant_id,
          (select count(*) from disc_jobs r where r.tenant_id = t.tenant_id and r.state = 'running') as running,
          coalesce((select max(c.started_at) from disc_jobs c where c.tenant_id = t.tenant_id), 0) as last_claim
        from disc_jobs t where ${claimable('t')} group by t.tenant_id
      ) f on f.tenant_id = j.tenant_id
      where ${claimable('j')}
      order by f.running, f.last_claim, j.created_at, j.id
      limit 1${lock})`;
    return this.db
      .updateTable('disc_jobs')
      .set((eb) => ({ state: 'running', claimed_by: worker, started_at: now, heartbeat_at: now, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', next)
      .returningAll()
      .executeTakeFirst();
  }
  async heartbeat(id: string, worker: string, at: number): Promise<void> {
    await this.db.updateTable('disc_jobs').set({ heartbeat_at: at }).where('id', '=', id).where('claimed_by', '=', worker).execute();
  }
  async finish(
    id: string,
    worker: string,
    state: Extract<JobState, 'succeeded' | 'failed'>,
    result: string | null,
    error: string | null,
    at: number,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('disc_jobs')
      .set({ state, result, error, finished_at: at, heartbeat_at: at })
      .where('id', '=', id)
      .where('claimed_by', '=', worker)
      .where('state', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async failAbandoned(staleBefore: number, maxAttempts: number, at: number): Promise<number> {
    const r = await this.db
      .updateTable('disc_jobs')
      .set({ state: 'failed', error: quarantined(maxAttempts), finished_at: at })
      .where('state', '=', 'running')
      .where('heartbeat_at', '<', staleBefore)
      .where('attempts', '>=', maxAttempts)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

/** Why a job that the process died running, `claims` times, is not run again. */
export const quarantined = (claims: number): string =>
  `The job was quarantined: processing stopped without finishing ${claims === 1 ? 'once' : `${claims} times`} (the server may have crashed on this file), so it is not retried.`;

const PK = ['tenant_id', 'stream_id', 'day', 'app_id', 'user_name', 'ip'] as const;

export class KyselyDiscoveryUsageStore implements DiscoveryUsageStore {
  constructor(protected readonly db: Kysely<Database>) {}
  async prepare(_days: Iterable<number>): Promise<void> {}
  async checkpoint(): Promise<void> {}
  async add(rows: DiscoveryAggregateRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      await this.db
        .insertInto('disc_aggregates')
        .values(rows.slice(i, i + INSERT_BATCH))
        .onConflict((oc) =>
          oc.columns([...PK]).doUpdateSet({
            // Qualified: PostgreSQL finds a bare column name ambiguous next to `excluded`.
            transactions: sql`disc_aggregates.transactions + excluded.transactions`,
            blocked: sql`disc_aggregates.blocked + excluded.blocked`,
            bytes_up: sql`disc_aggregates.bytes_up + excluded.bytes_up`,
            bytes_down: sql`disc_aggregates.bytes_down + excluded.bytes_down`,
            bytes_total: sql`disc_aggregates.bytes_total + excluded.bytes_total`,
          }),
        )
        .execute();
    }
  }
  async appTotals(tenantId: string, streamIds: string[], fromDay: number): Promise<UsageTotals[]> {
    if (streamIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('disc_aggregates')
      .select((eb) => [
        'app_id',
        eb.fn.sum('transactions').as('transactions'),
        eb.fn.sum('blocked').as('blocked'),
        eb.fn.sum('bytes_up').as('bytes_up'),
        eb.fn.sum('bytes_down').as('bytes_down'),
        eb.fn.sum('bytes_total').as('bytes_total'),
        sql<number>`count(distinct nullif(user_name, ''))`.as('users'),
        sql<number>`count(distinct ip)`.as('ips'),
        eb.fn.min('day').as('first_day'),
        eb.fn.max('day').as('last_day'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('stream_id', 'in', streamIds)
      .where('day', '>=', fromDay)
      .groupBy('app_id')
      .execute();
    return rows.map((r) => ({
      app_id: r.app_id,
      transactions: num(r.transactions),
      blocked: num(r.blocked),
      bytes_up: num(r.bytes_up),
      bytes_down: num(r.bytes_down),
      bytes_total: num(r.bytes_total),
      users: num(r.users),
      ips: num(r.ips),
      first_day: num(r.first_day),
      last_day: num(r.last_day),
    }));
  }
  rows(tenantId: string, streamIds: string[], fromDay: number, limit: number): Promise<DiscoveryAggregateRow[]> {
    if (streamIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('disc_aggregates')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('stream_id', 'in', streamIds)
      .where('day', '>=', fromDay)
      .orderBy('day', 'desc')
      .orderBy('app_id')
      .orderBy('user_name')
      .orderBy('ip')
      .limit(limit)
      .execute();
  }
  async deleteBefore(beforeDay: number): Promise<number> {
    const r = await this.db.deleteFrom('disc_aggregates').where('day', '<', beforeDay).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async deleteStream(tenantId: string, streamId: string): Promise<void> {
    await this.db.deleteFrom('disc_aggregates').where('tenant_id', '=', tenantId).where('stream_id', '=', streamId).execute();
  }
}

export class KyselyDiscoveryAppStateStore implements DiscoveryAppStateStore {
  constructor(private readonly db: Kysely<Database>) {}
  list(tenantId: string): Promise<DiscoveryAppStateRow[]> {
    return this.db.selectFrom('disc_app_states').selectAll().where('tenant_id', '=', tenantId).orderBy('app_id').execute();
  }
  async put(row: DiscoveryAppStateRow): Promise<void> {
    await this.db
      .insertInto('disc_app_states')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'app_id']).doUpdateSet({ state: row.state, updated_at: row.updated_at, updated_by: row.updated_by }),
      )
      .execute();
  }
  async delete(tenantId: string, appId: number): Promise<boolean> {
    const r = await this.db.deleteFrom('disc_app_states').where('tenant_id', '=', tenantId).where('app_id', '=', appId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

/** The same classes serve both backends; only the job claim differs by dialect. */
export function discoveryStores(db: Kysely<Database>, dialect: SqlDialect): DiscoveryStores {
  return {
    ipRanges: new KyselyIpRangeStore(db),
    streams: new KyselyDiscoveryStreamStore(db),
    uploads: new KyselyDiscoveryUploadStore(db),
    jobs: new KyselyDiscoveryJobStore(db, dialect),
    usage: new KyselyDiscoveryUsageStore(db),
    appStates: new KyselyDiscoveryAppStateStore(db),
  };
}
