import type { SiemStore } from './siem-interfaces.js';
import type { DiscoveryStores } from './discovery-interfaces.js';
import type { UserContextStores } from './user-context-interfaces.js';
import type { AlertStatePage, AlertStateQuery } from './alert-state-query.js';
import type { FilterCondition } from './filter-conditions.js';
import type { DetectionStore } from './detection-interfaces.js';
import type {
  ApiTokenRow,
  AppRoleAssignmentRow,
  CloudAppsActivityRow,
  CloudAppsAlertRow,
  CloudAppsEntityRow,
  CloudAppsFileRow,
  CloudAppsTenantSettingsRow,
  ApplicationRow,
  KeyCredentialRow,
  PasswordCredentialRow,
  ServicePrincipalRow,
  SigningKeyRow,
  TenantRow,
  UserRow,
} from './schema.js';

/** Storage roles. Services see only these; wiring.ts picks the backend. */

export interface TenantStore {
  insert(row: TenantRow): Promise<void>;
  getById(id: string): Promise<TenantRow | undefined>;
  /** Lookup by initial domain or short name, already lower-cased. */
  getByDomain(domain: string): Promise<TenantRow | undefined>;
  list(): Promise<TenantRow[]>;
  updateSettings(id: string, settings: string): Promise<void>;
}

export interface SigningKeyStore {
  listForTenant(tenantId: string): Promise<SigningKeyRow[]>;
  insert(row: SigningKeyRow): Promise<void>;
  retire(kid: string, retiredAt: number, publishedUntil: number): Promise<void>;
  deleteUnpublished(tenantId: string, now: number): Promise<number>;
}

export interface ApplicationFilter {
  appId?: string;
  displayName?: string;
  displayNameStartsWith?: string;
}

export interface ApplicationStore {
  insert(row: ApplicationRow): Promise<void>;
  getById(id: string): Promise<ApplicationRow | undefined>;
  getByAppId(appId: string): Promise<ApplicationRow | undefined>;
  /** Every application whose identifierUris contains this exact (normalised) URI. */
  findByIdentifierUri(uri: string): Promise<ApplicationRow[]>;
  list(tenantId: string, filter: ApplicationFilter, limit: number): Promise<ApplicationRow[]>;
  update(id: string, patch: Partial<Omit<ApplicationRow, 'id' | 'app_id' | 'tenant_id'>>): Promise<void>;
  delete(id: string): Promise<void>;
}

export interface CredentialStore {
  insertPassword(row: PasswordCredentialRow): Promise<void>;
  listPasswords(applicationId: string): Promise<PasswordCredentialRow[]>;
  deletePassword(applicationId: string, keyId: string): Promise<boolean>;
  listKeys(applicationId: string): Promise<KeyCredentialRow[]>;
  replaceKeys(applicationId: string, rows: KeyCredentialRow[]): Promise<void>;
}

export interface ServicePrincipalStore {
  insert(row: ServicePrincipalRow): Promise<void>;
  getById(tenantId: string, id: string): Promise<ServicePrincipalRow | undefined>;
  getByAppId(tenantId: string, appId: string): Promise<ServicePrincipalRow | undefined>;
  list(tenantId: string, filter: { appId?: string; displayName?: string }, limit: number): Promise<ServicePrincipalRow[]>;
  update(
    id: string,
    patch: Partial<Pick<ServicePrincipalRow, 'account_enabled' | 'app_role_assignment_required' | 'display_name'>>,
  ): Promise<void>;
  delete(id: string): Promise<void>;
  /** Removes every service principal of an application, in every tenant (the app was deleted). */
  deleteByAppId(appId: string): Promise<void>;
}

export interface AppRoleAssignmentStore {
  insert(row: AppRoleAssignmentRow): Promise<void>;
  getById(tenantId: string, id: string): Promise<AppRoleAssignmentRow | undefined>;
  listByPrincipal(tenantId: string, principalId: string): Promise<AppRoleAssignmentRow[]>;
  listByResource(tenantId: string, resourceId: string): Promise<AppRoleAssignmentRow[]>;
  /** Role ids assigned to a client service principal on a resource service principal. */
  roleIds(principalId: string, resourceId: string): Promise<string[]>;
  delete(tenantId: string, id: string): Promise<boolean>;
}

export interface UserFilter {
  userPrincipalName?: string;
  displayName?: string;
  displayNameStartsWith?: string;
  userPrincipalNameStartsWith?: string;
}

export interface UserStore {
  insert(row: UserRow): Promise<void>;
  getByUserPrincipalName(upn: string): Promise<UserRow | undefined>;
  getById(id: string): Promise<UserRow | undefined>;
  list(tenantId: string, filter: UserFilter, limit: number): Promise<UserRow[]>;
  update(id: string, patch: Partial<Omit<UserRow, 'id' | 'tenant_id' | 'created_at'>>): Promise<void>;
  delete(id: string): Promise<boolean>;
}

export interface AssertionReplayStore {
  /** Records a client assertion's jti; false when it was already used and has not expired. */
  markUsed(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
}

/** A filtered, sorted page of a Cloud Apps list. Filters arrive validated (cloudapps/filters), compiled here (kysely/filter-sql.ts). */
export interface ListQuery {
  conditions: FilterCondition[];
  sortField: string;
  sortDirection: 'asc' | 'desc';
  skip: number;
  limit: number;
}

export interface ListPage<Row> {
  rows: Row[];
  /** Matching records, counted up to a cap. */
  total: number;
  /** `total` is the cap, not the exact count. */
  moreThanTotal: boolean;
  hasNext: boolean;
}

/** Largest exact `total` of a list; beyond it `moreThanTotal` is set (the real service caps counts too). */
export const LIST_TOTAL_CAP = 10_000;

export type AlertStatePatch = Partial<
  Pick<
    CloudAppsAlertRow,
    | 'status_value'
    | 'resolution_status'
    | 'resolve_time'
    | 'handled_by_user'
    | 'comment'
    | 'reason_id'
    | 'assigned_to'
    | 'classification'
    | 'determination'
    | 'last_update'
  >
>;

/**
 * What the API renders of an alert: its state columns and its stored document, as text or as the
 * UTF-8 bytes stored (the SQLite list reads bytes and answers with them without decoding).
 */
export type AlertView = Pick<
  CloudAppsAlertRow,
  'id' | 'severity' | 'resolution_status' | 'status_value' | 'resolve_time' | 'handled_by_user' | 'comment'
> & { doc: string | Uint8Array };

export interface AlertStore {
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsAlertRow>>;
  /** The same page as `list`, with only what the API renders (the list route's read). */
  listViews(tenantId: string, query: ListQuery): Promise<ListPage<AlertView>>;
  get(tenantId: string, id: string): Promise<CloudAppsAlertRow | undefined>;
  /** Ids of the alerts matching the conditions (close and reopen act on them). */
  matchIds(tenantId: string, conditions: FilterCondition[], max: number): Promise<string[]>;
  existingIds(tenantId: string, ids: string[]): Promise<Set<string>>;
  updateState(tenantId: string, ids: string[], patch: AlertStatePatch): Promise<number>;
  /** A page of Microsoft Graph's alerts_v2 list: the query's predicate, order and cut, in SQL. */
  statePage(tenantId: string, query: AlertStateQuery): Promise<AlertStatePage>;
  /** Sets the alerts_v2 comment list (JSON) if it is still `expected`; false when it changed meanwhile. */
  swapGraphComments(tenantId: string, id: string, expected: string | null, next: string, at: number): Promise<boolean>;
  /** Inserts or replaces by (tenant, id). */
  upsert(rows: CloudAppsAlertRow[]): Promise<void>;
  count(tenantId: string): Promise<number>;
  /** Refreshes query-planner statistics after a bulk load. */
  analyze(): Promise<void>;
}

/**
 * What an activity list page holds per record: the document (the wire item), its id and time
 * (scan mode). Stores may return whole rows; PostgreSQL reads only these columns.
 */
export type ActivityListRow = Pick<CloudAppsActivityRow, 'id' | 'timestamp' | 'doc'>;

export interface ActivityStore {
  list(tenantId: string, query: ListQuery): Promise<ListPage<ActivityListRow>>;
  get(tenantId: string, id: string): Promise<CloudAppsActivityRow | undefined>;
  setFeedback(tenantId: string, id: string, feedback: string): Promise<boolean>;
  upsert(rows: CloudAppsActivityRow[]): Promise<void>;
  count(tenantId: string): Promise<number>;
  /** Refreshes query-planner statistics after a bulk load. */
  analyze(): Promise<void>;
}

export interface EntityStore {
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsEntityRow>>;
  getByPk(tenantId: string, pk: string): Promise<CloudAppsEntityRow | undefined>;
  getByOid(tenantId: string, oid: string): Promise<CloudAppsEntityRow | undefined>;
  /** Entities whose parent is the given user pk (a user's accounts). */
  children(tenantId: string, parentPk: string): Promise<CloudAppsEntityRow[]>;
  upsert(rows: CloudAppsEntityRow[]): Promise<void>;
  count(tenantId: string): Promise<number>;
  /** Refreshes query-planner statistics after a bulk load. */
  analyze(): Promise<void>;
}

export interface FileStore {
  list(tenantId: string, query: ListQuery): Promise<ListPage<CloudAppsFileRow>>;
  /** By the 24-hex `_id`. */
  get(tenantId: string, oid: string): Promise<CloudAppsFileRow | undefined>;
  /** Inserts or replaces by (tenant, `_id`). */
  upsert(rows: CloudAppsFileRow[]): Promise<void>;
  count(tenantId: string): Promise<number>;
  /** Refreshes query-planner statistics after a bulk load. */
  analyze(): Promise<void>;
}

export interface ApiTokenStore {
  insert(row: ApiTokenRow): Promise<void>;
  getByHash(hash: string): Promise<ApiTokenRow | undefined>;
  list(tenantId: string): Promise<ApiTokenRow[]>;
  revoke(tenantId: string, id: string, at: number): Promise<boolean>;
}

/** Per-tenant Cloud Apps settings: rate-limit override, fault injection. */
export interface TenantSettingsStore {
  get(tenantId: string): Promise<CloudAppsTenantSettingsRow | undefined>;
  put(row: CloudAppsTenantSettingsRow): Promise<void>;
}

export interface Stores {
  tenants: TenantStore;
  signingKeys: SigningKeyStore;
  applications: ApplicationStore;
  credentials: CredentialStore;
  servicePrincipals: ServicePrincipalStore;
  assignments: AppRoleAssignmentStore;
  users: UserStore;
  assertions: AssertionReplayStore;
  alerts: AlertStore;
  activities: ActivityStore;
  entities: EntityStore;
  files: FileStore;
  apiTokens: ApiTokenStore;
  tenantSettings: TenantSettingsStore;
  /** SIEM export targets and their outbox (siem-interfaces.ts). */
  siem: SiemStore;
  /** Detection engine: outbox, detector state, tenant locks, activity policies. */
  detection: DetectionStore;
  /** Cloud Discovery and IP ranges (discovery-interfaces.ts). */
  discovery: DiscoveryStores;
  /** Directory roles, delegated grants and sign-in secrets (user-context-interfaces.ts). */
  userContext: UserContextStores;
  /**
   * A value that differs whenever committed data may have changed, by this process or another one
   * sharing the database. Read caches compare it before serving an entry, so they never serve a
   * row older than the last write. Must be cheap: it is read on every token request.
   */
  changeStamp(): string;
  /** Runs fn in one transaction over stores bound to it. */
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Fixed-window counters (rate limits, lockouts) that every process serving one installation sees:
 * in PostgreSQL, Redis, or a SQLite file beside the SQLite database. Windows are aligned on the
 * caller's clock (`floor(now / windowMs)`), so frozen-clock tests stay exact.
 */
export interface CounterStore {
  /** Which backend holds the counters; `sqlite` reads are local and cheap, the others cross a network. */
  readonly kind: 'sqlite' | 'postgres' | 'redis';
  /** Adds one to `key` in the window containing `now`; resolves to the count after it. */
  hit(key: string, windowMs: number, now: number): Promise<number>;
  /** The count of `key` in the window containing `now` (0 when none). */
  peek(key: string, windowMs: number, now: number): Promise<number>;
  close(): Promise<void>;
}
