import { sql, type Kysely } from 'kysely';
import type { ExportItem, ExportKind, SiemStore } from '../siem-interfaces.js';
import type { SiemTargetRow } from '../siem-schema.js';
import type { CloudAppsAlertRow, Database } from '../schema.js';

/** Ids per IN list (SQLite's bound-parameter limit is far above; PostgreSQL plans stay small). */
const IDS_PER_QUERY = 500;
/** Outbox rows per INSERT (6 columns each). */
const ROWS_PER_INSERT = 500;

const chunks = <T>(xs: T[], n: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
};

/**
 * The SIEM export's hook in the alert writes (both backends): called in the write's transaction
 * BEFORE the rows are upserted, it finds which rows are new (no stored row with that tenant and id
 * yet) and puts one outbox row per new item and enabled target that wants the kind. The outbox rows
 * commit or roll back with the items. Rows replacing a stored item are not exported again. Costs
 * one indexed read per call when the tenant has no export target. Past a target's `max_pending`,
 * its oldest items are dropped and counted in `dropped`. (Activity writes already know which rows
 * are new from the detection queue's insert: they call enqueueNewForExport.)
 */
export async function enqueueForExport(
  db: Kysely<Database>,
  kind: ExportKind,
  rows: readonly { tenant_id: string; id: string }[],
  now = Date.now(),
): Promise<void> {
  const table = kind === 'alert' ? 'ca_alerts' : 'ca_activities';
  await exportItems(db, kind, rows, now, async (tenantId, ids) => {
    const existing = new Set<string>();
    for (const part of chunks(ids, IDS_PER_QUERY)) {
      const found = await db.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('id', 'in', part).execute();
      for (const f of found) existing.add(f.id);
    }
    return ids.filter((id) => !existing.has(id));
  });
}

/** As enqueueForExport for rows the caller knows the tenant does not hold yet (no look-up). */
export function enqueueNewForExport(
  db: Kysely<Database>,
  kind: ExportKind,
  rows: readonly { tenant_id: string; id: string }[],
  now = Date.now(),
): Promise<void> {
  return exportItems(db, kind, rows, now, (_tenantId, ids) => Promise.resolve(ids));
}

/** Outbox rows for the items `fresh` keeps, per tenant with an enabled target that wants `kind`. */
async function exportItems(
  db: Kysely<Database>,
  kind: ExportKind,
  rows: readonly { tenant_id: string; id: string }[],
  now: number,
  fresh: (tenantId: string, ids: string[]) => Promise<string[]>,
): Promise<void> {
  if (rows.length === 0) return;
  const byTenant = new Map<string, Set<string>>();
  for (const r of rows) {
    let s = byTenant.get(r.tenant_id);
    if (!s) byTenant.set(r.tenant_id, (s = new Set()));
    s.add(r.id);
  }
  const column = kind === 'alert' ? 'alerts' : 'activities';
  for (const [tenantId, idSet] of byTenant) {
    const targets = await db
      .selectFrom('siem_targets')
      .select(['id', 'max_pending'])
      .where('tenant_id', '=', tenantId)
      .where('enabled', '=', 1)
      .where(column, '=', 1)
      .execute();
    if (targets.length === 0) continue;
    const ids = await fresh(tenantId, [...idSet]);
    if (ids.length === 0) continue;
    for (const t of targets) {
      for (const part of chunks(ids, ROWS_PER_INSERT)) {
        await db
          .insertInto('siem_outbox')
          .values(part.map((id) => ({ target_id: t.id, tenant_id: tenantId, kind, item_id: id, enqueued_at: now })))
          .execute();
      }
      await trimOutbox(db, t.id, Number(t.max_pending));
    }
  }
}

/** Drops a target's oldest items beyond its cap and counts them. */
async function trimOutbox(db: Kysely<Database>, targetId: string, max: number): Promise<void> {
  const r = await db
    .selectFrom('siem_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  const over = Number(r?.n ?? 0) - max;
  if (over <= 0) return;
  await sql`DELETE FROM siem_outbox WHERE seq IN (SELECT seq FROM siem_outbox WHERE target_id = ${targetId} ORDER BY seq LIMIT ${over})`.execute(
    db,
  );
  await db
    .updateTable('siem_targets')
    .set((eb) => ({ dropped: eb('dropped', '+', over) }))
    .where('id', '=', targetId)
    .execute();
}

export class KyselySiemStore implements SiemStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addTarget(row: SiemTargetRow): Promise<void> {
    await this.db.insertInto('siem_targets').values(row).execute();
  }
  async listTargets(tenantId: string): Promise<SiemTargetRow[]> {
    return this.db.selectFrom('siem_targets').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
  }
  async getTarget(tenantId: string, id: string): Promise<SiemTargetRow | undefined> {
    return this.db.selectFrom('siem_targets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  async removeTarget(tenantId: string, id: string): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const t = await trx.selectFrom('siem_targets').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!t) return false;
      await trx.deleteFrom('siem_outbox').where('target_id', '=', id).execute();
      await trx.deleteFrom('siem_targets').where('id', '=', id).execute();
      return true;
    });
  }
  async pendingCounts(tenantId: string): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('siem_outbox')
      .select(['target_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .groupBy('target_id')
      .execute();
    return new Map(rows.map((r) => [r.target_id, Number(r.n)]));
  }
  async targetsWithWork(): Promise<SiemTargetRow[]> {
    return this.db
      .selectFrom('siem_targets as t')
      .selectAll('t')
      .where('t.enabled', '=', 1)
      .where((eb) => eb.exists(eb.selectFrom('siem_outbox as o').select('o.seq').whereRef('o.target_id', '=', 't.id')))
      .orderBy('t.created_at')
      .orderBy('t.id')
      .execute();
  }
  async lease(targetId: string, owner: string, now: number, until: number): Promise<boolean> {
    const r = await this.db
      .updateTable('siem_targets')
      .set({ lease_owner: owner, lease_until: until })
      .where('id', '=', targetId)
      .where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', owner), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
  async releaseLease(targetId: string, owner: string): Promise<void> {
    await this.db
      .updateTable('siem_targets')
      .set({ lease_owner: null, lease_until: null })
      .where('id', '=', targetId)
      .where('lease_owner', '=', owner)
      .execute();
  }
  async claim(targetId: string, limit: number): Promise<ExportItem[]> {
    const rows = await this.db
      .selectFrom('siem_outbox')
      .select(['seq', 'tenant_id', 'kind', 'item_id'])
      .where('target_id', '=', targetId)
      .orderBy('seq')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    const tenantId = rows[0]!.tenant_id;
    const items: ExportItem[] = rows.map((r) => ({ seq: Number(r.seq), kind: r.kind as ExportKind, itemId: r.item_id }));
    const alertIds = items.filter((i) => i.kind === 'alert').map((i) => i.itemId);
    const activityIds = items.filter((i) => i.kind === 'activity').map((i) => i.itemId);
    const alerts = new Map<string, CloudAppsAlertRow>();
    for (const part of chunks(alertIds, IDS_PER_QUERY)) {
      const found = await this.db.selectFrom('ca_alerts').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', part).execute();
      for (const f of found) alerts.set(f.id, f);
    }
    const activities = new Map<string, string>();
    for (const part of chunks(activityIds, IDS_PER_QUERY)) {
      const found = await this.db
        .selectFrom('ca_activities')
        .select(['id', 'doc'])
        .where('tenant_id', '=', tenantId)
        .where('id', 'in', part)
        .execute();
      for (const f of found) activities.set(f.id, f.doc);
    }
    for (const item of items) {
      if (item.kind === 'alert') {
        item.alert = alerts.get(item.itemId);
      } else {
        item.doc = activities.get(item.itemId);
      }
    }
    return items;
  }
  async complete(targetId: string, seqs: number[], counts: { delivered: number; rejected: number }, now: number): Promise<void> {
    await inTransaction(this.db, async (trx) => {
      for (const part of chunks(seqs, IDS_PER_QUERY)) await trx.deleteFrom('siem_outbox').where('seq', 'in', part).execute();
      await trx
        .updateTable('siem_targets')
        .set((eb) => ({
          delivered: eb('delivered', '+', counts.delivered),
          rejected: eb('rejected', '+', counts.rejected),
          last_delivery_at: now,
        }))
        .where('id', '=', targetId)
        .execute();
    });
  }
  async recordError(targetId: string, message: string, now: number): Promise<void> {
    await this.db
      .updateTable('siem_targets')
      .set({ last_error: message.slice(0, 500), last_error_at: now })
      .where('id', '=', targetId)
      .execute();
  }
}

/** Runs fn in a transaction, or in the caller's when the store is bound to one. */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
