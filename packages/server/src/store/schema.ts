import type { DiscoveryTables } from './discovery-schema.js';
import type { SiemTables } from './siem-schema.js';
import type { UserContextTables } from './user-context-schema.js';

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
  // Added by 0008-user-context (JSON objects and a flag); optional so older inserts keep the defaults.
  spa?: string;
  public_client?: string;
  is_fallback_public_client?: number;
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
  // Added by 0008-user-context; optional so that older inserts keep the database defaults.
  account_enabled?: number;
  mail_nickname?: string | null;
  given_name?: string | null;
  surname?: string | null;
  job_title?: string | null;
  force_change_password?: number;
  tokens_valid_from?: number;
}

export interface UsedAssertionRow {
  client_id: string;
  jti: string;
  expires_at: number;
}

/**
 * Cloud Apps API records keep the whole wire object in `doc` (JSON) and copy the filterable and
 * sortable values into columns; JSON-array columns (`*_keys`, `*_tags`, `*_ids`) hold lists that
 * filters match element-wise. Mutable state (read, closed...) lives only in columns and is laid
 * over `doc` when the object is rendered.
 */
export interface CloudAppsAlertRow {
  tenant_id: string;
  id: string;
  id_value: number;
  timestamp: number;
  severity: number;
  resolution_status: number;
  status_value: number;
  resolve_time: number | null;
  handled_by_user: string | null;
  comment: string | null;
  reason_id: number | null;
  threat_score: number | null;
  alert_type: number | null;
  source: string | null;
  /** JSON array: `service:<id>`, `instance:<id>`, `ip:<addr>`, `policy:<id>`, `file:<id>`, `user:<upn>`, `pk:<id>`, `pk:<id>|<saas>|<inst>`. */
  entity_keys: string;
  doc: string;
  // Triage state that Microsoft Graph's alerts_v2 adds (migration 0014). Optional: rows written by
  // importers and detectors leave them out, and an upsert then keeps what was there.
  /** `assignedTo` (alerts_v2). */
  assigned_to?: string | null;
  /** alerts_v2 `classification` given while the alert is open; once closed, the resolution status says it. */
  classification?: string | null;
  /** alerts_v2 `determination`; when unset, derived from the close reason. */
  determination?: string | null;
  /** JSON array of alerts_v2 comments `{comment, createdByDisplayName, createdDateTime}`. */
  graph_comments?: string | null;
  /** Epoch ms of the last state change; NULL means never changed (then `timestamp`). */
  last_update?: number | null;
}

export interface CloudAppsActivityRow {
  tenant_id: string;
  id: string;
  timestamp: number;
  created: number;
  app_id: number | null;
  instance_id: number | null;
  source: number | null;
  event_type_name: string | null;
  event_type_value: string | null;
  action_type: string | null;
  username: string | null;
  user_domain: string | null;
  user_org_unit: string | null;
  user_tags: string;
  /** JSON array: the actor as `<id>` and `<id>|<saas>|<inst>`. */
  actor_keys: string;
  ip: string | null;
  ip_category: number | null;
  ip_tags: string;
  country: string | null;
  organization: string | null;
  device_type: string | null;
  device_tags: string;
  user_agent: string | null;
  ua_tags: string;
  impersonated: number;
  is_admin: number;
  taken_action: string | null;
  policy_ids: string;
  file_ids: string;
  file_labels: string;
  object_ids: string;
  object_url: string | null;
  description: string | null;
  feedback: string | null;
  doc: string;
}

export interface CloudAppsEntityRow {
  tenant_id: string;
  /** 24-hex `_id`. */
  oid: string;
  id: string;
  saas: number;
  inst: number;
  /** `<id>|<saas>|<inst>`. */
  pk: string;
  /** For an account, the pk of the user it belongs to. */
  parent_pk: string | null;
  type: number;
  status: number;
  is_admin: number;
  is_external: number | null;
  domain: string | null;
  organization: string | null;
  display_name: string;
  username: string | null;
  last_seen: number | null;
  threat_score: number | null;
  user_groups: string;
  doc: string;
}

/** A file of a connected app (reference §7.4). Lists (`*_keys`, `*_users`...) are JSON arrays. */
export interface CloudAppsFileRow {
  tenant_id: string;
  /** 24-hex `_id`. */
  oid: string;
  /** The app's own id of the file (`<drive>|<item>` for OneDrive). */
  id: string;
  app_id: number;
  instance_id: number;
  /** `ftype` (FILE_TYPE). */
  file_type: number;
  /** `facl` (FILE_ACCESS_LEVEL). */
  sharing: number;
  /** `fstat` (FILE_STATUS). */
  status: number;
  /** 1 when `fstat` is not EXISTS. */
  trashed: number;
  is_folder: number;
  quarantined: number;
  name: string;
  extension: string | null;
  mime_type: string | null;
  file_size: number | null;
  owner_username: string | null;
  owner_org_unit: string | null;
  /** The owner as `<address>` and `<address>|<app>|<inst>`. */
  owner_keys: string;
  /** Collaborators' ids and addresses. */
  collaborator_users: string;
  collaborator_domains: string;
  collaborator_groups: string;
  policy_ids: string;
  file_labels: string;
  scan_labels: string;
  /** The parent folder and every ancestor (`parentIds`, `effectiveParents`). */
  parent_ids: string;
  created_date: number | null;
  modified_date: number | null;
  snapshot_modified: number | null;
  doc: string;
}

export interface ApiTokenRow {
  id: string;
  tenant_id: string;
  name: string;
  /** 'full' | 'read-only'. */
  kind: string;
  /** HMAC-SHA256 of the token under the master key, base64url. */
  token_hash: string;
  /** Last four characters, to tell tokens apart in listings. */
  hint: string;
  created_at: number;
  created_by: string;
  revoked_at: number | null;
}

export interface CloudAppsTenantSettingsRow {
  tenant_id: string;
  /** Requests per minute; null = the server default. */
  rate_limit_per_minute: number | null;
  /** JSON FaultSettings or null. */
  faults: string | null;
  /** JSON DetectionSettings (partial; defaults fill the rest) or null. */
  detection?: string | null;
  updated_at: number;
}

export interface Database extends DiscoveryTables, UserContextTables, SiemTables {
  ca_alerts: CloudAppsAlertRow;
  ca_activities: CloudAppsActivityRow;
  ca_entities: CloudAppsEntityRow;
  ca_files: CloudAppsFileRow;
  ca_api_tokens: ApiTokenRow;
  ca_tenant_settings: CloudAppsTenantSettingsRow;
  detection_queue: DetectionQueueRow;
  detection_state: DetectionStateRow;
  detection_tenants: DetectionTenantRow;
  detection_policies: DetectionPolicyRow;
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

/** An activity stored but not evaluated yet by the detection engine (the outbox). */
export interface DetectionQueueRow {
  tenant_id: string;
  activity_id: string;
  timestamp: number;
}

/** One durable piece of detector state (a window, a baseline, a counter) as JSON. */
export interface DetectionStateRow {
  tenant_id: string;
  key: string;
  value: string;
  updated_at: number;
}

/** The row a process locks while it evaluates the tenant's queued activities. */
export interface DetectionTenantRow {
  tenant_id: string;
  evaluated: number;
  last_run: number;
}

/** An activity policy; `doc` is its JSON (name, filters, match parameters, limits). */
export interface DetectionPolicyRow {
  tenant_id: string;
  id: string;
  name: string;
  enabled: number;
  created: number;
  updated: number;
  doc: string;
}
