/**
 * Row types shared by every backend. Times are epoch milliseconds (numbers), JSON columns are
 * strings, booleans are 0/1 so that SQLite and PostgreSQL rows look the same to services.
 */
export interface TenantRow {
  id: string;
  name: string;
  domain: string;
  display_name: string;
  created_at: number;
  settings: string;
}

export interface SigningKeyRow {
  kid: string;
  tenant_id: string;
  /** PKCS#8 private key, encrypted with the master key (never in clear text). */
  private_key_enc: string;
  cert_der_b64: string;
  created_at: number;
  /** Signs from this time; published from created_at. */
  active_from: number;
  /** Set when a newer key took over; still published until published_until. */
  retired_at: number | null;
  published_until: number | null;
}

export interface ApplicationRow {
  id: string;
  app_id: string;
  tenant_id: string;
  display_name: string;
  sign_in_audience: string;
  identifier_uris: string;
  app_roles: string;
  required_resource_access: string;
  web: string;
  api: string;
  built_in: number;
  created_at: number;
}

export interface PasswordCredentialRow {
  key_id: string;
  application_id: string;
  display_name: string | null;
  hint: string;
  /** HMAC-SHA256 of the secret under the master key, base64url. */
  secret_hash: string;
  start_at: number;
  end_at: number;
}

export interface KeyCredentialRow {
  key_id: string;
  application_id: string;
  display_name: string | null;
  type: string;
  usage: string;
  cert_der_b64: string;
  thumbprint_sha1: string;
  thumbprint_sha256: string;
  start_at: number;
  end_at: number;
}

export interface ServicePrincipalRow {
  id: string;
  tenant_id: string;
  app_id: string;
  display_name: string;
  account_enabled: number;
  app_role_assignment_required: number;
  app_owner_organization_id: string;
  created_at: number;
}

export interface AppRoleAssignmentRow {
  id: string;
  tenant_id: string;
  principal_id: string;
  resource_id: string;
  app_role_id: string;
  created_at: number;
}

export interface UserRow {
  id: string;
  tenant_id: string;
  user_principal_name: string;
  display_name: string;
  password_hash: string;
  created_at: number;
}

export interface UsedAssertionRow {
  client_id: string;
  jti: string;
  expires_at: number;
}

export interface Database {
  tenants: TenantRow;
  signing_keys: SigningKeyRow;
  applications: ApplicationRow;
  password_credentials: PasswordCredentialRow;
  key_credentials: KeyCredentialRow;
  service_principals: ServicePrincipalRow;
  app_role_assignments: AppRoleAssignmentRow;
  users: UserRow;
  used_assertions: UsedAssertionRow;
}
