import fs from 'node:fs';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenBackend } from '../../packages/server/src/store/backend.js';
import { enqueueNewActivities } from '../../packages/server/src/store/kysely/detection-store.js';
import type { Database } from '../../packages/server/src/store/schema.js';
import type { SiemTargetRow } from '../../packages/server/src/store/siem-schema.js';
import { TIER, workspace, type Workspace } from '../support/harness.js';
import { activityRow } from '../support/activity-row.js';

// The outboxes of an activity write (issue 15): the detection queue and the SIEM export outbox get
// exactly the activities the tenant does not hold yet, found by ONE look-up shared by both.
const T0 = Date.UTC(2025, 5, 15, 12);
const target = (tenantId: string, id: string): SiemTargetRow => ({
  id,
  tenant_id: tenantId,
  url: 'udp://127.0.0.1:9',
  format: 'rfc5424',
  framing: 'datagram',
  ca: null,
  alerts: 0,
  activities: 1,
  enabled: 1,
  secret_enc: null,
  max_pending: 1000,
  created_at: T0,
  lease_owner: null,
  lease_until: null,
  delivered: 0,
  dropped: 0,
  rejected: 0,
  last_delivery_at: null,
  last_error: null,
  last_error_at: null,
});

/** Records the SQL of every statement run through the handle it is plugged into. */
class StatementLog implements KyselyPlugin {
  readonly statements: string[] = [];
  constructor(private readonly compile: (node: RootOperationNode) => string) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements.push(this.compile(args.node));
    return args.node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

describe(`activity write outboxes (${TIER})`, () => {
  let ws: Workspace;
  let opened: OpenBackend;

  beforeAll(async () => {
    ws = workspace('aw-outboxes-');
    const backend =
      TIER === 'postgres'
        ? (await import('../../packages/server/src/store/postgres/index.js')).postgresBackend
        : (await import('../../packages/server/src/store/sqlite/index.js')).sqliteBackend;
    opened = await backend.open(ws);
    for (const id of ['tenant-x', 'tenant-y'])
      await opened.stores.tenants.insert({ id, name: id, domain: `${id}.test`, display_name: id, created_at: T0, settings: '{}' });
    await opened.stores.siem.addTarget(target('tenant-x', 'target-x'));
  });
  afterAll(async () => {
    await opened?.close();
    fs.rmSync(ws.dataDir, { recursive: true, force: true });
  });

  const exported = async () => (await opened.stores.siem.claim('target-x', 1000)).map((i) => i.itemId);
  const queued = async (tenantId: string) => (await opened.stores.detection.claim(tenantId, 1000)).rows.map((r) => r.id).sort();

  it('queues and exports new activities only, in the order written, once per id', async () => {
    const { stores } = opened;
    await stores.activities.upsert([activityRow('tenant-x', 'a2', T0), activityRow('tenant-x', 'a1', T0 + 1)]);
    expect(await exported()).toEqual(['a2', 'a1']);
    expect(await queued('tenant-x')).toEqual(['a1', 'a2']);

    // A re-import (a1 changed, a2 with another time) with new ids mixed in, one of them twice, and
    // another tenant's activity (queued; not exported: that tenant has no target).
    await stores.activities.upsert([
      activityRow('tenant-x', 'a4', T0 + 5),
      activityRow('tenant-x', 'a1', T0 + 1, { ip: '198.51.100.1' }),
      activityRow('tenant-y', 'a1', T0 + 2),
      activityRow('tenant-x', 'a3', T0 + 3),
      activityRow('tenant-x', 'a2', T0 + 86_400_000 * 40),
      activityRow('tenant-x', 'a3', T0 + 3),
    ]);
    expect(await exported()).toEqual(['a2', 'a1', 'a4', 'a3']);
    expect(await queued('tenant-x')).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(await queued('tenant-y')).toEqual(['a1']);
    expect(await stores.detection.queueDepth()).toBe(5);
    expect((await stores.activities.get('tenant-x', 'a1'))?.ip).toBe('198.51.100.1');

    // Evaluated and delivered: a third import of the same ids queues and exports nothing.
    await stores.detection.complete('tenant-x', ['a1', 'a2', 'a3', 'a4']);
    const seqs = (await stores.siem.claim('target-x', 1000)).map((i) => i.seq);
    await stores.siem.complete('target-x', seqs, { delivered: seqs.length, rejected: 0 }, T0);
    await stores.activities.upsert(['a1', 'a2', 'a3', 'a4'].map((id) => activityRow('tenant-x', id, T0 + 7)));
    expect(await exported()).toEqual([]);
    expect(await queued('tenant-x')).toEqual([]);
  });

  it('a rolled-back write leaves neither outbox behind', async () => {
    const { stores } = opened;
    await stores
      .transaction(async (tx) => {
        await tx.activities.upsert([activityRow('tenant-x', 'gone', T0)]);
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await exported()).toEqual([]);
    expect(await queued('tenant-x')).toEqual([]);
  });

  it('looks the ids up in the activities once for both outboxes', async () => {
    const rows = ['b1', 'b2', 'b3'].map((id) => activityRow('tenant-x', id, T0));
    await opened.stores.transaction(async (tx) => {
      // The stores' own Kysely handle (a transaction here), with every statement recorded.
      const db = (tx.detection as unknown as { db: Kysely<Database> }).db;
      const log = new StatementLog((node) => db.getExecutor().compileQuery(node, { queryId: 'log' } as never).sql);
      await enqueueNewActivities(db.withPlugin(log), rows);
      const lookUps = log.statements.filter((s) => /\bca_activities\b/.test(s));
      expect(lookUps).toHaveLength(1);
      expect(log.statements.filter((s) => /siem_outbox/.test(s) && /^\s*insert/i.test(s)).length).toBeGreaterThan(0);
    });
    expect(await exported()).toEqual(['b1', 'b2', 'b3']);
  });
});
