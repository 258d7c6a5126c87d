import type {
  AuthorizationCodeRow,
  DeviceCodeRow,
  DirectoryRoleAssignmentRow,
  PermissionGrantRow,
  RefreshTokenRow,
  SignInSessionRow,
} from './user-context-schema.js';

/** Storage roles of user context: directory roles, delegated grants, and the user flows' one-time secrets. */

export interface DirectoryRoleAssignmentStore {
  insert(row: DirectoryRoleAssignmentRow): Promise<void>;
  get(tenantId: string, id: string): Promise<DirectoryRoleAssignmentRow | undefined>;
  list(tenantId: string, filter: { principalId?: string; roleTemplateId?: string }): Promise<DirectoryRoleAssignmentRow[]>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface PermissionGrantStore {
  insert(row: PermissionGrantRow): Promise<void>;
  get(tenantId: string, id: string): Promise<PermissionGrantRow | undefined>;
  list(tenantId: string, filter: { clientId?: string; resourceId?: string; consentType?: string }): Promise<PermissionGrantRow[]>;
  updateScope(tenantId: string, id: string, scope: string): Promise<void>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface AuthorizationCodeStore {
  insert(row: AuthorizationCodeRow): Promise<void>;
  get(codeHash: string): Promise<AuthorizationCodeRow | undefined>;
  /** Marks a code redeemed; false when it already was (two redemptions race: one wins). */
  redeem(codeHash: string, at: number): Promise<boolean>;
  deleteExpired(before: number): Promise<number>;
}

export interface RefreshTokenStore {
  insert(row: RefreshTokenRow): Promise<void>;
  get(tokenHash: string): Promise<RefreshTokenRow | undefined>;
  /** Marks a token used; false when it already was. */
  markUsed(tokenHash: string, at: number): Promise<boolean>;
  deleteForUser(userId: string): Promise<number>;
}

export interface DeviceCodeStore {
  insert(row: DeviceCodeRow): Promise<void>;
  getByDeviceCode(deviceCodeHash: string): Promise<DeviceCodeRow | undefined>;
  getByUserCode(userCodeHash: string): Promise<DeviceCodeRow | undefined>;
  /** Moves a code from `from` to `to`; false when it was no longer in `from`. */
  transition(
    deviceCodeHash: string,
    from: DeviceCodeRow['status'],
    to: DeviceCodeRow['status'],
    user?: { userId: string; authTime: number },
  ): Promise<boolean>;
}

export interface SignInSessionStore {
  insert(row: SignInSessionRow): Promise<void>;
  get(sessionHash: string): Promise<SignInSessionRow | undefined>;
  delete(sessionHash: string): Promise<void>;
  deleteForUser(userId: string): Promise<number>;
}

export interface UserContextStores {
  directoryRoles: DirectoryRoleAssignmentStore;
  permissionGrants: PermissionGrantStore;
  authorizationCodes: AuthorizationCodeStore;
  refreshTokens: RefreshTokenStore;
  deviceCodes: DeviceCodeStore;
  signInSessions: SignInSessionStore;
}
