import type { Kysely } from 'kysely';
import type { CloudAppsActivityRow, CloudAppsEntityRow, CloudAppsFileRow, Database } from '../schema.js';

/**
 * Cloud Apps reads and small updates whose SQL both backends run as is. The SQLite and PostgreSQL
 * stores differ in lists and bulk writes only, and delegate these here.
 */
export const cloudAppsReads = {
  activity(db: Kysely<Database>, tenantId: string, id: string): Promise<CloudAppsActivityRow | undefined> {
    return db.selectFrom('ca_activities').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  },
  async setActivityFeedback(db: Kysely<Database>, tenantId: string, id: string, feedback: string): Promise<boolean> {
    const r = await db
      .updateTable('ca_activities')
      .set({ feedback })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  },
  entityByPk(db: Kysely<Database>, tenantId: string, pk: string): Promise<CloudAppsEntityRow | undefined> {
    return db.selectFrom('ca_entities').selectAll().where('tenant_id', '=', tenantId).where('pk', '=', pk).executeTakeFirst();
  },
  entityByOid(db: Kysely<Database>, tenantId: string, oid: string): Promise<CloudAppsEntityRow | undefined> {
    return db.selectFrom('ca_entities').selectAll().where('tenant_id', '=', tenantId).where('oid', '=', oid).executeTakeFirst();
  },
  entityChildren(db: Kysely<Database>, tenantId: string, parentPk: string): Promise<CloudAppsEntityRow[]> {
    return db
      .selectFrom('ca_entities')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('parent_pk', '=', parentPk)
      .orderBy('saas')
      .orderBy('oid')
      .execute();
  },
  file(db: Kysely<Database>, tenantId: string, oid: string): Promise<CloudAppsFileRow | undefined> {
    return db.selectFrom('ca_files').selectAll().where('tenant_id', '=', tenantId).where('oid', '=', oid).executeTakeFirst();
  },
  async fileCount(db: Kysely<Database>, tenantId: string): Promise<number> {
    const r = await db
      .selectFrom('ca_files')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  },
};
