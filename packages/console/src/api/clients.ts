import { CloudAppsClient, ManagementClient, callJson, type AccessToken, type TokenCredential } from '@appwarden/sdk';
import { getAccessToken } from '../session/token-source.js';
import { activeSession, type Resource, type Session } from '../session/session-store.js';

/** The SDK's TokenCredential over the console's session: one resource per credential. */
class SessionCredential implements TokenCredential {
  constructor(
    private readonly resource: Resource,
    private readonly session: Session,
  ) {}
  async getToken(): Promise<AccessToken> {
    const token = await getAccessToken(this.resource, this.session);
    return { token, expiresOnTimestamp: this.session.tokens[this.resource]?.expiresOn ?? Date.now() + 60_000 };
  }
}

function current(): Session {
  const s = activeSession();
  if (!s) throw new Error('Not signed in.');
  return s;
}

/** The Graph-compatible management API (/v1.0) as the signed-in user. */
export function management(session: Session = current()): ManagementClient {
  return new ManagementClient(location.origin, { credential: new SessionCredential('graph', session) });
}

/** The Defender for Cloud Apps API as the signed-in user; no retries after 429 in a UI (shown instead). */
export function cloudApps(session: Session = current()): CloudAppsClient {
  return new CloudAppsClient(location.origin, new SessionCredential('cloudApps', session), {
    retry: { maxRetries: 1, throttleWindowMs: 5_000 },
    timeoutMs: 60_000,
  });
}

/**
 * Appwarden's own administration of a tenant's Cloud Apps API (API tokens, sanctioning), under
 * /admin/tenants/{tenant}/cloud-apps, guarded by a Graph token of that tenant.
 */
export async function cloudAppsAdmin<T>(method: string, subpath: string, body?: unknown, session: Session = current()): Promise<T> {
  const token = await getAccessToken('graph', session);
  return callJson<T>(
    (input, init) => fetch(input, init),
    `${location.origin}/admin/tenants/${encodeURIComponent(session.tenantId)}/cloud-apps${subpath}`,
    `Bearer ${token}`,
    { method, body },
  );
}
