import {
  CLOUD_APP_SECURITY_APP_ID,
  CLOUD_APP_SECURITY_IDENTIFIER_URIS,
  canonicalCloudAppsPermission,
  type ApiTokenKind,
  type CloudAppsPermission,
} from '@appwarden/protocol';
import { acceptanceWindowMs, TokenRejected } from '../identity/access-token-verifier.js';
import type { Tenant } from '../identity/tenant-service.js';
import { CloudAppsError } from '../http/errors.js';
import type { Services } from '../wiring.js';
import type { ApiTokenService } from './api-tokens.js';

/** Audiences of Cloud App Security tokens: the v1 `resource` forms and the appId (v2 `.default`). */
export const CLOUD_APPS_AUDIENCES = [...CLOUD_APP_SECURITY_IDENTIFIER_URIS, CLOUD_APP_SECURITY_APP_ID];

const ALL: CloudAppsPermission[] = [
  'Investigation.read',
  'Investigation.manage',
  'Discovery.read',
  'Discovery.manage',
  'Settings.read',
  'Settings.manage',
];
const READ_ONLY: CloudAppsPermission[] = ['Investigation.read', 'Discovery.read', 'Settings.read'];

/** Who calls the Cloud Apps API and what they may do. */
export interface CloudAppsCaller {
  tenant: Tenant;
  permissions: ReadonlySet<CloudAppsPermission>;
  /** Set when the caller used a legacy API token. */
  legacyToken?: ApiTokenKind;
  /** Recorded as `handledByUser` when the caller closes alerts: the user (delegated), else the app id or token name. */
  actor: string;
}

export function invalidToken(origin: string, detail: string): CloudAppsError {
  return new CloudAppsError('invalid_token', 401, 'Invalid token', detail, {
    'WWW-Authenticate': `Token, Bearer realm="${origin}", authorization_uri="${origin}/common/oauth2/authorize", resource_id="${CLOUD_APP_SECURITY_APP_ID}"`,
  });
}

/**
 * `Authorization: Bearer <jwt>` (app roles in `roles`, delegated scopes in `scp`, compared
 * case-insensitively) or the legacy `Authorization: Token <key>` (scheme word in any case,
 * trailing spaces tolerated).
 */
export async function authenticateCloudAppsCaller(
  services: Services,
  tokens: ApiTokenService,
  authorization: string | undefined,
): Promise<CloudAppsCaller> {
  const origin = services.origin.value;
  if (!authorization) throw invalidToken(origin, 'no Authorization header');
  const legacy = /^\s*token\s+(\S+)\s*$/i.exec(authorization);
  if (legacy) {
    const t = await tokens.verify(legacy[1]!);
    if (!t) throw invalidToken(origin, 'unknown or revoked API token');
    const tenant = await services.tenants.getById(t.tenantId);
    if (!tenant) throw invalidToken(origin, 'API token of a deleted tenant');
    return { tenant, permissions: new Set(t.kind === 'full' ? ALL : READ_ONLY), legacyToken: t.kind, actor: `API token '${t.name}'` };
  }
  const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) throw invalidToken(origin, 'unsupported Authorization scheme');
  const jwt = bearer[1]!;
  const cache = bearerCacheOf(services);
  const hit = cache.get(jwt, origin, services.clock.now());
  if (hit) return hit;
  try {
    const v = await services.verifier.verify(jwt, CLOUD_APPS_AUDIENCES);
    const scp = typeof v.claims.scp === 'string' ? v.claims.scp.split(' ') : [];
    const permissions = new Set(
      [...v.roles, ...scp].map(canonicalCloudAppsPermission).filter((p): p is CloudAppsPermission => p !== undefined),
    );
    const user = v.claims.upn ?? v.claims.unique_name ?? v.claims.preferred_username;
    const caller: CloudAppsCaller = { tenant: v.tenant, permissions, actor: typeof user === 'string' ? user : v.clientAppId };
    cache.set(jwt, origin, caller, v.claims);
    return caller;
  } catch (e) {
    if (e instanceof TokenRejected) throw invalidToken(origin, e.message);
    throw e;
  }
}

/** Most verified bearer tokens remembered per process (the cache is emptied when it is full). */
const MAX_CACHED_TOKENS = 10_000;

interface CachedCaller {
  caller: CloudAppsCaller;
  origin: string;
  /** Epoch ms bounds within which the token is accepted (skew included), as in AccessTokenVerifier. */
  notBefore: number;
  notAfter: number;
}

/**
 * Verified bearer tokens, keyed by the whole compact JWS (never by its signature alone: the
 * signature proves nothing about a different header or payload). An entry holds only while
 * `Stores.changeStamp()` stays put, so a deleted tenant or a removed signing key rejects the
 * token on the very next request, as without the cache; `nbf`/`exp` are checked on every hit.
 * Saves the RS256 verification, the JSON decoding and the key lookups on each API call.
 */
class BearerCache {
  private stamp: string | undefined;
  private readonly entries = new Map<string, CachedCaller>();

  constructor(private readonly changeStamp: () => string) {}

  get(jwt: string, origin: string, now: number): CloudAppsCaller | undefined {
    const stamp = this.changeStamp();
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
      return undefined;
    }
    const e = this.entries.get(jwt);
    if (!e || e.origin !== origin || now < e.notBefore || now > e.notAfter) return undefined;
    return e.caller;
  }

  set(jwt: string, origin: string, caller: CloudAppsCaller, claims: Record<string, unknown>): void {
    const window = acceptanceWindowMs(claims);
    if (!window) return;
    if (this.changeStamp() !== this.stamp) return;
    if (this.entries.size >= MAX_CACHED_TOKENS) this.entries.clear();
    this.entries.set(jwt, { caller, origin, ...window });
  }
}

const bearerCaches = new WeakMap<Services, BearerCache>();

function bearerCacheOf(services: Services): BearerCache {
  let c = bearerCaches.get(services);
  if (!c) bearerCaches.set(services, (c = new BearerCache(() => services.stores.changeStamp())));
  return c;
}
