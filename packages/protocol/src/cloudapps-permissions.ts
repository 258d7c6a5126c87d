import type { CloudAppsPermission } from './app-roles.js';

/**
 * Every Cloud Apps API operation that a permission check guards. Names are `<resource>.<action>`;
 * an operation covers every path and method alias that performs it.
 */
export const CLOUD_APPS_ENDPOINTS = [
  'alerts.list',
  'alerts.fetch',
  'alerts.read',
  'alerts.unread',
  'alerts.close',
  'activities.list',
  'activities.fetch',
  'activities.feedback',
  'entities.list',
  'entities.fetch',
  'entities.tree',
  'subnet.list',
  'subnet.fetch',
  'subnet.create',
  'subnet.update',
  'subnet.delete',
  'discovery.streams',
  'discovery.categories',
  'discovery.upload',
  'discovery.blockScript',
  'files.list',
  'files.fetch',
  'policies.list',
  'policies.fetch',
  'policies.disable',
] as const;

export type CloudAppsEndpoint = (typeof CLOUD_APPS_ENDPOINTS)[number];

const INV_READ: CloudAppsPermission = 'Investigation.read';
const INV_MANAGE: CloudAppsPermission = 'Investigation.manage';
const DISC_READ: CloudAppsPermission = 'Discovery.read';
const DISC_MANAGE: CloudAppsPermission = 'Discovery.manage';
const SET_READ: CloudAppsPermission = 'Settings.read';
const SET_MANAGE: CloudAppsPermission = 'Settings.manage';

const ALERT_READERS = [INV_READ, INV_MANAGE, DISC_READ, DISC_MANAGE] as const;
const INVESTIGATORS = [INV_READ, INV_MANAGE] as const;

/**
 * Which application/delegated permissions allow each operation: Microsoft's table
 * (api-authentication-application.md), reference §2.3. Files endpoints appear in no scope of that
 * table; they are investigation data, so the Investigation permissions allow them (inferred, reference
 * wild-clients §1.1); legacy API tokens of either kind hold Investigation.read.
 */
export const CLOUD_APPS_PERMISSION_MATRIX: Readonly<Record<CloudAppsEndpoint, readonly CloudAppsPermission[]>> = {
  'alerts.list': ALERT_READERS,
  'alerts.fetch': ALERT_READERS,
  'alerts.read': ALERT_READERS,
  'alerts.unread': ALERT_READERS,
  'alerts.close': [INV_MANAGE, DISC_MANAGE],
  'activities.list': INVESTIGATORS,
  'activities.fetch': INVESTIGATORS,
  'activities.feedback': INVESTIGATORS,
  'entities.list': INVESTIGATORS,
  'entities.fetch': INVESTIGATORS,
  'entities.tree': INVESTIGATORS,
  'subnet.list': [INV_READ, INV_MANAGE, SET_READ, SET_MANAGE],
  'subnet.fetch': [INV_READ, INV_MANAGE, SET_READ, SET_MANAGE],
  'subnet.create': [INV_MANAGE, SET_MANAGE],
  'subnet.update': [INV_MANAGE, SET_MANAGE],
  'subnet.delete': [INV_MANAGE, SET_MANAGE],
  'discovery.streams': [DISC_READ, DISC_MANAGE],
  'discovery.categories': [DISC_READ, DISC_MANAGE],
  'discovery.upload': [DISC_MANAGE],
  'discovery.blockScript': [DISC_MANAGE],
  'files.list': INVESTIGATORS,
  'files.fetch': INVESTIGATORS,
  // Undocumented API (reference detection §1.6), no published permission: reading policies is
  // investigation reading ("View alerts, activities and policies"), switching one off is managing (inferred).
  'policies.list': INVESTIGATORS,
  'policies.fetch': INVESTIGATORS,
  'policies.disable': [INV_MANAGE],
};

/** Operations that change data: a read-only legacy API token is refused on them. */
export const CLOUD_APPS_WRITE_ENDPOINTS: ReadonlySet<CloudAppsEndpoint> = new Set<CloudAppsEndpoint>([
  'alerts.close',
  'subnet.create',
  'subnet.update',
  'subnet.delete',
  'discovery.upload',
  'policies.disable',
]);

/** Legacy API token kinds: a full admin's token or a read-only (security reader) token. */
export type ApiTokenKind = 'full' | 'read-only';

export const API_TOKEN_KINDS: readonly ApiTokenKind[] = ['full', 'read-only'];

/** Token format accepted by the MCAS PowerShell module (`^[0-9a-zA-Z=]{64,192}$`). */
export const API_TOKEN_PATTERN = /^[0-9a-zA-Z=]{64,192}$/;

/** Normalises a permission spelled in any case (`Investigation.Read`) to its canonical form. */
export function canonicalCloudAppsPermission(value: string): CloudAppsPermission | undefined {
  const v = value.toLowerCase();
  const all: CloudAppsPermission[] = [INV_READ, INV_MANAGE, DISC_READ, DISC_MANAGE, SET_READ, SET_MANAGE];
  return all.find((p) => p.toLowerCase() === v);
}
