import { sql, type Kysely } from 'kysely';
import type { ApplicationFilter, ApplicationStore } from '../interfaces.js';
import type { ApplicationRow, Database } from '../schema.js';

export class KyselyApplicationStore implements ApplicationStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: ApplicationRow): Promise<void> {
    await this.db.insertInto('applications').values(row).execute();
  }
  getById(id: string): Promise<ApplicationRow | undefined> {
    return this.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  }
  getByAppId(appId: string): Promise<ApplicationRow | undefined> {
    return this.db.selectFrom('applications').selectAll().where('app_id', '=', appId).executeTakeFirst();
  }
  async findByIdentifierUri(uri: string): Promise<ApplicationRow[]> {
    // identifier_uris is a small JSON array: narrow with LIKE (its wildcards can only widen the
    // match, so nothing is escaped), then compare exactly, case-insensitively.
    const pattern = `%${JSON.stringify(uri).toLowerCase()}%`;
    const rows = await this.db
      .selectFrom('applications')
      .selectAll()
      .where(sql<string>`lower(identifier_uris)`, 'like', pattern)
      .execute();
    return rows.filter((r) => (JSON.parse(r.identifier_uris) as string[]).some((u) => u.toLowerCase() === uri.toLowerCase()));
  }
  list(tenantId: string, filter: ApplicationFilter, limit: number): Promise<ApplicationRow[]> {
    let q = this.db.selectFrom('applications').selectAll().where('tenant_id', '=', tenantId).where('built_in', '=', 0);
    if (filter.appId !== undefined) q = q.where('app_id', '=', filter.appId);
    if (filter.displayName !== undefined) q = q.where('display_name', '=', filter.displayName);
    if (filter.displayNameStartsWith !== undefined) {
      q = q.where('display_name', '>=', filter.displayNameStartsWith).where('display_name', '<', `${filter.displayNameStartsWith}\uffff`);
    }
    return q.orderBy('created_at').orderBy('id').limit(limit).execute();
  }
  async update(id: string, patch: Partial<Omit<ApplicationRow, 'id' | 'app_id' | 'tenant_id'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('applications').set(patch).where('id', '=', id).execute();
  }
  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('applications').where('id', '=', id).execute();
  }
}
