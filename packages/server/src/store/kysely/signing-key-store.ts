import type { Kysely } from 'kysely';
import type { SigningKeyStore } from '../interfaces.js';
import type { Database, SigningKeyRow } from '../schema.js';

export class KyselySigningKeyStore implements SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}
  listForTenant(tenantId: string): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().where('tenant_id', '=', tenantId).orderBy('active_from').execute();
  }
  async insert(row: SigningKeyRow): Promise<void> {
    await this.db.insertInto('signing_keys').values(row).execute();
  }
  async retire(kid: string, retiredAt: number, publishedUntil: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ retired_at: retiredAt, published_until: publishedUntil })
      .where('kid', '=', kid)
      .where('retired_at', 'is', null)
      .execute();
  }
  async deleteUnpublished(tenantId: string, now: number): Promise<number> {
    const r = await this.db
      .deleteFrom('signing_keys')
      .where('tenant_id', '=', tenantId)
      .where('published_until', 'is not', null)
      .where('published_until', '<', now)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
