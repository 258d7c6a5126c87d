/**
 * The signed-in sessions of this browser tab, one per tenant (a user may belong to several), in
 * sessionStorage: closing the tab signs out, as the admin centers' MSAL.js default does.
 */
export type Resource = 'graph' | 'cloudApps';

export interface CachedToken {
  accessToken: string;
  /** ms since epoch */
  expiresOn: number;
}

export interface Session {
  tenantId: string;
  tenantName: string;
  /** Initial domain (contoso.onmicrosoft.com); shown in the switcher. */
  domain?: string;
  user: { name: string; username: string };
  tokens: Partial<Record<Resource, CachedToken>>;
  refreshToken?: string;
}

const SESSIONS_KEY = 'appwarden.console.sessions';
const ACTIVE_KEY = 'appwarden.console.activeTenant';

export function readSessions(): Record<string, Session> {
  try {
    const raw = sessionStorage.getItem(SESSIONS_KEY);
    return raw ? (JSON.parse(raw) as Record<string, Session>) : {};
  } catch {
    return {};
  }
}

function writeSessions(all: Record<string, Session>): void {
  sessionStorage.setItem(SESSIONS_KEY, JSON.stringify(all));
}

export function saveSession(session: Session): void {
  writeSessions({ ...readSessions(), [session.tenantId]: session });
}

export function activeSession(): Session | undefined {
  const all = readSessions();
  const id = sessionStorage.getItem(ACTIVE_KEY);
  return (id && all[id]) || Object.values(all)[0];
}

export function setActiveTenant(tenantId: string): void {
  sessionStorage.setItem(ACTIVE_KEY, tenantId);
}

export function removeSession(tenantId: string): void {
  const all = readSessions();
  delete all[tenantId];
  writeSessions(all);
  if (sessionStorage.getItem(ACTIVE_KEY) === tenantId) sessionStorage.removeItem(ACTIVE_KEY);
}

export function clearSessions(): void {
  sessionStorage.removeItem(SESSIONS_KEY);
  sessionStorage.removeItem(ACTIVE_KEY);
}
