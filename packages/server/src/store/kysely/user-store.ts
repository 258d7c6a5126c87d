import type { Kysely } from 'kysely';
import type { UserStore } from '../interfaces.js';
import type { Database, UserRow } from '../schema.js';

export class KyselyUserStore implements UserStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }
  getByUserPrincipalName(upn: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('user_principal_name', '=', upn.toLowerCase()).executeTakeFirst();
  }
  getById(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }
}
