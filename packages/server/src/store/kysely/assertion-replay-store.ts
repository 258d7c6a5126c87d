import type { Kysely } from 'kysely';
import type { AssertionReplayStore } from '../interfaces.js';
import type { Database } from '../schema.js';

export class KyselyAssertionReplayStore implements AssertionReplayStore {
  private lastSweep = 0;
  constructor(private readonly db: Kysely<Database>) {}
  async markUsed(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean> {
    if (now - this.lastSweep > 60_000) {
      this.lastSweep = now;
      await this.db.deleteFrom('used_assertions').where('expires_at', '<', now).execute();
    }
    const existing = await this.db
      .selectFrom('used_assertions')
      .select('expires_at')
      .where('client_id', '=', clientId)
      .where('jti', '=', jti)
      .executeTakeFirst();
    if (existing && existing.expires_at >= now) return false;
    await this.db
      .insertInto('used_assertions')
      .values({ client_id: clientId, jti, expires_at: expiresAt })
      .onConflict((oc) => oc.columns(['client_id', 'jti']).doUpdateSet({ expires_at: expiresAt }))
      .execute();
    return true;
  }
}
