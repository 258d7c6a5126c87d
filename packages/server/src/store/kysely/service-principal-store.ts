import type { Kysely } from 'kysely';
import type { ServicePrincipalStore } from '../interfaces.js';
import type { Database, ServicePrincipalRow } from '../schema.js';

export class KyselyServicePrincipalStore implements ServicePrincipalStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: ServicePrincipalRow): Promise<void> {
    await this.db.insertInto('service_principals').values(row).execute();
  }
  getById(tenantId: string, id: string): Promise<ServicePrincipalRow | undefined> {
    return this.db.selectFrom('service_principals').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  }
  getByAppId(tenantId: string, appId: string): Promise<ServicePrincipalRow | undefined> {
    return this.db
      .selectFrom('service_principals')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('app_id', '=', appId)
      .executeTakeFirst();
  }
  list(tenantId: string, filter: { appId?: string; displayName?: string }, limit: number): Promise<ServicePrincipalRow[]> {
    let q = this.db.selectFrom('service_principals').selectAll().where('tenant_id', '=', tenantId);
    if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
    if (filter.displayName !== undefined) q = q.where('display_name', '=', filter.displayName);
    return q.orderBy('created_at').orderBy('id').limit(limit).execute();
  }
  async update(
    id: string,
    patch: Partial<Pick<ServicePrincipalRow, 'account_enabled' | 'app_role_assignment_required' | 'display_name'>>,
  ): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('service_principals').set(patch).where('id', '=', id).execute();
  }
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('service_principals').where('id', '=', id).execute();
  }
  async deleteByAppId(appId: string): Promise<void> {
    await this.db.deleteFrom('service_principals').where('app_id', '=', appId).execute();
  }
}
