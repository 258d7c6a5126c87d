import type { Kysely } from 'kysely';
import type { ApiTokenStore } from '../interfaces.js';
import type { ApiTokenRow, Database } from '../schema.js';

export class KyselyApiTokenStore implements ApiTokenStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: ApiTokenRow): Promise<void> {
    await this.db.insertInto('ca_api_tokens').values(row).execute();
  }
  getByHash(hash: string): Promise<ApiTokenRow | undefined> {
    return this.db.selectFrom('ca_api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }
  list(tenantId: string): Promise<ApiTokenRow[]> {
    return this.db.selectFrom('ca_api_tokens').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').execute();
  }
  async revoke(tenantId: string, id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('ca_api_tokens')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
