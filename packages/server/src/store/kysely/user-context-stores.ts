import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type {
  AuthorizationCodeStore,
  DeviceCodeStore,
  DirectoryRoleAssignmentStore,
  PermissionGrantStore,
  RefreshTokenStore,
  SignInSessionStore,
  UserContextStores,
} from '../user-context-interfaces.js';
import type {
  AuthorizationCodeRow,
  DeviceCodeRow,
  DirectoryRoleAssignmentRow,
  PermissionGrantRow,
  RefreshTokenRow,
  SignInSessionRow,
} from '../user-context-schema.js';

export class KyselyDirectoryRoleAssignmentStore implements DirectoryRoleAssignmentStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: DirectoryRoleAssignmentRow): Promise<void> {
    await this.db.insertInto('directory_role_assignments').values(row).execute();
  }
  get(tenantId: string, id: string): Promise<DirectoryRoleAssignmentRow | undefined> {
    return this.db
      .selectFrom('directory_role_assignments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
  list(tenantId: string, filter: { principalId?: string; roleTemplateId?: string }): Promise<DirectoryRoleAssignmentRow[]> {
    let q = this.db.selectFrom('directory_role_assignments').selectAll().where('tenant_id', '=', tenantId);
    if (filter.principalId) q = q.where('principal_id', '=', filter.principalId);
    if (filter.roleTemplateId) q = q.where('role_template_id', '=', filter.roleTemplateId);
    return q.orderBy('created_at').orderBy('id').execute();
  }
  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('directory_role_assignments')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export class KyselyPermissionGrantStore implements PermissionGrantStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: PermissionGrantRow): Promise<void> {
    await this.db.insertInto('oauth2_permission_grants').values(row).execute();
  }
  get(tenantId: string, id: string): Promise<PermissionGrantRow | undefined> {
    return this.db
      .selectFrom('oauth2_permission_grants')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
  }
  list(tenantId: string, filter: { clientId?: string; resourceId?: string; consentType?: string }): Promise<PermissionGrantRow[]> {
    let q = this.db.selectFrom('oauth2_permission_grants').selectAll().where('tenant_id', '=', tenantId);
    if (filter.clientId) q = q.where('client_id', '=', filter.clientId);
    if (filter.resourceId) q = q.where('resource_id', '=', filter.resourceId);
    if (filter.consentType) q = q.where('consent_type', '=', filter.consentType as PermissionGrantRow['consent_type']);
    return q.orderBy('created_at').orderBy('id').execute();
  }
  async updateScope(tenantId: string, id: string, scope: string): Promise<void> {
    await this.db.updateTable('oauth2_permission_grants').set({ scope }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
  async delete(tenantId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('oauth2_permission_grants')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}

export class KyselyAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: AuthorizationCodeRow): Promise<void> {
    await this.db.insertInto('authorization_codes').values(row).execute();
  }
  get(codeHash: string): Promise<AuthorizationCodeRow | undefined> {
    return this.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }
  async redeem(codeHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('authorization_codes')
      .set({ redeemed_at: at })
      .where('code_hash', '=', codeHash)
      .where('redeemed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteExpired(before: number): Promise<number> {
    const r = await this.db.deleteFrom('authorization_codes').where('expires_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

export class KyselyRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: RefreshTokenRow): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(row).execute();
  }
  get(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }
  async markUsed(tokenHash: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('refresh_tokens')
      .set({ used_at: at })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('refresh_tokens').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

export class KyselyDeviceCodeStore implements DeviceCodeStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: DeviceCodeRow): Promise<void> {
    await this.db.insertInto('device_codes').values(row).execute();
  }
  getByDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRow | undefined> {
    return this.db.selectFrom('device_codes').selectAll().where('device_code_hash', '=', deviceCodeHash).executeTakeFirst();
  }
  getByUserCode(userCodeHash: string): Promise<DeviceCodeRow | undefined> {
    return this.db.selectFrom('device_codes').selectAll().where('user_code_hash', '=', userCodeHash).executeTakeFirst();
  }
  async transition(
    deviceCodeHash: string,
    from: DeviceCodeRow['status'],
    to: DeviceCodeRow['status'],
    user?: { userId: string; authTime: number },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('device_codes')
      .set({ status: to, ...(user ? { user_id: user.userId, auth_time: user.authTime } : {}) })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}

export class KyselySignInSessionStore implements SignInSessionStore {
  constructor(private readonly db: Kysely<Database>) {}
  async insert(row: SignInSessionRow): Promise<void> {
    await this.db.insertInto('sign_in_sessions').values(row).execute();
  }
  get(sessionHash: string): Promise<SignInSessionRow | undefined> {
    return this.db.selectFrom('sign_in_sessions').selectAll().where('session_hash', '=', sessionHash).executeTakeFirst();
  }
  async delete(sessionHash: string): Promise<void> {
    await this.db.deleteFrom('sign_in_sessions').where('session_hash', '=', sessionHash).execute();
  }
  async deleteForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('sign_in_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/** User-context stores: SQL that SQLite and PostgreSQL both run, shared by both backends. */
export function userContextStores(db: Kysely<Database>): UserContextStores {
  return {
    directoryRoles: new KyselyDirectoryRoleAssignmentStore(db),
    permissionGrants: new KyselyPermissionGrantStore(db),
    authorizationCodes: new KyselyAuthorizationCodeStore(db),
    refreshTokens: new KyselyRefreshTokenStore(db),
    deviceCodes: new KyselyDeviceCodeStore(db),
    signInSessions: new KyselySignInSessionStore(db),
  };
}
