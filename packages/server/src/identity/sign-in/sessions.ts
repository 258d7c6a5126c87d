import crypto from 'node:crypto';
import type { Stores } from '../../store/interfaces.js';
import type { Clock } from '../../clock.js';
import type { MasterKey } from '../master-key.js';
import type { User } from '../users/user-model.js';
import type { UserService } from '../users/user-service.js';

export const SESSION_COOKIE = 'aw_session';
/** How long a browser stays signed in (single sign-on) after entering a password. */
export const SESSION_LIFETIME_MS = 12 * 3600_000;

export interface SignedInSession {
  user: User;
  authTime: number;
  sessionHash: string;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

/** The browser session behind the single sign-on cookie; the cookie holds a random id, the database its hash. */
export class SignInSessions {
  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly clock: Clock,
    private readonly users: UserService,
  ) {}

  async create(user: User): Promise<{ cookie: string; authTime: number }> {
    const id = crypto.randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.stores.userContext.signInSessions.insert({
      session_hash: this.master.hashSecret(id),
      tenant_id: user.tenantId,
      user_id: user.id,
      auth_time: now,
      created_at: now,
      expires_at: now + SESSION_LIFETIME_MS,
    });
    return { cookie: id, authTime: now };
  }

  /** The signed-in user of a cookie: unexpired, not revoked, account still enabled. */
  async read(cookieHeader: string | undefined): Promise<SignedInSession | undefined> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (!id) return undefined;
    const hash = this.master.hashSecret(id);
    const row = await this.stores.userContext.signInSessions.get(hash);
    if (!row || this.clock.now() >= row.expires_at) return undefined;
    const user = await this.users.getById(row.user_id);
    if (!user || !user.accountEnabled || row.created_at < user.tokensValidFrom) return undefined;
    return { user, authTime: row.auth_time, sessionHash: hash };
  }

  async end(cookieHeader: string | undefined): Promise<void> {
    const id = readCookie(cookieHeader, SESSION_COOKIE);
    if (id) await this.stores.userContext.signInSessions.delete(this.master.hashSecret(id));
  }
}

export const sessionCookie = (value: string, secure: boolean) =>
  `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}; Max-Age=${SESSION_LIFETIME_MS / 1000}`;
export const clearedSessionCookie = (secure: boolean) =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}; Max-Age=0`;
