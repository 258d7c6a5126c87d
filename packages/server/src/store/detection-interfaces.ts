import type { CloudAppsActivityRow, DetectionPolicyRow } from './schema.js';

/**
 * An activity as the detection engine reads it: the columns without the stored document, and the
 * few document members detectors use, each as JSON text (null when the document has none). The
 * documents are most of an activity's bytes; reading only these keeps the claim cheap.
 */
export type DetectionActivityRow = Omit<CloudAppsActivityRow, 'doc'> & {
  /** `location` (its latitude and longitude place sign-ins). */
  location: string | null;
  /** `appName`. */
  app_name: string | null;
  /** `resolvedActor` (alert entities and descriptions name the account). */
  actor: string | null;
};

/**
 * The detection engine's storage: the outbox of activities to evaluate, durable detector state,
 * the per-tenant evaluation lock and the activity policies. Claims happen inside one transaction
 * (`Stores.transaction`) that also writes the alerts, the state and removes the claimed rows.
 */
export interface DetectionStore {
  /** Tenants that have queued activities (at most `limit`). */
  queuedTenants(limit: number): Promise<string[]>;
  /** Queued activities in all tenants (or one). */
  queueDepth(tenantId?: string): Promise<number>;
  /**
   * Takes the tenant's evaluation lock for the current transaction. On PostgreSQL a row lock with
   * SKIP LOCKED: false when another process is evaluating this tenant. SQLite has one writer.
   */
  lockTenant(tenantId: string, now: number): Promise<boolean>;
  /** The oldest queued activities of the tenant (ids whose activity is gone are returned in `missing`). */
  claim(tenantId: string, limit: number): Promise<{ rows: DetectionActivityRow[]; missing: string[] }>;
  /** Activities by id (those that exist). */
  activities(tenantId: string, ids: string[]): Promise<DetectionActivityRow[]>;
  /** Removes evaluated activities from the queue and counts them on the tenant's row. */
  complete(tenantId: string, activityIds: string[]): Promise<void>;
  loadState(tenantId: string, keys: string[]): Promise<Map<string, string>>;
  saveState(tenantId: string, entries: [string, string][], now: number): Promise<void>;
  deleteState(tenantId: string, keys: string[]): Promise<void>;
  listPolicies(tenantId: string): Promise<DetectionPolicyRow[]>;
  getPolicy(tenantId: string, id: string): Promise<DetectionPolicyRow | undefined>;
  putPolicy(row: DetectionPolicyRow): Promise<void>;
  deletePolicy(tenantId: string, id: string): Promise<boolean>;
}
