/**
 * Row types of the user-context tables (migration 0008-user-context). Times are epoch
 * milliseconds, booleans 0/1, as everywhere in schema.ts. Every `*_hash` is the master key's
 * keyed hash of a secret that the server handed out once and never stores in clear.
 */

export interface DirectoryRoleAssignmentRow {
  id: string;
  tenant_id: string;
  principal_id: string;
  role_template_id: string;
  created_at: number;
}

export interface PermissionGrantRow {
  id: string;
  tenant_id: string;
  /** Object id of the client's service principal. */
  client_id: string;
  consent_type: 'AllPrincipals' | 'Principal';
  principal_id: string | null;
  /** Object id of the resource's service principal. */
  resource_id: string;
  /** Space-separated delegated permission values. */
  scope: string;
  created_at: number;
}

export interface AuthorizationCodeRow {
  code_hash: string;
  tenant_id: string;
  client_app_id: string;
  user_id: string;
  redirect_uri: string;
  /** Which registration bucket the redirect URI matched: web, spa or publicClient. */
  redirect_type: string;
  /** The scopes requested at the authorize leg, space-separated. */
  scope: string;
  /** S256 challenge; null when the request had none (confidential web clients only). */
  code_challenge: string | null;
  nonce: string | null;
  auth_time: number;
  created_at: number;
  expires_at: number;
  redeemed_at: number | null;
}

export interface RefreshTokenRow {
  token_hash: string;
  tenant_id: string;
  client_app_id: string;
  user_id: string;
  /** Scopes the user authorized (all resources and OIDC scopes), space-separated. */
  scope: string;
  /** Issued to a `spa` redirect URI: fixed 24-hour lifetime, inherited by its successors. */
  spa: number;
  auth_time: number;
  created_at: number;
  expires_at: number;
  /** Set when the token was exchanged: refresh tokens are single use (rotated). */
  used_at: number | null;
}

export interface DeviceCodeRow {
  device_code_hash: string;
  user_code_hash: string;
  tenant_id: string;
  client_app_id: string;
  scope: string;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  user_id: string | null;
  auth_time: number | null;
  created_at: number;
  expires_at: number;
}

export interface SignInSessionRow {
  session_hash: string;
  tenant_id: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  expires_at: number;
}

export interface UserContextTables {
  directory_role_assignments: DirectoryRoleAssignmentRow;
  oauth2_permission_grants: PermissionGrantRow;
  authorization_codes: AuthorizationCodeRow;
  refresh_tokens: RefreshTokenRow;
  device_codes: DeviceCodeRow;
  sign_in_sessions: SignInSessionRow;
}
