import type { Kysely } from 'kysely';
import type { CredentialStore } from '../interfaces.js';
import type { Database, KeyCredentialRow, PasswordCredentialRow } from '../schema.js';

export class KyselyCredentialStore implements CredentialStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insertPassword(row: PasswordCredentialRow): Promise<void> {
    await this.db.insertInto('password_credentials').values(row).execute();
  }
  listPasswords(applicationId: string): Promise<PasswordCredentialRow[]> {
    return this.db.selectFrom('password_credentials').selectAll().where('application_id', '=', applicationId).orderBy('start_at').execute();
  }
  async deletePassword(applicationId: string, keyId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('password_credentials')
      .where('application_id', '=', applicationId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  listKeys(applicationId: string): Promise<KeyCredentialRow[]> {
    return this.db.selectFrom('key_credentials').selectAll().where('application_id', '=', applicationId).orderBy('start_at').execute();
  }
  async replaceKeys(applicationId: string, rows: KeyCredentialRow[]): Promise<void> {
    await this.db.deleteFrom('key_credentials').where('application_id', '=', applicationId).execute();
    if (rows.length > 0) await this.db.insertInto('key_credentials').values(rows).execute();
  }
}
