import type { Kysely } from 'kysely';
import type { TenantStore } from '../interfaces.js';
import type { Database, TenantRow } from '../schema.js';

export class KyselyTenantStore implements TenantStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: TenantRow): Promise<void> {
    await this.db.insertInto('tenants').values(row).execute();
  }
  getById(id: string): Promise<TenantRow | undefined> {
    return this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  }
  getByDomain(domain: string): Promise<TenantRow | undefined> {
    return this.db
      .selectFrom('tenants')
      .selectAll()
      .where((eb) => eb.or([eb('domain', '=', domain), eb('name', '=', domain)]))
      .executeTakeFirst();
  }
  list(): Promise<TenantRow[]> {
    return this.db.selectFrom('tenants').selectAll().orderBy('created_at').execute();
  }
  async updateSettings(id: string, settings: string): Promise<void> {
    await this.db.updateTable('tenants').set({ settings }).where('id', '=', id).execute();
  }
}
