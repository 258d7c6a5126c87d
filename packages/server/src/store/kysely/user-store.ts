import { sql, type Kysely } from 'kysely';
import type { UserFilter, UserStore } from '../interfaces.js';
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
  list(tenantId: string, filter: UserFilter, limit: number): Promise<UserRow[]> {
    let q = this.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
    if (filter.userPrincipalName !== undefined) q = q.where('user_principal_name', '=', filter.userPrincipalName.toLowerCase());
    if (filter.displayName !== undefined) q = q.where('display_name', '=', filter.displayName);
    if (filter.displayNameStartsWith !== undefined) {
      // substr, not LIKE: a prefix with % or _ must match literally on both backends.
      const p = filter.displayNameStartsWith.toLowerCase();
      q = q.where(sql<string>`substr(lower(display_name), 1, ${p.length})`, '=', p);
    }
    if (filter.userPrincipalNameStartsWith !== undefined) {
      const p = filter.userPrincipalNameStartsWith.toLowerCase();
      q = q.where(sql<string>`substr(user_principal_name, 1, ${p.length})`, '=', p);
    }
    return q.orderBy('user_principal_name').limit(limit).execute();
  }
  async update(id: string, patch: Partial<Omit<UserRow, 'id' | 'tenant_id' | 'created_at'>>): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }
  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
