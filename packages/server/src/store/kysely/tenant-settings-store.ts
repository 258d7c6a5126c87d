import type { Kysely } from 'kysely';
import type { TenantSettingsStore } from '../interfaces.js';
import type { CloudAppsTenantSettingsRow, Database } from '../schema.js';

export class KyselyTenantSettingsStore implements TenantSettingsStore {
  constructor(private readonly db: Kysely<Database>) {}
  get(tenantId: string): Promise<CloudAppsTenantSettingsRow | undefined> {
    return this.db.selectFrom('ca_tenant_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  }
  async put(row: CloudAppsTenantSettingsRow): Promise<void> {
    await this.db
      .insertInto('ca_tenant_settings')
      .values(row)
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet({
          rate_limit_per_minute: row.rate_limit_per_minute,
          faults: row.faults,
          ...(row.detection !== undefined ? { detection: row.detection } : {}),
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }
}
