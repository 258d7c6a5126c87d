import type { Kysely } from 'kysely';
import type { AppRoleAssignmentStore } from '../interfaces.js';
import type { AppRoleAssignmentRow, Database } from '../schema.js';

export class KyselyAppRoleAssignmentStore implements AppRoleAssignmentStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: AppRoleAssignmentRow): Promise<void> {
    await this.db.insertInto('app_role_assignments').values(row).execute();
  }
  getById(tenantId: string, id: string): Promise<AppRoleAssignmentRow | undefined> {
    return this.db.selectFrom('app_role_assignments').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  listByPrincipal(tenantId: string, principalId: string): Promise<AppRoleAssignmentRow[]> {
    return this.db
      .selectFrom('app_role_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('principal_id', '=', principalId)
      .orderBy('created_at')
      .execute();
  }
  listByResource(tenantId: string, resourceId: string): Promise<AppRoleAssignmentRow[]> {
    return this.db
      .selectFrom('app_role_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('resource_id', '=', resourceId)
      .orderBy('created_at')
      .execute();
  }
  async roleIds(principalId: string, resourceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('app_role_assignments')
      .select('app_role_id')
      .where('principal_id', '=', principalId)
      .where('resource_id', '=', resourceId)
      .execute();
    return rows.map((r) => r.app_role_id);
  }
  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('app_role_assignments').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
